"""The data-subject export's readable summary: the rows export_contact_data puts in
its JSON and CSV files, under the fields' names and with their values as the pages
show them (choices by their labels, yes/no, dates in the reader's format)."""

import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditRecord
from crm.models import Contact
from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment, SegmentLine
from tasks.models import Task

# Each kind of data: its title and the model its columns are fields of.
SECTIONS = {
    "contact": (gettext_lazy("Contact"), Contact),
    "entries": (gettext_lazy("Interaction log entries"), InteractionLogEntry),
    "delivery": (gettext_lazy("Delivery status"), InteractionLogEntry),
    "segment_lines": (gettext_lazy("Segment lines"), SegmentLine),
    "logged_segments": (gettext_lazy("Logged segments"), LoggedSegment),
    "tasks": (gettext_lazy("Tasks"), Task),
    "audit": (gettext_lazy("Audit records"), AuditRecord),
}
# Columns that are no field of the model.
OTHER_LABELS = {"attendee": gettext_lazy("Attendee")}


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, column):
    """`company__no` reads "Company (no.)"."""
    name, _sep, related = column.partition("__")
    field = _field(model, name)
    if field is None:
        return capfirst(OTHER_LABELS.get(column, column))
    label = capfirst(field.verbose_name)
    if related:
        label = f"{label} ({field.related_model._meta.get_field(related).verbose_name})"
    return label


def _shown(field, value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, datetime.time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def summary_sections(data):
    """[(title, headings, rows of shown values)] of `data` ({kind: row dicts})."""
    sections = []
    for kind, rows in data.items():
        title, model = SECTIONS[kind]
        columns = list(rows[0]) if rows else []
        fields = [
            None if "__" in column else _field(model, column) for column in columns
        ]
        sections.append(
            (
                title,
                [_label(model, column) for column in columns],
                [
                    [
                        _shown(field, row[column])
                        for field, column in zip(fields, columns, strict=True)
                    ]
                    for row in rows
                ],
            )
        )
    return sections
