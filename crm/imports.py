"""Contacts as spreadsheet rows (django-import-export): the one ContactResource behind
the admin's import and export and the import page, the contact columns an uploaded
file must name (web.tabular reads the file), and the row-by-row report of an
import."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage

from crm import services
from crm.models import (
    CONTACT_EXPORT_FIELDS,
    Contact,
    CorrespondenceType,
    Language,
    Salesperson,
)
from web.spreadsheets import FORMULA_STARTS, sanitise
from web.tabular import BoundedFormat, dataset_of, is_blank, rows_of

logger = logging.getLogger(__name__)

# A preview and an import each run in one request, through the contact services row by
# row (about 16 ms a row on PostgreSQL on a busy 2-core machine): 1,000 rows stay well
# inside a worker's 30 s timeout.
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


class ChoiceWidget(TextWidget):
    """A choice by its stored value or its label, in any case ("E-mail" → "email").
    Anything else is left for the model's validation, which names the error."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        for stored, label in self.choices:
            if text.casefold() in (str(stored).casefold(), str(label).casefold()):
                return stored
        return text


class YesNoWidget(widgets.BooleanWidget):
    """1/0, true/false or yes/no (blank is no); anything else is the row's error."""

    YES = {"1", "true", "yes"}
    NO = {"0", "false", "no", "", "none"}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
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


def remove_stale_import_previews():
    """Remove the uploads waiting for an import (the page's and the admin's) that
    nobody confirmed within settings.IMPORT_PREVIEW_MAX_AGE; how many were removed."""
    waiting = MediaStorage()
    storage, folder = waiting._storage, waiting.MEDIA_FOLDER
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - settings.IMPORT_PREVIEW_MAX_AGE
    stale = [
        name for name in names if storage.get_modified_time(f"{folder}/{name}") < cutoff
    ]
    for name in stale:
        storage.delete(f"{folder}/{name}")
    return len(stale)


def check_contact_columns(headers):
    """Refuse a file whose first row names none of the contact columns."""
    known = ContactResource.column_names()
    if not set(headers) & set(known):
        raise ValidationError(
            _(
                "The first row must name the columns, and none of its names is a "
                "contact column (%(columns)s)."
            ),
            code="no_columns",
            params={"columns": ", ".join(known)},
        )


def read_dataset(content, file_format):
    """The contact rows of an uploaded file, with the first row as the column names
    (web.tabular reads it).

    The file is read row by row and never held as a sheet: a file that claims or
    holds more rows, columns or unpacked bytes than the IMPORT_MAX_* settings allow
    is refused once it passes them, whatever its size on disk; past MAX_ROWS
    contacts it is refused whole.
    """
    return dataset_of(
        rows_of(content, file_format),
        max_rows=MAX_ROWS,
        check_headers=check_contact_columns,
    )


class BoundedCSV(BoundedFormat, CSV):
    read_dataset = staticmethod(read_dataset)


class BoundedXLSX(BoundedFormat, XLSX):
    read_dataset = staticmethod(read_dataset)


@dataclass
class ImportRow:
    """One row of the file and what importing it does."""

    NEW, UPDATE, UNCHANGED, REJECTED, FAILED = (
        "new",
        "update",
        "unchanged",
        "rejected",
        "failed",
    )

    line: int  # as a spreadsheet counts: the column names are row 1
    outcome: str
    no: str = ""
    from_series: bool = False  # `no` is the next number of the series, not the file's
    name: str = ""
    changes: list = field(default_factory=list)  # (column, old value, new value)
    errors: list = field(default_factory=list)  # (column or "", message)


OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: ImportRow.NEW,
    RowResult.IMPORT_TYPE_UPDATE: ImportRow.UPDATE,
    RowResult.IMPORT_TYPE_SKIP: ImportRow.UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: ImportRow.REJECTED,
    RowResult.IMPORT_TYPE_ERROR: ImportRow.FAILED,
}


@dataclass
class ImportReport:
    """What an import did (or, previewed, would do) with each row of the file."""

    rows: list
    errors: list = field(default_factory=list)  # of the file as a whole

    @classmethod
    def from_result(cls, resource, result):
        # report_skipped keeps every row in the result, in the file's order.
        rows = [
            report_row(resource, number + 1, row_result)
            for number, row_result in enumerate(result.rows, 1)
        ]
        for error in result.base_errors:
            logger.error("Contact import failed", exc_info=error.error)
        errors = []
        if result.base_errors:
            errors.append(_("The import failed; nothing was imported."))
        return cls(rows=rows, errors=errors)

    def count(self, outcome):
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def counts(self):
        return {outcome: self.count(outcome) for outcome in OUTCOMES.values()}

    @property
    def importable(self):
        """Whether confirming writes anything: no failure, and something to write."""
        counts = self.counts
        return (
            not self.errors
            and not counts[ImportRow.FAILED]
            and bool(counts[ImportRow.NEW] + counts[ImportRow.UPDATE])
        )


def report_row(resource, line, row_result):
    outcome = OUTCOMES[row_result.import_type]
    row = ImportRow(line=line, outcome=outcome)
    instance = row_result.instance
    if instance is not None:
        row.no, row.name = instance.no, instance.name
        row.from_series = outcome == ImportRow.NEW and not row_result.row_values.get(
            "no"
        )
    else:  # as the file has them
        row.no = str(row_result.row_values.get("no") or "")
        row.name = str(row_result.row_values.get("name") or "")
    if outcome == ImportRow.UPDATE:
        for resource_field in resource.get_import_fields():
            old = resource_field.export(row_result.original)
            new = resource_field.export(instance)
            if old != new:
                row.changes.append((resource_field.column_name, old, new))
    elif outcome == ImportRow.REJECTED:
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            errors = error.message_dict
        else:
            errors = {NON_FIELD_ERRORS: error.messages}
        for name, messages in errors.items():
            label = "" if name == NON_FIELD_ERRORS else name
            row.errors.extend((label, message) for message in messages)
    elif outcome == ImportRow.FAILED:
        for error in row_result.errors:
            logger.error("Contact import: row %s failed", line, exc_info=error.error)
        row.errors.append(
            ("", _("This row could not be imported (an unexpected error)."))
        )
    return row


def preview_contact_import(dataset, *, user):
    """What importing the rows of `dataset` would do, row by row. Nothing is written:
    the import runs in a transaction that is rolled back, with the numbers it took from
    the contact series."""
    resource = ContactResource()
    result = resource.import_data(dataset, dry_run=True, user=user)
    return ImportReport.from_result(resource, result)


@transaction.atomic
def import_contacts(dataset, *, user):
    """Create and update the contacts of the valid rows of `dataset` (see
    ContactResource) in one transaction; rejected rows are left out.
    A row failing for another reason imports nothing."""
    resource = ContactResource()
    result = resource.import_data(dataset, dry_run=False, user=user)
    report = ImportReport.from_result(resource, result)
    failed = [row for row in report.rows if row.outcome == ImportRow.FAILED]
    if report.errors or failed:
        # The resource has rolled its part back already; this undoes the rest.
        raise ValidationError(
            _("Row %(row)s could not be imported, so nothing was imported.")
            % {"row": failed[0].line}
            if failed
            else report.errors[0],
            code="import_failed",
        )
    return report
