from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views import main
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.results import RowResult

from audit.services import record_export
from crm import services
from crm.imports import BoundedCSV, BoundedXLSX, ContactResource
from crm.models import (
    CONTACT_COMMUNICATION_FIELDS,
    CONTACT_IDENTITY_FIELDS,
    CONTACT_PRIVACY_FIELDS,
    CONTACT_SEARCH_FIELDS,
    MISSING_SERIES_MESSAGES,
    Contact,
    MarketingSetup,
    NumberSeries,
    Salesperson,
)
from web.admin import (
    CappedCountAdminMixin,
    IndexedSearchAdminMixin,
    ServiceAdminMixin,
)
from web.amounts import number_formfield


class KeysOnlyMixin:
    """The admin's autocomplete drop-down, for a form shown again with its errors.

    Django's widget looks the submitted value up to show it, and a value that is no
    key ("abc" for a number) makes that lookup a server error; it is left out here,
    and the field's own error says what was wrong.
    """

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [key for key in value if self.is_key(key)], attr)

    def is_key(self, value):
        try:
            self.field.target_field.clean(value, None)
        except ValidationError:
            return False
        return True


class AutocompleteSelect(KeysOnlyMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(KeysOnlyMixin, widgets.AutocompleteSelectMultiple):
    pass


class FormFieldsMixin:
    """For model admins and inlines: their autocomplete_fields use the widget above,
    and their amounts and whole numbers are read as on every other page
    (crm.forms.number_formfield): in the user's language, NaN refused at once."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField | models.IntegerField) and not (
            isinstance(db_field, models.AutoField) or db_field.is_relation
        ):
            return number_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ChangeList(main.ChangeList):
    """The admin's list, where a filter holding a NUL character, which PostgreSQL
    refuses in text, is a wrong filter like any other: the admin shows the list
    again without filters (`?e=1`) instead of failing. Its search form refuses
    NUL with a message by itself."""

    def get_queryset(self, request, exclude_parameters=None):
        for name, values in request.GET.lists():
            if name == main.SEARCH_VAR:
                continue
            if "\x00" in name or any("\x00" in value for value in values):
                raise IncorrectLookupParameters
        return super().get_queryset(request, exclude_parameters)


class ModelAdmin(FormFieldsMixin, admin.ModelAdmin):
    """The admin of every CRM model: whatever is typed into its forms, filters and
    searches, it answers without a server error."""

    def get_changelist(self, request, **kwargs):
        return ChangeList

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete drop-downs' search (the list's own search form refuses
        # NUL with a message). Nothing stored holds one.
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(NumberSeries)
class NumberSeriesAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = ("code", "description", "prefix", "width", "next_no_preview")
    search_fields = ("code", "description", "prefix")

    def save_service(self, request, obj, form, change):
        return services.save_number_series(obj, user=request.user)

    def delete_service(self, request, obj):
        services.delete_number_series(obj, user=request.user)

    @admin.display(description=_("next no."))
    def next_no_preview(self, series):
        return series.next_no_preview


@admin.register(MarketingSetup)
class MarketingSetupAdmin(ServiceAdminMixin, ModelAdmin):
    autocomplete_fields = (
        "contact_nos",
        "segment_nos",
        "task_nos",
        "default_salesperson",
    )

    # A singleton: the one row (pk=1) is edited, never added twice or deleted.
    def has_add_permission(self, request):
        return (
            super().has_add_permission(request) and not MarketingSetup.objects.exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is only one row: go straight to it, or to adding it (a GET never
        writes)."""
        if MarketingSetup.objects.filter(pk=1).exists():
            return redirect(reverse("admin:crm_marketingsetup_change", args=[1]))
        return redirect(reverse("admin:crm_marketingsetup_add"))

    def save_service(self, request, obj, form, change):
        return services.save_marketing_setup(obj, user=request.user)


@admin.register(Salesperson)
class SalespersonAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = ("code", "name", "email", "phone", "job_title", "user", "blocked")
    list_filter = ("blocked",)
    search_fields = ("code", "name", "email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

    def save_service(self, request, obj, form, change):
        return services.save_salesperson(obj, user=request.user)

    def delete_service(self, request, obj):
        services.delete_salesperson(obj, user=request.user)


class ContactAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # Checked here, not only in the service, so the message sits next to the field
        # instead of turning into a server error in save_model.
        if (
            self.instance._state.adding
            and not cleaned_data.get("no")
            and not MarketingSetup.objects.filter(contact_nos__isnull=False).exists()
        ):
            self.add_error("no", MISSING_SERIES_MESSAGES["contact_nos"])
        return cleaned_data


@admin.register(Contact)
class ContactAdmin(
    CappedCountAdminMixin,
    IndexedSearchAdminMixin,
    ImportExportMixin,
    ServiceAdminMixin,
    ModelAdmin,
):
    list_display = (
        "no",
        "name",
        "type",
        "company",
        "salesperson",
        "city",
        "country",
        "email",
    )
    list_display_links = ("no", "name")
    # A range filter on the creation date, not a date hierarchy: its list of years
    # or days reads every contact (issue 19).
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        "type",
        "salesperson",
        "correspondence_type",
        "exclude_from_segment",
        "privacy_blocked",
        "language_code",
        "country",
    )
    search_fields = CONTACT_SEARCH_FIELDS
    list_select_related = ("company", "salesperson")
    autocomplete_fields = ("company", "salesperson")
    readonly_fields = ("erased_at", "created_at", "updated_at")
    form = ContactAdminForm
    fieldsets = (
        (None, {"fields": CONTACT_IDENTITY_FIELDS}),
        (_("Communication"), {"fields": CONTACT_COMMUNICATION_FIELDS}),
        (_("Privacy"), {"fields": CONTACT_PRIVACY_FIELDS}),
        (_("History"), {"fields": ("created_at", "updated_at", "erased_at")}),
    )

    def save_service(self, request, obj, form, change):
        """As the contact pages: an add without a number takes the series' next."""
        if change:
            # The flag goes by name: the service keeps the stored one otherwise.
            return services.update_contact(
                obj, user=request.user, privacy_blocked=obj.privacy_blocked
            )
        return services.create_contact(user=request.user, **form.cleaned_data)

    def delete_service(self, request, obj):
        services.delete_contact(obj, user=request.user)

    # Import and export (django-import-export) with the import page's resource: the
    # admin's import needs crm.import_contact, its export crm.view_contact.
    resource_classes = [ContactResource]
    formats = [BoundedCSV, BoundedXLSX]
    import_template_name = "admin/crm/contact/import.html"

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """django-import-export's file, audited as the list's own exports are: who,
        which filters (the change list's query, or the contacts selected) and how
        many rows (issue 22)."""
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        criteria = {
            key: value
            for key, value in request.GET.items()
            if key not in ("o", "p", "_changelist_filters")
        }
        if "_selected_action" in request.POST or "export_items" in request.POST:
            criteria["selected"] = len(
                request.POST.getlist("_selected_action")
                or request.POST.getlist("export_items")
            )
        record_export(
            user=request.user,
            title=f"{self.model._meta.verbose_name_plural} (admin)",
            file_format=file_format.get_extension(),
            rows=queryset.count() if hasattr(queryset, "count") else len(queryset),
            criteria=criteria,
        )
        return data

    def import_action(self, request, **kwargs):
        """django-import-export's preview, except that rejected rows do not hold the
        others back: confirming imports the valid rows, as the import page does."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if (
            result
            and "confirm_form" not in context
            and not result.has_errors()
            and (
                result.totals[RowResult.IMPORT_TYPE_NEW]
                or result.totals[RowResult.IMPORT_TYPE_UPDATE]
            )
        ):
            context["confirm_form"] = self.create_confirm_form(
                request, import_form=context["form"]
            )
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        """A file the bounded reader refuses says why, as on the import page."""
        if isinstance(e, ValidationError):
            form.add_error("import_file", e)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _(
                "Import finished: %(new)s created, %(update)s updated, "
                "%(unchanged)s unchanged, %(rejected)s rejected."
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
                "rejected": totals[RowResult.IMPORT_TYPE_INVALID],
            },
        )
