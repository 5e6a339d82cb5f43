"""The data-subject export and erasure as actions of the contact admin (the crm app
cannot know the privacy app, so they are added to its ModelAdmin here), and the
kept exports, read-only; the retention policies, settings and run log."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.admin import ModelAdmin
from crm.models import Contact
from privacy import services
from privacy.models import (
    ContactExport,
    RetentionPolicy,
    RetentionRun,
    RetentionSettings,
)


def _one(modeladmin, request, queryset, permission):
    """The one contact an action runs for, or None after saying why not."""
    if not request.user.has_perm(permission):
        modeladmin.message_user(
            request, _("You may not do this with contacts."), messages.ERROR
        )
        return None
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Select exactly one contact for this action."), messages.ERROR
        )
        return None
    return queryset.get()


@admin.action(description=gettext_lazy("Export contact data"))
def export_contact_data(modeladmin, request, queryset):
    contact = _one(modeladmin, request, queryset, "privacy.export_contact_data")
    if contact is None:
        return None
    if services.export_in_background(contact):
        # The page starts the job and keeps its download.
        return redirect("privacy:contact_export", pk=contact.pk)
    content = services.export_contact_data(contact, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{services.export_filename(contact)}"'
    )
    return response


@admin.action(description=gettext_lazy("Anonymise contact"))
def erase_contact(modeladmin, request, queryset):
    # Irreversible: confirmed on the page by typing the number, which then calls
    # the service.
    contact = _one(modeladmin, request, queryset, "privacy.erase_contact")
    if contact is None:
        return None
    return redirect("privacy:contact_erase", pk=contact.pk)


_contact_admin = admin.site._registry.get(Contact)
if _contact_admin is not None:
    _contact_admin.actions = [
        *(_contact_admin.actions or ()),
        export_contact_data,
        erase_contact,
    ]


@admin.register(ContactExport)
class ContactExportAdmin(ModelAdmin):
    list_display = ["file_name", "contact", "created_by", "created_at", "expires_at"]
    list_select_related = ["contact", "created_by"]
    search_fields = ["contact__no", "file_name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "contact",
        "job",
        "created_by",
        "created_at",
        "file",
        "file_name",
        "expires_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(ModelAdmin):
    """The policies of the Bewaartermijnen page, saved through the same services."""

    list_display = ("__str__", "group", "template", "action", "months", "updated_at")
    list_filter = ("action",)
    list_select_related = ("group", "template")
    search_fields = ("group__code", "template__code")
    autocomplete_fields = ("group", "template")

    def save_model(self, request, obj, form, change):
        services.save_retention_policy(obj, user=request.user)

    def delete_model(self, request, obj):
        services.delete_retention_policy(obj, user=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for policy in queryset:
            services.delete_retention_policy(policy, user=request.user)


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(ModelAdmin):
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
class RetentionRunAdmin(ModelAdmin):
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
