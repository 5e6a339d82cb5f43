"""The data-subject export: everything the CRM holds on one contact, as a zip."""

import io
import json
import posixpath
import zipfile
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType, AuditRecord
from audit.services import record_audit
from interactions.models import InteractionLogEntry
from jobs.services import start_job
from privacy.models import ContactExport
from privacy.services.export_readable import readable_tables
from segments.models import LoggedSegment, SegmentLine
from tasks.models import Task
from web.spreadsheets import locale_of

# The columns of each file, in order: a field, or `field__related` for the number
# or code of what a key points at (never another contact's name).
CONTACT_COLUMNS = (
    "no",
    "type",
    "name",
    "company__no",
    "company__name",
    "salesperson__code",
    "email",
    "phone",
    "address",
    "post_code",
    "city",
    "country",
    "language_code",
    "correspondence_type",
    "exclude_from_segment",
    "privacy_blocked",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "entry_no",
    "date",
    "time",
    "description",
    "subject",
    "template__code",
    "group__code",
    "information_flow",
    "initiated_by",
    "cost",
    "duration",
    "salesperson__code",
    "evaluation",
    "attempt_failed",
    "correspondence_type",
    "document_type",
    "document_no",
    "segment_no",
    "language_code",
    "attachment",
    "postponed",
    "canceled",
    "created_at",
)
DELIVERY_COLUMNS = (
    "entry_no",
    "segment_no",
    "correspondence_type",
    "delivery_status",
    "delivery_error",
)
SEGMENT_LINE_COLUMNS = (
    "segment__no",
    "segment__description",
    "template__code",
    "description",
    "subject",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
    "salesperson__code",
    "attachment",
)
LOGGED_SEGMENT_COLUMNS = ("segment_no", "description", "created_at", "canceled")
TASK_COLUMNS = (
    "no",
    "type",
    "description",
    "salesperson__code",
    "segment_no",
    "date",
    "start_time",
    "duration",
    "ending_date",
    "ending_time",
    "all_day",
    "location",
    "priority",
    "status",
    "closed",
    "date_closed",
    "canceled",
    "template__code",
    "source_entry_no",
    "logged_entry_no",
)
# What an attended task of another contact does not show.
OTHERS_TASK_COLUMNS = (
    "description",
    "location",
    "segment_no",
    "source_entry_no",
    "logged_entry_no",
    "template__code",
)
AUDIT_COLUMNS = (
    "at",
    "action",
    "username",
    "object_type",
    "object_id",
    "object_repr",
    "count",
    "details",
)

# Each kind of data's columns: its JSON's keys, its CSV's and summary's columns.
COLUMNS = {
    "contact": CONTACT_COLUMNS,
    "entries": ENTRY_COLUMNS,
    "delivery": DELIVERY_COLUMNS,
    "segment_lines": SEGMENT_LINE_COLUMNS,
    "logged_segments": LOGGED_SEGMENT_COLUMNS,
    "tasks": (*TASK_COLUMNS, "attendee"),
    "audit": AUDIT_COLUMNS,
}


def contact_history_size(contact):
    """How many entries the contact has: what decides between a download at once
    and a background job."""
    return InteractionLogEntry.objects.filter(contact=contact).count()


def audit_records_about(contact):
    """The audit records about `contact` alone: on the contact itself, or on one of
    its entries or own tasks. Records of actions on many contacts at once are left
    out: they name other contacts' entries too."""
    # Subqueries, not lists of numbers: a long history would pass the database's
    # limit of parameters in one statement.
    entry_nos = (
        InteractionLogEntry.objects.filter(contact=contact)
        .annotate(no_text=Cast("pk", CharField()))
        .values("no_text")
    )
    task_nos = Task.objects.filter(contact=contact).values("no")
    return AuditRecord.objects.filter(
        Q(object_type=AuditObjectType.CONTACT, object_id=contact.no)
        | Q(
            object_type__in=[AuditObjectType.ENTRY, AuditObjectType.POSTPONED],
            object_id__in=entry_nos,
        )
        | Q(object_type=AuditObjectType.TASK, object_id__in=task_nos)
    ).order_by("at", "pk")


def collect_contact_data(contact):
    """What the export holds, as {name: list of row dicts}, and the entries' files."""
    entries = InteractionLogEntry.objects.filter(contact=contact).order_by("pk")
    entry_rows = list(entries.values(*ENTRY_COLUMNS))
    # Its own tasks, and those it attends (the attendee rows: this contact's only).
    tasks = (
        Task.objects.filter(Q(contact=contact) | Q(attendee_contacts=contact))
        .annotate(
            attendee=Exists(
                Task.attendee_contacts.through.objects.filter(
                    task=OuterRef("pk"), contact=contact
                )
            )
        )
        .distinct()
        .order_by("no")
    )
    task_rows = list(tasks.values(*TASK_COLUMNS, "attendee"))
    own = set(Task.objects.filter(contact=contact).values_list("no", flat=True))
    for row in task_rows:
        if row["no"] not in own:
            # Another contact's task it attends: when and what kind, not what the
            # task says about that other contact.
            row.update(dict.fromkeys(OTHERS_TASK_COLUMNS, ""))
    logged = LoggedSegment.objects.filter(
        pk__in=entries.exclude(logged_segment=None).values("logged_segment")
    ).order_by("segment_no")
    data = {
        "contact": list(
            type(contact).objects.filter(pk=contact.pk).values(*CONTACT_COLUMNS)
        ),
        "entries": entry_rows,
        "delivery": list(entries.exclude(delivery_status="").values(*DELIVERY_COLUMNS)),
        "segment_lines": list(
            SegmentLine.objects.filter(contact=contact)
            .order_by("segment__no")
            .values(*SEGMENT_LINE_COLUMNS)
        ),
        "logged_segments": list(logged.values(*LOGGED_SEGMENT_COLUMNS)),
        "tasks": task_rows,
        "audit": list(audit_records_about(contact).values(*AUDIT_COLUMNS)),
    }
    files = [
        (entry.pk, entry.attachment)
        for entry in entries.exclude(attachment="").only("pk", "attachment")
    ]
    return data, files


def export_filename(contact):
    return f"{contact.no}-{timezone.localdate():%Y-%m-%d}.zip"


# The kind of the background job that writes a large export (privacy.jobs).
EXPORT_KIND = "privacy.export"


def export_in_background(contact):
    """Whether the contact's history is too large to export in a request
    (settings.PRIVACY_EXPORT_JOB_THRESHOLD entries)."""
    return contact_history_size(contact) > settings.PRIVACY_EXPORT_JOB_THRESHOLD


@transaction.atomic
def start_export_job(contact, *, user):
    """Start the background job that writes the contact's export for `user`, in
    the active language; the job's result links to the download."""
    return start_job(
        EXPORT_KIND,
        user=user,
        total=1,
        params={
            "contact_id": contact.pk,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )


@transaction.atomic
def store_export(contact, content, *, user, job=None):
    """Keep `content` (an export's zip) to download for settings.JOB_FILE_MAX_AGE."""
    export = ContactExport(
        contact=contact,
        job=job,
        created_by=user,
        file_name=export_filename(contact),
        expires_at=timezone.now() + settings.JOB_FILE_MAX_AGE,
    )
    export.file.save(export.file_name, ContentFile(content), save=False)
    export.save()
    return export


@transaction.atomic
def record_download(export, *, user):
    """Note in the audit trail that `user` opened the kept export `export`."""
    return record_audit(
        action=AuditAction.DOWNLOADED,
        user=user,
        object_type=AuditObjectType.CONTACT,
        object_id=export.contact.no,
        object_repr=_("Data-subject export"),
        details={"file": export.file_name},
    )


def remove_expired_exports(now: datetime | None = None):
    """Delete the kept exports past their time, files and rows; how many."""
    now = now or timezone.now()
    expired = list(ContactExport.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
    ContactExport.objects.filter(pk__in=[export.pk for export in expired]).delete()
    return len(expired)


@transaction.atomic
def export_contact_data(contact, *, user):
    """Everything the CRM holds on `contact`, as the bytes of a zip: a readable
    summary (HTML) and a CSV of each kind of data, in the active language, and its
    JSON (the stored values, for programs), with the entries' attachments. Nothing
    of other contacts. Audited as EXPORTED."""
    data, files = collect_contact_data(contact)
    language = translation.get_language()
    locale = locale_of(language)
    tables = readable_tables(data, COLUMNS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        attachments = 0
        for entry_no, field_file in files:
            try:
                with field_file.open("rb") as stored:
                    content = stored.read()
            except OSError:
                # A file lost from the storage: the entry's row still names it.
                continue
            base = posixpath.basename(field_file.name)
            archive.writestr(f"attachments/{entry_no}-{base}", content)
            attachments += 1
        for name, rows in data.items():
            archive.writestr(f"{name}.json", _json(rows))
            archive.writestr(f"{name}.csv", tables[name].csv(locale))
        archive.writestr(
            "summary.html",
            render_to_string(
                "privacy/export_summary.html",
                {
                    "contact": contact,
                    "sections": [table.shown(locale) for table in tables.values()],
                    "attachments": attachments,
                    "made_at": timezone.localtime(),
                    "language": language,
                },
            ),
        )
    record_audit(
        action=AuditAction.EXPORTED,
        user=user,
        object_type=AuditObjectType.CONTACT,
        object_id=contact.no,
        object_repr=_("Data-subject export"),
        count=len(data["entries"]),
        details={
            "format": "zip",
            "entries": len(data["entries"]),
            "tasks": len(data["tasks"]),
            "files": len(files),
        },
    )
    return buffer.getvalue()


def _json(rows):
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
