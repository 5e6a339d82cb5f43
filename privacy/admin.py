from django.contrib import admin
from django.db import transaction

from privacy import services
from privacy.models import RetentionPolicy, RetentionRun, RetentionSettings


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """The policies of the Bewaartermijnen page, saved through the same services."""

    list_display = ("__str__", "group", "template", "action", "months", "updated_at")
    list_filter = ("action",)
    list_select_related = ("group", "template")
    search_fields = ("group__code", "template__code")

    def save_model(self, request, obj, form, change):
        services.save_retention_policy(obj, user=request.user)

    def delete_model(self, request, obj):
        services.delete_retention_policy(obj, user=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for policy in queryset:
            services.delete_retention_policy(policy, user=request.user)


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "canceled_days",
        "postponed_days",
        "audit_years",
        "file_hours",
    )

    def has_add_permission(self, request):
        return not RetentionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.save_retention_settings(obj, user=request.user)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the runs."""

    list_display = ("started_at", "finished_at", "status", "dry_run", "user", "total")
    list_filter = ("status", "dry_run")
    list_select_related = ("user",)
    date_hierarchy = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
