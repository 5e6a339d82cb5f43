"""The rows of a contact import and the batches they are checked and written in
(crm.contact_import reads the file and runs the batches).

A batch's rows are checked with the ContactResource's widgets and the model's
fields, the numbers, companies and salespeople it names are looked up in one query
each, and its valid rows are written with bulk_create/bulk_update, the new numbers
taken from the series in one step.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.imports import ContactResource, TextWidget
from crm.models import (
    CONTACT_EXPORT_FIELDS,
    MISSING_SERIES_MESSAGES,
    Contact,
    MarketingSetup,
    Salesperson,
)
from crm.services import erased_refusal

logger = logging.getLogger(__name__)

REFERENCES = ("company", "salesperson")
# Valid cells remembered per column (see Batches.clean).
KNOWN_CELLS = 10_000


def column_label(column):
    """A contact column by its label in the active language; "" stays ""."""
    if not column:
        return column
    try:
        return capfirst(Contact._meta.get_field(column).verbose_name)
    except FieldDoesNotExist:
        return column


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
    OUTCOMES = (NEW, UPDATE, UNCHANGED, REJECTED, FAILED)

    line: int  # as a spreadsheet counts: the column names are row 1
    outcome: str = NEW
    no: str = ""
    from_series: bool = False  # `no` is the next number of the series, not the file's
    name: str = ""
    changes: list = field(default_factory=list)  # (column, old value, new value)
    # The company the contact is to belong to, by number ("": none), once the
    # batch's new companies have their keys; None leaves the company as it is.
    company_no: str = None
    errors: list = field(default_factory=list)  # (column or "", message)
    cells: dict = field(default_factory=dict, repr=False)  # the file's, by column
    values: dict = field(default_factory=dict, repr=False)  # cleaned, by column
    contact: Contact = field(default=None, repr=False)

    def reject(self, column, message):
        self.outcome = ImportRow.REJECTED
        self.errors.append((column, str(message)))

    @property
    def shown_errors(self):
        """The errors, each column named as the contact form names it ("Taal")."""
        return [(column_label(column), message) for column, message in self.errors]

    @property
    def shown_changes(self):
        return [(column_label(column), old, new) for column, old, new in self.changes]

    @property
    def valid(self):
        return self.outcome not in (ImportRow.REJECTED, ImportRow.FAILED)


class Batches:
    """Checks and writes the rows of a file, one batch at a time, remembering what
    earlier batches did: the numbers seen (a number twice in a file is an error) and
    the companies created (a later row may name them)."""

    def __init__(self, columns, *, update, dry_run):
        self.columns = columns
        self.update, self.dry_run = update, dry_run
        resource_fields = {
            resource_field.column_name: resource_field
            for resource_field in ContactResource().get_import_fields()
        }
        self.widgets = {
            name: TextWidget() if name in REFERENCES else resource_fields[name].widget
            for name in columns
        }
        self.model_fields = {
            name: Contact._meta.get_field(name) for name in CONTACT_EXPORT_FIELDS
        }
        # Cells already found valid, per column: a file repeats its cities,
        # countries, types and languages on row after row.
        self.known = {name: {} for name in columns}
        self.seen = {}  # number → row it first appeared in
        self.types = {}  # number → type, of the valid rows so far
        self.series = MarketingSetup.load().contact_nos
        # A preview takes no number: it counts on from the series' next one.
        self.next_preview = self.series.next_number if self.series else None

    def run(self, batch):
        for row in batch:
            self.clean(row)
        try:
            with transaction.atomic():
                self.check(batch)
                if not self.dry_run:
                    self.write(batch)
        except Exception:
            first, last = batch[0].line, batch[-1].line
            logger.exception("Contact import: rows %s-%s failed", first, last)
            message = _(
                "This row could not be imported: its batch (rows %(first)s to "
                "%(last)s) failed unexpectedly and none of it was imported."
            ) % {"first": first, "last": last}
            for row in batch:
                # Nothing of the batch exists: later rows may not name it, and its
                # numbers from the series went back to the series.
                self.types.pop(row.no, None)
                if row.from_series:
                    del self.seen[row.no]
                    row.no, row.from_series = "", False
                if row.valid:
                    row.outcome = ImportRow.FAILED
                    row.errors.append(("", message))

    def clean(self, row):
        """The row's cells as field values, each error under its column."""
        for name in self.columns:
            cell = row.cells[name]
            known = self.known[name]
            if cell in known:
                row.values[name] = known[cell]
                continue
            try:
                value = self.widgets[name].clean(cell)
                if name not in REFERENCES:
                    value = self.model_fields[name].clean(value, None)
            except ValueError as error:
                row.reject(name, error)
            except ValidationError as error:
                for message in error.messages:
                    row.reject(name, message)
            else:
                row.values[name] = value
                if len(known) < KNOWN_CELLS and isinstance(cell, str):
                    known[cell] = value
        row.no = str(row.values.get("no") or row.cells.get("no") or "")
        row.name = str(row.values.get("name") or row.cells.get("name") or "")

    def check(self, batch):
        """What needs the database, one query per kind for the whole batch."""
        numbers = {row.values["no"] for row in batch if row.values.get("no")}
        existing = {
            contact.no: contact
            for contact in Contact.objects.with_related().filter(no__in=numbers)
        }
        companies = {
            row.values["company"] for row in batch if row.values.get("company")
        }
        company_types = dict(
            Contact.objects.filter(no__in=companies).values_list("no", "type")
        )
        codes = {
            row.values["salesperson"] for row in batch if row.values.get("salesperson")
        }
        salespeople = {
            salesperson.code: salesperson
            for salesperson in Salesperson.objects.filter(code__in=codes)
        }
        with_persons = set(
            Contact.objects.filter(
                company__in=[c for c in existing.values() if c.type == "company"]
            ).values_list("company_id", flat=True)
        )
        for row in batch:
            self.check_number(row, existing)
            self.check_references(row, company_types, salespeople)
            if row.contact is None:
                continue
            contact = row.contact
            if (
                contact.pk in with_persons
                and row.values.get("type") == Contact.Type.PERSON
            ):
                row.reject(
                    "type", _("This company has persons; it cannot become a person.")
                )
            if row.valid and contact.pk and not row.changes:
                row.outcome = ImportRow.UNCHANGED
            if row.valid and contact.no:
                self.types[contact.no] = row.values.get("type", contact.type)
        self.number_new(batch, existing)

    def check_number(self, row, existing):
        no = row.values.get("no")
        if no:
            if no in self.seen:
                row.reject(
                    "no",
                    _(
                        "No. %(no)s is in the file more than once (first in row "
                        "%(row)s)."
                    )
                    % {"no": no, "row": self.seen[no]},
                )
                return
            self.seen[no] = row.line
        contact = existing.get(no) if no else None
        if contact is not None and not self.update:
            row.reject(
                "no",
                _(
                    "Contact %(no)s exists already; the import only changes "
                    "existing contacts when told to update them."
                )
                % {"no": no},
            )
            return
        if contact is not None and contact.erased_at is not None:
            row.reject("no", erased_refusal(contact))
            return
        if not row.valid:
            return
        if contact is None:
            if "name" not in row.values:
                row.reject("name", self.model_fields["name"].error_messages["blank"])
                return
            row.contact = Contact()
        else:
            row.contact = contact
            row.outcome = ImportRow.UPDATE

    def check_references(self, row, company_types, salespeople):
        """The company (by number) and salesperson (by code), as the contact form
        checks them; then the row's values go onto its contact."""
        contact = row.contact
        type_ = row.values.get("type", contact.type if contact else None)
        company_no = row.values.get("company")
        if company_no:
            company_type = self.types.get(company_no) or company_types.get(company_no)
            if company_type is None:
                row.reject(
                    "company",
                    _("There is no contact with no. %(value)s.")
                    % {"value": company_no},
                )
            elif company_type != Contact.Type.COMPANY:
                row.reject(
                    "company", _("The company must be a contact of type company.")
                )
        code = row.values.get("salesperson")
        salesperson = salespeople.get(code) if code else None
        if code and salesperson is None:
            row.reject(
                "salesperson",
                _("There is no salesperson with code %(value)s.") % {"value": code},
            )
        elif (
            salesperson is not None
            and salesperson.blocked
            and (contact is None or contact.salesperson_id != salesperson.pk)
        ):
            row.reject(
                "salesperson",
                _("Salesperson %(code)s is blocked and gets no new contacts.")
                % {"code": code},
            )
        if contact is None or "type" in dict(row.errors):
            return
        has_company = (
            bool(company_no) if "company" in row.values else bool(contact.company_id)
        )
        if type_ == Contact.Type.COMPANY and has_company:
            row.reject("company", _("A company cannot belong to another company."))
        if row.valid:
            self.apply(row, salesperson)

    def apply(self, row, salesperson):
        """Put the row's values on its contact, noting what changes."""
        contact = row.contact
        if not contact.pk:
            for name, value in row.values.items():
                if name == "company":
                    row.company_no = value
                elif name == "salesperson":
                    contact.salesperson = salesperson
                else:
                    setattr(contact, name, value)
            return
        for name, value in row.values.items():
            if name == "company":
                old = contact.company.no if contact.company_id else ""
                if old != value:
                    row.changes.append((name, old, value))
                    row.company_no = value
                continue
            if name == "salesperson":
                old = contact.salesperson.code if contact.salesperson_id else ""
                if old != value:
                    row.changes.append((name, old, value))
                    contact.salesperson = salesperson
                continue
            old = getattr(contact, name)
            if old != value:
                row.changes.append(
                    (
                        name,
                        self.widgets[name].render(old),
                        self.widgets[name].render(value),
                    )
                )
                setattr(contact, name, value)

    def number_new(self, batch, existing):
        """Numbers for the new rows without one: from the series, in one step (a
        preview counts on from its next number instead). A number someone already
        gave a contact by hand is passed over."""
        unnumbered = [
            row
            for row in batch
            if row.valid and not row.contact.pk and not row.contact.no
        ]
        if not unnumbered:
            return
        if self.series is None:
            for row in unnumbered:
                row.reject("", MISSING_SERIES_MESSAGES["contact_nos"])
            return
        numbers = []
        while len(numbers) < len(unnumbered):
            wanted = len(unnumbered) - len(numbers)
            if self.dry_run:
                candidates = [
                    self.series.format(number)
                    for number in range(self.next_preview, self.next_preview + wanted)
                ]
                self.next_preview += wanted
            else:
                candidates = self.series.next_nos(wanted)
            taken = set(
                Contact.objects.filter(no__in=candidates).values_list("no", flat=True)
            )
            numbers += [
                no for no in candidates if no not in taken and no not in self.seen
            ]
        for row, no in zip(unnumbered, numbers, strict=True):
            row.contact.no = row.no = no
            row.from_series = True
            self.seen[no] = row.line

    def write(self, batch):
        """Companies first, so persons of the batch can name them; then persons,
        then the changed contacts."""
        rows = [
            row for row in batch if row.valid and row.outcome != ImportRow.UNCHANGED
        ]
        new = [row.contact for row in rows if not row.contact.pk]
        companies = [contact for contact in new if contact.type == Contact.Type.COMPANY]
        Contact.objects.bulk_create(companies)
        named = {row.company_no for row in rows if row.company_no}
        ids = {contact.no: contact.pk for contact in companies if contact.no in named}
        ids.update(
            Contact.objects.filter(no__in=named - set(ids)).values_list("no", "pk")
        )
        for row in rows:
            if row.company_no is not None:
                row.contact.company_id = ids.get(row.company_no)
        Contact.objects.bulk_create(
            [contact for contact in new if contact.type != Contact.Type.COMPANY]
        )
        changed = [row for row in rows if row.contact.pk and row.changes]
        if changed:
            now = timezone.now()
            fields = {"updated_at"}
            for row in changed:
                row.contact.updated_at = now
                fields.update(name for name, _old, _new in row.changes)
            Contact.objects.bulk_update(
                [row.contact for row in changed], sorted(fields)
            )
