import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from crm.contact_import import contact_rows
from crm.countries import country_choices
from crm.lookups import ContactField, SalespersonField
from crm.models import (
    CONTACT_FIELDS,
    Contact,
    MarketingSetup,
    NumberSeries,
    Salesperson,
)
from web.amounts import number_formfield
from web.versions import VersionedFormMixin


class RowsField(forms.ModelMultipleChoiceField):
    """The rows ticked in a list, by key. A key the database cannot hold (a number
    past its integer range) is an invalid choice like any other; Django's field would
    send it to SQLite, which fails on it."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            options = self.queryset.model._meta
            key_field = options.get_field(self.to_field_name or options.pk.name)
            for key in value:
                try:
                    key_field.clean(key, None)
                except ValidationError:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": key},
                    ) from None
        return super().clean(value)


class ContactForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        field_classes = {"company": ContactField, "salesperson": SalespersonField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Contact.objects.companies()
        self.fields["company"].widget.params["type"] = Contact.Type.COMPANY
        self.fields["company"].help_text = _("Persons only: the company they work for.")
        # The model's wording instead of the generic "Select a valid choice".
        self.fields["company"].error_messages["invalid_choice"] = (
            Contact._meta.get_field("company").error_messages["invalid"]
        )
        # Blocked salespeople get no new contacts, but an edit keeps the current one.
        self.fields["salesperson"].queryset = (
            Salesperson.objects.active()
            | Salesperson.objects.filter(pk=self.instance.salesperson_id)
        )
        self.fields["country"] = country_field(self, "country")
        if self.instance.pk:
            # The number identifies the contact in history and exports; it stays fixed.
            self.fields["no"].disabled = True
            self.fields["company"].queryset = self.fields["company"].queryset.exclude(
                pk=self.instance.pk
            )


class UserField(forms.ModelChoiceField):
    """A user by full name, with the log-in name people may know them by."""

    def label_from_instance(self, obj):
        name, username = obj.get_full_name(), obj.get_username()
        return f"{name} ({username})" if name else username


class SalespersonForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Salesperson
        fields = [
            "code",
            "name",
            "email",
            "phone",
            "job_title",
            "language_code",
            "user",
            "blocked",
        ]
        field_classes = {"user": UserField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A user is one salesperson: those linked to another are not offered.
        user = self.fields["user"]
        others = Salesperson.objects.exclude(pk=self.instance.pk)
        user.queryset = user.queryset.exclude(salesperson__in=others).order_by(
            "first_name", "last_name", "username"
        )

    def clean_code(self):
        return self.cleaned_data["code"].upper()


class NumberSeriesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = NumberSeries
        fields = ["code", "description", "prefix", "width", "next_number"]
        formfield_callback = number_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Counters, shown as typed in a number: 12000, not 12.000.
        for name in ("width", "next_number"):
            self.fields[name].widget.grouping = False

    def clean_code(self):
        return self.cleaned_data["code"].upper()


def country_field(form, name):
    """A select of the countries by name in the user's language, for the model
    field `name` that stores a country's code. A value from before countries were
    codes stays a choice, to be replaced."""
    choices = country_choices()
    stored = form.initial.get(name)
    if stored and stored not in dict(choices):
        choices.insert(0, (stored, stored))
    model_field = form.fields[name]
    return forms.ChoiceField(
        label=model_field.label,
        help_text=model_field.help_text,
        choices=[("", _("(none)")), *choices],
        required=False,
    )


class MarketingSetupForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MarketingSetup
        fields = [
            "contact_nos",
            "segment_nos",
            "task_nos",
            "default_salesperson",
            "default_correspondence_type",
            "home_country",
        ]
        field_classes = {"default_salesperson": SalespersonField}
        help_texts = {
            "home_country": _(
                "Letters to contacts in this country leave the country out of the "
                "address."
            ),
            "contact_nos": _("Numbers new contacts whose no. is left blank."),
            "segment_nos": _("Numbers new segments, including follow-up segments."),
            "task_nos": _(
                "Numbers new tasks, including the next one of a recurring task."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_country"] = country_field(self, "home_country")


def validate_import_size(file):
    """An import file is at most IMPORT_MAX_UPLOAD_SIZE bytes."""
    limit = settings.IMPORT_MAX_UPLOAD_SIZE
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; a file to import may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


class ContactImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (UTF-8) or an Excel workbook (.xlsx)."),
        validators=[FileExtensionValidator(["csv", "xlsx"]), validate_import_size],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        """Read the column names now: a file that cannot be read is an error of
        this field."""
        file = self.cleaned_data["file"]
        self.file_format = os.path.splitext(file.name)[1].lower().lstrip(".")
        self.content = file.read()
        # The column names now; the rows as the preview reads them.
        contact_rows(self.content, self.file_format)
        return file
