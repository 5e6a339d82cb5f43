from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jobs import services
from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started by the pages and run by the worker; cancel and
    retry go through the same services as the jobs page."""

    list_display = (
        "id",
        "kind",
        "status",
        "created_by",
        "progress_done",
        "progress_total",
        "attempt",
        "created_at",
        "finished_at",
    )
    # A range filter on the creation date, not a date hierarchy: its list of years
    # or days reads every job (issue 19).
    list_filter = (("created_at", admin.DateFieldListFilter), "status", "kind")
    list_select_related = ("created_by",)
    search_fields = ("kind", "created_by__username", "message", "task_id")
    actions = ("cancel_jobs", "retry_jobs")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel selected jobs"))
    def cancel_jobs(self, request, queryset):
        self._each(request, queryset, services.cancel_job, _("%d job(s) canceled."))

    @admin.action(description=_("Retry selected jobs"))
    def retry_jobs(self, request, queryset):
        self._each(request, queryset, services.retry_job, _("%d job(s) run again."))

    def _each(self, request, queryset, service, done_message):
        done = 0
        for job in queryset:
            try:
                service(job, user=request.user)
            except ValidationError as error:
                messages.warning(request, f"{job}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, done_message % done)
