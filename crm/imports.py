"""Contacts as spreadsheet rows (django-import-export): the one ContactResource behind
the admin's import and export, whose columns and widgets the import page's batches
(crm.contact_import) use too, and the contact columns an uploaded file must name
(web.tabular reads the file)."""

import logging
from functools import cache, cached_property

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import MediaStorage

from crm import services
from crm.models import (
    CONTACT_EXPORT_FIELDS,
    Contact,
    CorrespondenceType,
    Language,
    Salesperson,
)
from jobs.models import UNFINISHED, Job
from web.spreadsheets import FORMULA_STARTS, sanitise
from web.tabular import BoundedFormat, column_key, dataset_of, is_blank, rows_of

logger = logging.getLogger(__name__)

# The job kinds of the import page: the preview of a large file, and the import
# once confirmed (crm.contact_import runs them).
PREVIEW_JOB_KIND = "crm.preview_contact_import"
IMPORT_JOB_KIND = "crm.import_contacts"

# The admin's import runs in one request, through the contact services row by row
# (about 16 ms a row on PostgreSQL on a busy 2-core machine): 1,000 rows stay well
# inside a worker's 30 s timeout. Larger files go through Contacts → Import, which
# imports in batches as a job (crm.contact_import).
MAX_ROWS = 1000


class TextWidget(widgets.CharWidget):
    """A cell as text: trimmed, without the ' an export puts before a formula, and
    never with a NUL character (PostgreSQL cannot store one)."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs).strip()
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
        if "\x00" in text:
            raise ValueError(_("The value contains a NUL character."))
        return text


def in_every_language(words):
    """{casefolded text: value} of `words()` ([(text, value)]) said in each
    language of the site: a file read by the worker, in no user's language, may
    hold what the export wrote in Dutch ("Persoon", "Ja")."""
    found = {}
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for text, value in words():
                found.setdefault(str(text).casefold(), value)
    return found


class ChoiceWidget(TextWidget):
    """A choice by its stored value or its label in any language of the site, in
    any case ("E-mail" → "email", "Persoon" → "person"); anything else is the row's
    error, naming the choices. A blank cell is left for the model's validation."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    @cached_property
    def lookup(self):
        # Made once: a file of 100,000 rows would otherwise translate every label
        # of every row.
        return in_every_language(
            lambda: [
                *((stored, stored) for stored, _label in self.choices),
                *((label, stored) for stored, label in self.choices),
            ]
        )

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        if text.casefold() not in self.lookup:
            raise ValueError(
                _("“%(value)s” is none of the choices: %(choices)s.")
                % {
                    "value": text,
                    "choices": ", ".join(
                        str(label) for stored, label in self.choices if stored
                    ),
                }
            )
        return self.lookup[text.casefold()]


class YesNoWidget(widgets.BooleanWidget):
    """1/0, true/false or yes/no in any language of the site ("ja", as the Dutch
    export writes it; blank is no); anything else is the row's error."""

    WORDS = {
        "1": True,
        "true": True,
        "0": False,
        "false": False,
        "": False,
        "none": False,
    }

    @cached_property
    def lookup(self):
        return {
            **self.WORDS,
            **in_every_language(lambda: [(_("Yes"), True), (_("No"), False)]),
        }

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in self.lookup:
            return self.lookup[text]
        raise ValueError(_("Enter yes or no (or 1 or 0)."))


class ReferenceWidget(widgets.ForeignKeyWidget):
    """A related row by its number or code. An unknown one is an error of the row,
    not of the whole file (the stock widget lets DoesNotExist through)."""

    def __init__(self, model, field, not_found, **kwargs):
        super().__init__(model, field, **kwargs)
        self.not_found = not_found
        # Rows found so far (each resource has its own copy of its widgets): a file
        # names the same few companies and salespeople again and again. What was not
        # found is asked again, as an earlier row may have created it.
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if not text:
            return None
        if text not in self.found:
            try:
                self.found[text] = super().clean(text, row, **kwargs)
            except ObjectDoesNotExist:
                raise ValueError(self.not_found % {"value": text}) from None
        return self.found[text]


def column(name, widget):
    """An import and export column named like the model field it fills."""
    return fields.Field(attribute=name, column_name=name, widget=widget)


class ContactResource(resources.ModelResource):
    """Contact rows: a row with the number of an existing contact updates it, any
    other row creates one (numbered from the contact series when `no` is blank).
    Companies are named by their number, salespeople by their code."""

    # The columns are CONTACT_EXPORT_FIELDS, in that order; those not declared here
    # are text (widget_from_django_field).
    type = column("type", ChoiceWidget(Contact.Type.choices))
    company = column(
        "company",
        ReferenceWidget(
            Contact, "no", gettext_lazy("There is no contact with no. %(value)s.")
        ),
    )
    salesperson = column(
        "salesperson",
        ReferenceWidget(
            Salesperson,
            "code",
            gettext_lazy("There is no salesperson with code %(value)s."),
        ),
    )
    language_code = column("language_code", ChoiceWidget(Language.choices))
    correspondence_type = column(
        "correspondence_type", ChoiceWidget(CorrespondenceType.choices)
    )
    exclude_from_segment = column("exclude_from_segment", YesNoWidget())

    class Meta:
        model = Contact
        fields = CONTACT_EXPORT_FIELDS
        import_id_fields = ["no"]
        # A row that changes nothing is reported, not written.
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        store_row_values = True
        use_transactions = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # Text as TextWidget reads it: trimmed, without a formula's quote, no NUL.
        if isinstance(f, models.CharField):
            return TextWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def column_names(cls):
        return [
            resource_field.column_name for resource_field in cls().get_import_fields()
        ]

    def get_queryset(self):
        return Contact.objects.with_related()

    def get_instance(self, instance_loader, row):
        if is_blank(row.get("no")):
            return None  # a new contact, numbered from the series
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # a bad number: import_instance makes it the row's error

    # The resource matches rows on "no": a file without that column would fail
    # there, while it means "all new contacts".
    def before_import(self, dataset, **kwargs):
        # A file without numbers only creates contacts.
        if "no" not in (dataset.headers or []) and dataset.height:
            dataset.append_col([""] * dataset.height, header="no")

    def import_instance(self, instance, row, **kwargs):
        current_salesperson = instance.salesperson_id
        super().import_instance(instance, row, **kwargs)
        # As on the contact form: a blocked salesperson gets no new contacts, and a
        # contact keeps the one it has.
        if (
            instance.salesperson_id not in (None, current_salesperson)
            and instance.salesperson.blocked
        ):
            raise ValidationError(
                {
                    "salesperson": _(
                        "Salesperson %(code)s is blocked and gets no new contacts."
                    )
                    % {"code": instance.salesperson.code}
                }
            )

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        """Every error of the row's own values at once, before anything is saved.
        The checks that ask the database (unique numbers, constraints, the company
        being a company) are the contact service's, made once as it saves."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "company", "salesperson"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save through the contact services, as the pages do: a new contact without
        a number takes the next one of the contact series (returned on rollback)."""
        user = kwargs.get("user")
        if not is_create:
            services.update_contact(instance, user=user)
            return
        values = {
            resource_field.attribute: getattr(instance, resource_field.attribute)
            for resource_field in self.get_import_fields()
        }
        created = services.create_contact(user=user, **values)
        vars(instance).update(vars(created))

    def export_field(self, field, instance, **kwargs):
        return sanitise(super().export_field(field, instance, **kwargs))


def remove_stale_import_previews(max_age=None):
    """Remove the uploads waiting for an import (the page's and the admin's) that
    nobody confirmed within `max_age` (settings.IMPORT_PREVIEW_MAX_AGE by default);
    how many were removed."""
    waiting = MediaStorage()
    storage, folder = waiting._storage, waiting.MEDIA_FOLDER
    stale = stale_import_previews(max_age)
    for name in stale:
        storage.delete(f"{folder}/{name}")
    return len(stale)


def stale_import_previews(max_age=None):
    """The names of the waiting uploads older than `max_age` (a timedelta;
    settings.IMPORT_PREVIEW_MAX_AGE by default) that no unfinished job needs."""
    waiting = MediaStorage()
    storage, folder = waiting._storage, waiting.MEDIA_FOLDER
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    max_age = settings.IMPORT_PREVIEW_MAX_AGE if max_age is None else max_age
    cutoff = timezone.now() - max_age
    # An upload waits for its jobs, however long the queue is.
    queued = set(
        Job.objects.filter(
            kind__in=[PREVIEW_JOB_KIND, IMPORT_JOB_KIND], status__in=UNFINISHED
        ).values_list("params__upload", flat=True)
    )
    return [
        name
        for name in names
        if name not in queued and storage.get_modified_time(f"{folder}/{name}") < cutoff
    ]


@cache
def contact_column_aliases():
    """{column_key of a column's name in a language of the site: the column}: the
    headers a readable export of the contact list writes ("Nr.", "Bedrijfsnr.",
    "Post code") name the columns too."""
    names = in_every_language(
        lambda: [
            *(
                (Contact._meta.get_field(name).verbose_name, name)
                for name in CONTACT_EXPORT_FIELDS
            ),
            # The export heads the company by its number, as the import takes it.
            (_("Company no."), "company"),
        ]
    )
    return {column_key(text): name for text, name in names.items()}


def check_contact_columns(headers):
    """Refuse a file whose first row names none of the contact columns."""
    known = ContactResource.column_names()
    if not set(headers) & set(known):
        raise ValidationError(
            _(
                "The first row must name the columns, and none of its names is a "
                "contact column. The contact columns are: %(columns)s."
            ),
            code="no_columns",
            params={
                "columns": ", ".join(
                    f"{capfirst(Contact._meta.get_field(name).verbose_name)} ({name})"
                    for name in known
                )
            },
        )


def read_dataset(content, file_format):
    """The contact rows of a file uploaded to the admin's import, with the first row
    as the column names (web.tabular reads it, as for the import page).

    The file is read row by row and never held as a sheet: a file that claims or
    holds more rows, columns or unpacked bytes than the IMPORT_MAX_* settings allow
    is refused once it passes them, whatever its size on disk; past MAX_ROWS
    contacts it is refused whole.
    """
    return dataset_of(
        rows_of(content, file_format),
        max_rows=MAX_ROWS,
        check_headers=check_contact_columns,
        aliases=contact_column_aliases(),
    )


class BoundedCSV(BoundedFormat, CSV):
    read_dataset = staticmethod(read_dataset)


class BoundedXLSX(BoundedFormat, XLSX):
    read_dataset = staticmethod(read_dataset)
