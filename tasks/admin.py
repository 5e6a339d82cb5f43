"""Tasks in the admin: added and changed through create_task/update_task, completed
and canceled by actions that call the services; never deleted (cancel instead)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.admin import ModelAdmin
from crm.models import Salesperson
from tasks import services
from tasks.models import Task
from web.admin import CappedCountAdminMixin, ServiceAdminMixin


class ReassignForm(forms.Form):
    salesperson = forms.ModelChoiceField(
        label=_("Salesperson"), queryset=Salesperson.objects.active()
    )


EDITABLE = [
    "description",
    "type",
    "contact",
    "salesperson",
    "date",
    "start_time",
    "duration",
    "all_day",
    "location",
    "priority",
    "status",
    "template",
    "recurring",
    "recurring_date_interval",
    "calc_due_date_from",
    "attendee_contacts",
    "attendee_salespeople",
]


@admin.register(Task)
class TaskAdmin(ServiceAdminMixin, CappedCountAdminMixin, ModelAdmin):
    list_display = [
        "no",
        "date",
        "description",
        "contact",
        "salesperson",
        "priority",
        "status",
        "closed",
    ]
    list_filter = ["status", "priority", "type", "closed", "canceled"]
    list_select_related = ["contact", "salesperson"]
    search_fields = ["no", "description", "contact__no", "contact__name"]
    autocomplete_fields = [
        "contact",
        "salesperson",
        "template",
        "attendee_contacts",
        "attendee_salespeople",
    ]
    fields = [
        "no",
        *EDITABLE,
        "contact_company",
        "segment_no",
        "ending_date",
        "ending_time",
        "closed",
        "date_closed",
        "canceled",
        "source_entry_no",
        "logged_entry_no",
        "previous",
        "created_by",
        "created_at",
    ]
    readonly_fields = [name for name in fields if name not in EDITABLE]
    ordering = ["-date", "-no"]
    actions = ["complete", "cancel", "reassign"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_service(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in EDITABLE}
        if change:
            return services.update_task(obj, user=request.user, **values)
        return services.create_task(user=request.user, **values)

    # The many-to-many attendees are saved by the services.
    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _each(self, request, queryset, service, message):
        """Run `service` on each open task selected; all or none."""
        chosen = list(queryset.filter(closed=False))
        try:
            with transaction.atomic():
                for task in chosen:
                    service(task, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, message(len(chosen)))

    @admin.action(
        description=_("Complete (log the interaction)"), permissions=["change"]
    )
    def complete(self, request, queryset):
        self._each(
            request,
            queryset,
            services.complete_task,
            lambda count: (
                ngettext(
                    "%(count)d task completed.", "%(count)d tasks completed.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            services.cancel_task,
            lambda count: (
                ngettext("%(count)d task canceled.", "%(count)d tasks canceled.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Assign to salesperson"), permissions=["change"])
    def reassign(self, request, queryset):
        """Toewijzen aan verkoper: a page to choose the salesperson, then the
        service; closed tasks keep theirs."""
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = services.reassign_tasks(
                    queryset,
                    salesperson=form.cleaned_data["salesperson"],
                    user=request.user,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(count)d task assigned.", "%(count)d tasks assigned.", count)
                % {"count": count},
            )
            return None
        return TemplateResponse(
            request,
            "admin/tasks/task/reassign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign to salesperson"),
                "opts": self.model._meta,
                "form": form,
                "tasks": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
