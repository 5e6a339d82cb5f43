"""The data-subject export for people: each kind of data export_contact_data puts in
its JSON (the stored values, for programs) as a table headed by the fields' names in
the reader's language, written to its CSV as the lists' readable CSV exports write
values (web.spreadsheets.human_writer: local times in one format, the language's
decimal sign, choices by their labels, yes/no, the formula guard) and shown alike in
summary.html. Salespeople read by name and code, the country by its name, audit
details as the audit trail shows them."""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from audit.models import AuditRecord, details_text
from crm.countries import country_name
from crm.models import Contact, Salesperson
from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment, SegmentLine
from tasks.models import Task
from web.spreadsheets import AS_IS, Column, Kind, csv_stream, human_writer

# Each kind of data: its title and the model its columns are fields of.
SECTIONS = {
    "contact": (gettext_lazy("Contact"), Contact),
    "entries": (gettext_lazy("Interaction log entries"), InteractionLogEntry),
    "delivery": (gettext_lazy("Delivery"), InteractionLogEntry),
    "segment_lines": (gettext_lazy("Segment lines"), SegmentLine),
    "logged_segments": (gettext_lazy("Logged segments"), LoggedSegment),
    "tasks": (gettext_lazy("Tasks"), Task),
    "audit": (gettext_lazy("Audit records"), AuditRecord),
}
# Columns that are no field of the model.
OTHER_COLUMNS = {"attendee": (gettext_lazy("Attendee"), Kind.BOOLEAN)}
# Stored values read by what they stand for.
DISPLAYS = {
    (Contact, "country"): country_name,
    (AuditRecord, "details"): details_text,
}
# A word longer than this (an e-mail address, a file's name) may break anywhere in the
# summary, so that a table of many columns fits the window; shorter ones stay whole.
LONG_WORD = 16
# The kind of value each type of field holds (a DateTimeField is a DateField too).
FIELD_KINDS = (
    (models.BooleanField, Kind.BOOLEAN),
    (models.DecimalField, Kind.MONEY),
    (models.DateTimeField, Kind.DATETIME),
    (models.DateField, Kind.DATE),
    (models.TimeField, Kind.TIME),
    (models.IntegerField, Kind.INTEGER),
)


@dataclass
class Table:
    """One kind of data for people: its title, columns and rows (row dicts)."""

    title: str
    columns: list
    rows: list

    def _values(self):
        return [tuple(row[column.name] for column in self.columns) for row in self.rows]

    def csv(self, locale):
        """The CSV's text, as a list's readable CSV export in `locale` writes it."""
        writers = [
            human_writer(column, excel=False, locale=locale) for column in self.columns
        ]
        header = [str(column.label) for column in self.columns]
        return "".join(
            csv_stream(
                header,
                [self._values()],
                writers,
                delimiter=locale.delimiter,
                bom=True,
            )
        )

    def shown(self, locale):
        """(title, headings, rows of (heading, text, long)): the summary's table of
        the CSV's values, but a text as it is (a page runs no formula to guard
        against); `long`: the text has a word that may break anywhere (LONG_WORD).
        Each value comes with its heading: a table of one row reads down."""
        writers = [_shown(column, locale) for column in self.columns]
        headings = [column.label for column in self.columns]
        rows = []
        for row in self._values():
            texts = [write(value) for write, value in zip(writers, row, strict=True)]
            rows.append(
                [
                    (heading, text, _has_long_word(text))
                    for heading, text in zip(headings, texts, strict=True)
                ]
            )
        return self.title, headings, rows


def readable_tables(data, keys):
    """{kind: Table} of `data` ({kind: row dicts}, as the JSON holds them), with the
    columns `keys` names ({kind: column keys}). One query: the salespeople's names."""
    codes = {
        row["salesperson__code"]
        for rows in data.values()
        for row in rows
        if row.get("salesperson__code")
    }
    salespeople = dict(
        Salesperson.objects.filter(code__in=codes).values_list("code", "name")
    )
    tables = {}
    for kind, rows in data.items():
        title, model = SECTIONS[kind]
        columns = [_column(model, key, salespeople) for key in keys[kind]]
        tables[kind] = Table(title, columns, rows)
    return tables


def _column(model, key, salespeople):
    """`company__no` is headed "Company (no.)"; a salesperson's code reads
    "Anna Visser (AV)"."""
    name, _sep, related = key.partition("__")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        label, kind = OTHER_COLUMNS[key]
        return Column(key, capfirst(label), kind)
    label = capfirst(field.verbose_name)
    if key == "salesperson__code":
        return Column(key, label, display=partial(_salesperson, salespeople))
    if related:
        field = field.related_model._meta.get_field(related)
        label = f"{label} ({field.verbose_name})"
    if (model, name) in DISPLAYS:
        return Column(key, label, display=DISPLAYS[model, name])
    if field.choices:
        return Column(key, label, Kind.CHOICE, choices=field.flatchoices)
    kind = next((kind for type_, kind in FIELD_KINDS if isinstance(field, type_)), None)
    return Column(key, label, kind or Kind.TEXT)


def _salesperson(names, code):
    return f"{names[code]} ({code})" if code in names else code


def _shown(column, locale):
    if column.kind == Kind.TEXT:
        display = column.display or str
        return lambda value: "" if value in (None, "") else display(value)
    write = human_writer(column, excel=False, locale=locale)
    if write is AS_IS:
        return lambda value: "" if value is None else str(value)
    return lambda value: write(value) or ""


def _has_long_word(text):
    return any(len(word) > LONG_WORD for word in text.split())
