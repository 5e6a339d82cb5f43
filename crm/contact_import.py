"""The contact import: a CSV or Excel file of any size within the upload bounds,
previewed and imported by one service, `import_contacts`, in batches.

The file is read as a stream (web.tabular) and handled BATCH_SIZE rows at a time
(crm.import_batches checks and writes a batch). Each batch is one transaction, so
a failure undoes only its own batch. The page (as a job), `manage.py import_contacts`
and the tests all call the same function; a preview is the same pass, writing
nothing.
"""

import csv
import io
import json
import logging
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.tmp_storages import MediaStorage

from crm.import_batches import Batches, ImportRow
from crm.imports import check_contact_columns, contact_column_aliases
from crm.models import (
    CONTACT_EXPORT_FIELDS,
)
from jobs import services as jobs
from web.amounts import format_whole_number
from web.spreadsheets import sanitise
from web.tabular import headed_rows, rows_of

logger = logging.getLogger(__name__)

# Rows per batch and per transaction: large enough that the per-batch queries cost
# little per row, small enough that a failed batch loses little and progress moves.
BATCH_SIZE = 1000
# The preview shows the first rows of the file and, after them, the first rejected
# ones: a bounded list whatever the file's length.
SHOWN_ROWS = 100


@dataclass
class ImportSummary:
    """What an import did (or, previewed, would do): counts of every outcome, the
    rows the page shows, and how far it got."""

    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)
    read: int = 0  # rows of the file handled so far
    stopped: bool = False  # canceled between batches

    @property
    def importable(self):
        """Whether confirming would write anything."""
        return bool(self.counts[ImportRow.NEW] + self.counts[ImportRow.UPDATE])

    @property
    def rejected(self):
        return self.counts[ImportRow.REJECTED] + self.counts[ImportRow.FAILED]

    def text(self):
        return _(
            "%(new)s created, %(update)s updated, %(unchanged)s unchanged, "
            "%(rejected)s rejected."
        ) % {
            "new": format_whole_number(self.counts[ImportRow.NEW]),
            "update": format_whole_number(self.counts[ImportRow.UPDATE]),
            "unchanged": format_whole_number(self.counts[ImportRow.UNCHANGED]),
            "rejected": format_whole_number(self.rejected),
        }

    def add(self, rows):
        for row in rows:
            self.counts[row.outcome] += 1
            shown = len(self.rows)
            if shown < SHOWN_ROWS or (not row.valid and shown < 2 * SHOWN_ROWS):
                self.rows.append(row)
        self.read += len(rows)

    def as_json(self):
        """What the page shows of the summary, kept as the file of a preview job."""
        return json.dumps(
            {
                "counts": self.counts,
                "read": self.read,
                "rows": [
                    {name: getattr(row, name) for name in SHOWN_FIELDS}
                    for row in self.rows
                ],
            }
        )

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(
            counts=Counter(data["counts"]),
            read=data["read"],
            rows=[ImportRow(**row) for row in data["rows"]],
        )


# What the page shows of a row.
SHOWN_FIELDS = ("line", "outcome", "no", "from_series", "name", "changes", "errors")


class InvalidRowsReport:
    """The rejected rows as CSV, each with its row number and messages first and the
    file's own cells after them: corrected, the file imports again (the two extra
    columns are no contact columns and are left out)."""

    def __init__(self, stream, headers):
        self.writer = csv.writer(stream)
        self.headers = headers
        self.count = 0
        self.writer.writerow(["row", "errors", *headers])

    def write(self, rows):
        for row in rows:
            if row.valid:
                continue
            self.count += 1
            messages = "; ".join(
                f"{column}: {message}" if column else message
                for column, message in row.errors
            )
            self.writer.writerow(
                [
                    row.line,
                    sanitise(messages),
                    *(
                        sanitise(str(row.cells.get(name) or ""))
                        for name in self.headers
                    ),
                ]
            )


def contact_rows(content, file_format):
    """The file's column names and its rows as ImportRows, read as they are used."""
    headers, body = headed_rows(
        rows_of(content, file_format),
        check_headers=check_contact_columns,
        aliases=contact_column_aliases(),
    )
    rows = (
        ImportRow(line=line, cells=dict(zip(headers, cells, strict=True)))
        for line, cells in body
    )
    return headers, rows


def import_contacts(
    content,
    file_format,
    *,
    user,
    update=True,
    dry_run=False,
    progress=None,
    should_stop=None,
    report=None,
):
    """Create (and with `update`, change) the contacts of the valid rows of a CSV or
    .xlsx file, BATCH_SIZE rows per transaction; rejected rows are left out. With
    `dry_run` nothing is written, not even a number of the series.

    Not atomic as a whole on purpose: a large file is committed batch by batch, and
    a batch that fails for an unexpected reason is rolled back alone, its rows
    counted as failed. `progress(summary)` is called after each batch,
    `should_stop()` before each; `report` (an InvalidRowsReport) receives the
    rejected rows. A file that cannot be read raises ValidationError.
    """
    headers, rows = contact_rows(content, file_format)
    batches = Batches(
        [name for name in headers if name in CONTACT_EXPORT_FIELDS],
        update=update,
        dry_run=dry_run,
    )
    summary = ImportSummary()
    while True:
        batch = list(islice(rows, BATCH_SIZE))
        if not batch:
            break
        if should_stop is not None and should_stop():
            summary.stopped = True
            break
        batches.run(batch)
        summary.add(batch)
        if report is not None:
            report.write(batch)
        if progress is not None:
            progress(summary)
    if not summary.read and not summary.stopped:
        raise ValidationError(_("The file has column names but no rows."), "no_rows")
    return summary


def preview_contact_import(content, file_format, *, user, update=True):
    """What importing the file would do: `import_contacts` writing nothing."""
    return import_contacts(content, file_format, user=user, update=update, dry_run=True)


def import_contacts_job(job, *, upload, file_format, update=True, language=None):
    """The job behind Contacts → Import: import the upload waiting in the import
    storage, with progress per batch, and keep the rejected rows as a CSV file
    behind the job's download link. The upload is removed once the job has read
    through it; a failed job keeps it for a retry until the cleanup. Its messages
    are in `language`, the one of the page that started it: a worker has none."""
    with translation.override(language):
        return _import_upload(job, upload, file_format, update)


def read_upload(upload):
    """The content of an upload waiting in the import storage."""
    try:
        return MediaStorage(name=upload).read()
    except FileNotFoundError:
        raise ValidationError(
            _("The uploaded file is gone. Upload it again."), code="gone"
        ) from None


def preview_contacts_job(job, *, upload, file_format, update=True, language=None):
    """The preview of a large upload (over the page's inline limit), run by the
    worker so no request waits for it: `import_contacts` writing nothing, its
    summary kept as the job's file for the import page to show."""
    with translation.override(language):
        summary = import_contacts(
            read_upload(upload),
            file_format,
            user=job.created_by,
            update=update,
            dry_run=True,
            progress=lambda summary: jobs.report_progress(
                job,
                done=summary.read,
                message=_("%(done)s rows checked: %(outcome)s")
                % {"done": summary.read, "outcome": summary.text()},
            ),
            should_stop=lambda: jobs.should_stop(job),
        )
        jobs.attach_file(
            job, ContentFile(summary.as_json().encode()), name="preview.json"
        )
        if not summary.stopped:
            jobs.report_progress(
                job, done=summary.read, total=summary.read, message=summary.text()
            )
        return {
            "url": f"{reverse('crm:contact_import')}?preview={job.pk}",
            "label": _("Preview"),
        }


def _import_upload(job, upload, file_format, update):
    content = read_upload(upload)
    waiting = MediaStorage(name=upload)
    total = job.progress_total

    def progress(summary):
        jobs.report_progress(
            job,
            done=summary.read,
            total=max(total or 0, summary.read),
            message=_("%(done)s of %(total)s rows: %(outcome)s")
            % {
                "done": format_whole_number(summary.read),
                "total": format_whole_number(total) if total else "?",
                "outcome": summary.text(),
            },
        )

    with tempfile.TemporaryFile() as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
        headers, _rows = contact_rows(content, file_format)
        report = InvalidRowsReport(text, headers)
        summary = import_contacts(
            content,
            file_format,
            user=job.created_by,
            update=update,
            progress=progress,
            should_stop=lambda: jobs.should_stop(job),
            report=report,
        )
        text.flush()
        if report.count:
            jobs.attach_file(job, File(spool), name=_("invalid-rows.csv"))
        text.detach()
    waiting.remove()
    if not summary.stopped:  # a canceled job says how far it got (finish_job)
        jobs.report_progress(
            job,
            done=summary.read,
            total=summary.read,
            message=_("Import finished: %(outcome)s") % {"outcome": summary.text()},
        )
    if report.count:
        return {
            "url": reverse("jobs:download", args=[job.pk]),
            "label": _("Rejected rows (CSV)"),
        }
    return {"url": reverse("crm:contact_list"), "label": _("Contacts")}
