"""The admin: one more interface onto the services, like the pages (Wagtail's admin
runs the same actions as its API). Adds, changes, deletes and actions all call a
service, so the checks and the audit trail are the same from both."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.admin import ModelAdmin
from interactions.forms import InteractionGroupForm, InteractionTemplateForm
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
    InteractionTemplateSetup,
)
from interactions.services import (
    create_group,
    create_template,
    create_template_language,
    delete_canceled_entries,
    delete_group,
    delete_template,
    delete_template_language,
    evaluate_entries,
    set_canceled,
    update_group,
    update_template,
    update_template_language,
    update_template_setup,
)
from web.admin import (
    CappedCountAdminMixin,
    IndexedSearchAdminMixin,
    ServiceAdminMixin,
)


def selection_criteria(request, queryset):
    """How an admin action's rows were chosen, for the service's audit record: the
    list's filters when "select all" was used, else the ticked rows."""
    if request.POST.get("select_across") == "1":
        ignored = {"o", "p", "_facets"}  # sorting, page, facet counts
        return {
            "filters": {
                name: value
                for name, value in request.GET.items()
                if name not in ignored
            }
        }
    return {"entries": sorted(queryset.values_list("pk", flat=True))}


@admin.register(InteractionGroup)
class InteractionGroupAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = ["code", "description"]
    search_fields = ["code", "description"]
    # The page's form: the code in capitals, as on the group pages.
    form = InteractionGroupForm

    def save_service(self, request, obj, form, change):
        if change:
            return update_group(obj, user=request.user, **form.cleaned_data)
        return create_group(user=request.user, **form.cleaned_data)

    def delete_service(self, request, obj):
        delete_group(obj, user=request.user)


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = [
        "code",
        "group",
        "description",
        "unit_cost",
        "unit_duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "ignore_contact_correspondence_type",
        "blocked",
    ]
    list_filter = [
        "group",
        "blocked",
        "information_flow",
        "initiated_by",
        "correspondence_type",
    ]
    list_select_related = ["group"]
    search_fields = ["code", "description"]
    autocomplete_fields = ["group"]
    # The page's form: it checks the letter text's placeholders.
    form = InteractionTemplateForm

    def save_service(self, request, obj, form, change):
        if change:
            return update_template(obj, user=request.user, **form.service_values())
        return create_template(user=request.user, **form.service_values())

    def delete_service(self, request, obj):
        delete_template(obj, user=request.user)


@admin.register(InteractionTemplateLanguage)
class InteractionTemplateLanguageAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = ["template", "language_code", "description", "subject"]
    list_filter = ["language_code"]
    list_select_related = ["template"]
    search_fields = ["template__code", "description", "subject"]
    autocomplete_fields = ["template"]
    fields = [
        "template",
        "language_code",
        "description",
        "subject",
        "body",
        "attachment",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A version belongs to its template: moved, it would be another one.
        return ["template"] if obj is not None else []

    def save_service(self, request, obj, form, change):
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != "template"
        }
        # As the template's attachment: None keeps the file, False ("Clear") drops it.
        attachment = values.pop("attachment", None)
        if attachment is not None:
            values["attachment"] = attachment or ""
        if change:
            return update_template_language(obj, user=request.user, **values)
        return create_template_language(
            form.cleaned_data["template"], user=request.user, **values
        )

    def delete_service(self, request, obj):
        delete_template_language(obj, user=request.user)


@admin.register(InteractionTemplateSetup)
class InteractionTemplateSetupAdmin(ModelAdmin):
    """One row per document type, made by a migration: only the template changes."""

    list_display = ["document_type", "template"]
    list_select_related = ["template"]
    readonly_fields = ["document_type"]
    autocomplete_fields = ["template"]

    # Blocked templates are not offered; update_template_setup refuses them too.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = InteractionTemplate.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        update_template_setup({obj.document_type: obj.template}, user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InteractionLogEntry)
class InteractionLogEntryAdmin(
    CappedCountAdminMixin, IndexedSearchAdminMixin, ModelAdmin
):
    """Read-mostly: entries are written by the services; only the evaluation is edited.

    Foreign keys are read-only, so they need no autocomplete widgets. The search is
    the entry list's (InteractionLogEntryQuerySet.search). Newest entry
    number first, on the key's index: the default order (date, then number) has no
    index over postponed and logged entries together, and sorting a million rows
    for a page took seconds (issue 19). For the same reason the dates are a range
    filter, not a date hierarchy, whose list of years reads every row.
    """

    list_display = [
        "entry_no",
        "date",
        "contact",
        "template",
        "description",
        "salesperson",
        "canceled",
        "postponed",
    ]
    list_filter = [
        ("date", admin.DateFieldListFilter),
        "canceled",
        "postponed",
        "evaluation",
        "correspondence_type",
        "information_flow",
        "initiated_by",
        "document_type",
        "delivery_status",
        "group",
    ]
    list_select_related = ["contact", "template", "salesperson"]
    search_fields = ["description", "subject", "contact__no", "contact__name"]
    ordering = ["-entry_no"]
    actions = ["mark_canceled", "remove_canceled_mark", "delete_canceled"]

    # Entries are history: only a logged entry's evaluation may still change, and
    # that through evaluate_entries, which audits it.
    def get_readonly_fields(self, request, obj=None):
        names = [field.name for field in self.model._meta.fields]
        if obj is not None and not obj.postponed:
            names.remove("evaluation")
        return names

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Entries are deleted only through the services: canceled ones by the action
        # below, postponed ones from the postponed interactions page.
        return False

    def has_delete_canceled_permission(self, request):
        return request.user.has_perm("interactions.delete_canceled_entries")

    def save_model(self, request, obj, form, change):
        evaluate_entries([obj], form.cleaned_data["evaluation"], user=request.user)

    @admin.action(description=_("Mark canceled"), permissions=["change"])
    def mark_canceled(self, request, queryset):
        count = set_canceled(
            queryset,
            True,
            user=request.user,
            criteria=selection_criteria(request, queryset),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d interaction log entry marked canceled.",
                "%(count)d interaction log entries marked canceled.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove canceled mark"), permissions=["change"])
    def remove_canceled_mark(self, request, queryset):
        try:
            count = set_canceled(
                queryset,
                False,
                user=request.user,
                criteria=selection_criteria(request, queryset),
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Canceled mark removed from %(count)d interaction log entry.",
                "Canceled mark removed from %(count)d interaction log entries.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Delete canceled entries"), permissions=["delete_canceled"]
    )
    def delete_canceled(self, request, queryset):
        count = delete_canceled_entries(
            entries=queryset,
            user=request.user,
            criteria=selection_criteria(request, queryset),
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d canceled interaction log entry deleted.",
                "%(count)d canceled interaction log entries deleted.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
