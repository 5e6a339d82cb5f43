"""Erasing a contact: its personal data goes everywhere, what it counts stays."""

import io
import json
import re
import zipfile
from urllib.parse import quote_plus

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType, AuditRecord
from audit.services import record_audit
from crm.models import Contact
from interactions.models import DeliveryStatus, InteractionLogEntry
from interactions.services import anonymise_entries, remove_unreferenced_attachments
from jobs.models import Job
from privacy.models import ContactExport
from privacy.services.export import audit_records_about
from segments.models import (
    LoggedSegment,
    SavedSegmentCriteriaAction,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)
from segments.services import rewrite_letters
from tasks.models import CalendarFeed, Task

# The contact's fields that say who it is, and what they become. The number, type,
# company, salesperson, language and correspondence type stay: they identify no
# one, and the statistics and letters of others use them.
ERASED_FIELDS = ("email", "phone", "address", "post_code", "city", "country")

# Records written by the product that may quote a contact (a filter typed into a
# list, a job's parameters): searched for the contact's values, which are replaced.
# Entries, lines, tasks and exports are found by their key to the contact instead.
QUOTING = (
    (AuditRecord, ("object_repr", "details")),
    (LogEntry, ("object_repr", "change_message")),
    (Job, ("params", "message", "result")),
    (SegmentCriteriaAction, ("criteria", "options")),
    (SavedSegmentCriteriaAction, ("criteria", "options")),
)
AUDIT_BATCH = 500
# Values shorter than this are not searched for: "Li" would match half the CRM.
SHORTEST_VALUE = 4


def placeholder_name(contact):
    """The name an erased contact keeps, in the language of the user who erases
    it (a Dutch user's "Geanonimiseerd contact CT00042"): stored once, like any
    name, it then reads the same to everyone."""
    return _("Anonymised contact %(no)s") % {"no": contact.no}


def personal_values(contact):
    """The contact's values that identify it, as they are stored: what erasure
    removes from every table."""
    values = [contact.name, contact.email, contact.phone, contact.address]
    return sorted(
        {value.strip() for value in values if len(value.strip()) >= SHORTEST_VALUE},
        key=len,
        reverse=True,
    )


@transaction.atomic
def erase_contact(contact, *, user):
    """Anonymise `contact` for good: its name becomes a placeholder ("Anonymised
    contact CT00042"), its e-mail, phone and address are cleared, what its entries,
    segment lines and tasks say is cleared, its attachments and exports are removed,
    letters to it are taken out of the printed PDFs, and the audit trail keeps what
    happened but no longer who it was about. Counts, costs and durations stay, so
    the statistics do not change. The contact is privacy blocked afterwards.

    Refused while a delivery to the contact is in progress, and for a contact
    anonymised already. Audited as ERASED, without the erased values. Returns the
    contact.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        # A second erasure would find nothing left to erase and say it did.
        raise ValidationError(
            _("Contact %(no)s has already been anonymised on %(date)s.")
            % {
                "no": contact.no,
                "date": formats.date_format(
                    timezone.localtime(contact.erased_at), "SHORT_DATE_FORMAT"
                ),
            },
            code="erased",
        )
    entries = InteractionLogEntry.objects.filter(contact=contact)
    if entries.filter(delivery_status=DeliveryStatus.IN_PROGRESS).exists():
        raise ValidationError(
            _(
                "Contact %(no)s cannot be anonymised while a delivery to it is in "
                "progress. Try again when the delivery has finished."
            )
            % {"no": contact.no},
            code="delivery_in_progress",
        )
    values = personal_values(contact)
    placeholder = placeholder_name(contact)
    counts = {"entries": anonymise_entries(entries)}
    counts["segment_lines"] = _remove_lines(contact)
    counts["tasks"] = _clear_tasks(contact)
    counts["letters"] = _rewrite_letters(contact)
    counts["exports"] = _remove_exports(contact)
    counts["files"] = _remove_files_quoting(values)
    counts["audit"] = _pseudonymise_audit(contact, values, placeholder)
    # A list's filters are kept as typed, and as its URL's query string.
    quoted = sorted(
        {*values, *(quote_plus(value) for value in values)}, key=len, reverse=True
    )
    for model, fields in QUOTING:
        counts["audit"] += _replace_quotes(model, fields, quoted, placeholder)
    _replace_task_results(quoted, placeholder)
    # Calendar programs are sent the tasks again, as they are now.
    CalendarFeed.objects.update(stamp="", body=b"")
    Contact.objects.filter(pk=contact.pk).update(
        name=placeholder,
        privacy_blocked=True,
        exclude_from_segment=True,
        erased_at=timezone.now(),
        updated_at=timezone.now(),
        **dict.fromkeys(ERASED_FIELDS, ""),
    )
    contact.refresh_from_db()
    record_audit(
        action=AuditAction.ERASED,
        user=user,
        object_type=AuditObjectType.CONTACT,
        object_id=contact.no,
        object_repr=placeholder,
        count=counts["entries"],
        details=counts,
    )
    return contact


def _remove_lines(contact):
    """The contact leaves the segments not logged yet (and their history keeps
    nothing personal): a line is a letter still to be sent."""
    lines = SegmentLine.objects.filter(contact=contact)
    history = SegmentHistory.objects.filter(contact=contact)
    names = [
        *lines.exclude(attachment="").values_list("attachment", flat=True),
        *history.exclude(attachment="").values_list("attachment", flat=True),
    ]
    history.update(description="", subject="", attachment="")
    count, _per_model = lines.delete()
    remove_unreferenced_attachments(names)
    return count


def _clear_tasks(contact):
    # A task keeps its dates, duration and status (they are counted); what it says
    # about the person goes.
    return Task.objects.filter(contact=contact).update(
        description=_("Anonymised"), location=""
    )


def _rewrite_letters(contact):
    logged = LoggedSegment.objects.exclude(letters="").filter(
        pk__in=InteractionLogEntry.objects.filter(contact=contact).values(
            "logged_segment"
        )
    )
    count = 0
    for logged_segment in logged:
        rewrite_letters(logged_segment, leave_out=[contact])
        count += 1
    return count


def _remove_exports(contact):
    exports = list(ContactExport.objects.filter(contact=contact))
    for export in exports:
        if export.file:
            name, storage = export.file.name, export.file.storage
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
    ContactExport.objects.filter(pk__in=[export.pk for export in exports]).delete()
    return len(exports)


def _remove_files_quoting(values):
    """Remove the kept job files (list exports, import reports) that name the
    contact: they would hand its data out until they expire."""
    if not values:
        return 0
    needles = [value.casefold() for value in values]
    removed = 0
    for job in Job.objects.exclude(file="").only("pk", "file"):
        try:
            with job.file.open("rb") as stored:
                content = stored.read()
        except OSError:
            continue
        if any(needle in _text_of(content) for needle in needles):
            name, storage = job.file.name, job.file.storage
            Job.objects.filter(pk=job.pk).update(file="", expires_at=None)
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            removed += 1
    return removed


def _text_of(content):
    """A file's text, folded for comparing: a workbook's (zip) member files too."""
    parts = [content]
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts.extend(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return "\n".join(
        part.decode("utf-8", errors="replace").casefold() for part in parts
    )


def _pseudonymise_audit(contact, values, placeholder):
    """The records about the contact itself, its entries and tasks: their
    description (an entry's or task's own words) becomes the placeholder, and the
    contact's values in their details are replaced. Written in batches."""
    pattern = _pattern(values)
    records = list(audit_records_about(contact).only("pk", "details"))
    for record in records:
        record.object_repr = placeholder
        record.details = _replaced(record.details, pattern, placeholder)
        if "contact" in record.details:
            record.details["contact"] = placeholder
    AuditRecord.objects.bulk_update(
        records, ["object_repr", "details"], batch_size=AUDIT_BATCH
    )
    return len(records)


def _replace_quotes(model, fields, values, placeholder):
    """Replace the contact's `values` in the `fields` of every `model` row quoting
    them; how many rows changed."""
    if not values:
        return 0
    pattern = _pattern(values)
    queryset = model._default_manager.all()
    found = Q()
    for name in fields:
        field = model._meta.get_field(name)
        column = name
        if isinstance(field, models.JSONField):
            column = f"_{name}_text"
            queryset = queryset.annotate(**{column: Cast(name, models.TextField())})
        for value in values:
            found |= Q(**{f"{column}__icontains": value})
            # SQLite stores JSON with non-ASCII characters escaped.
            escaped = json.dumps(value)[1:-1]
            if escaped != value:
                found |= Q(**{f"{column}__icontains": escaped})
    count = 0
    for row in queryset.filter(found):
        for name in fields:
            setattr(row, name, _replaced(getattr(row, name), pattern, placeholder))
        model._default_manager.filter(pk=row.pk).update(
            **{name: getattr(row, name) for name in fields}
        )
        count += 1
    return count


def _replace_task_results(values, placeholder):
    # django-tasks-db keeps each task's arguments and return value for a while.
    try:
        model = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return 0
    return _replace_quotes(model, ("args_kwargs", "return_value"), values, placeholder)


def _pattern(values):
    return re.compile("|".join(re.escape(value) for value in values), re.IGNORECASE)


def _replaced(value, pattern, placeholder):
    """`value` (text or JSON) with every match of `pattern` replaced."""
    if not pattern.pattern:
        return value
    if isinstance(value, str):
        return pattern.sub(placeholder, value)
    if isinstance(value, dict):
        return {
            key: _replaced(item, pattern, placeholder) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_replaced(item, pattern, placeholder) for item in value]
    return value
