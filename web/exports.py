"""Downloads of filtered lists in three forms: an Excel workbook, a CSV that opens in
the user's spreadsheet by double-click (in Dutch: `;`, a byte-order mark, decimal
commas, dd-mm-jjjj), and a CSV of codes for scripts.

A list declares its columns once (web.spreadsheets.Column); `ExportMixin` on the
list's own view turns the rows its FilterSet selects into any of the three. Every
text goes through `sanitise`, the one guard against spreadsheet formulas and control
characters.

A list of more rows than settings.EXPORT_JOB_THRESHOLD is not written in the request:
the function plugged in with `run_large_exports_with` (jobs.exports, when the jobs
app starts) starts a background job that runs the same view again for the same user
and keeps the file for download.
"""

import contextlib
import tempfile
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import connections, transaction
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, register_converter
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from web.spreadsheets import (  # noqa: F401 (Column, Kind: what a list declares)
    Column,
    Kind,
    code_writer,
    csv_stream,
    human_writer,
    locale_of,
    write_workbook,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFormat:
    code: str
    extension: str
    label: str


FORMATS = {
    "xlsx": ExportFormat("xlsx", "xlsx", _("Excel (.xlsx)")),
    "csv": ExportFormat("csv", "csv", _("CSV")),
    "codes.csv": ExportFormat("codes.csv", "csv", _("CSV (codes, UTF-8)")),
}


class ExportFormatConverter:
    """The format in an export's URL: export.xlsx, export.csv, export.codes.csv."""

    regex = "xlsx|csv|codes\\.csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "export_format")


def export_path(prefix, view, name):
    """The URL of a list's export, `<prefix>export.xlsx` and so on, reversed with
    the format: `{% url name "xlsx" %}`."""
    return path(
        f"{prefix}export.<export_format:file_format>", view.as_view(), name=name
    )


# What answers an export too large for one request; web knows no app, so the jobs
# app plugs itself in. None: every export is written in the request.
_large_export_starter = None


def run_large_exports_with(starter):
    """Let `starter(view, rows)` answer exports of more than EXPORT_JOB_THRESHOLD
    rows: it starts a job that writes the file and returns the response."""
    global _large_export_starter
    _large_export_starter = starter


def reported(batches, progress):
    """`batches`, calling `progress(rows written)` after each one is written (it
    may raise to stop the export between batches)."""
    done = 0
    with contextlib.closing(batches):
        for batch in batches:
            yield batch
            done += len(batch)
            progress(done)


def read_batches(rows, size, *, hold=False):
    """Lists of up to `size` rows of the values_list `rows`, read by a server-side
    cursor (PostgreSQL) so that no more than a batch is held.

    `hold`: no transaction around the reading, for a job whose progress reports
    must commit while it reads (PostgreSQL's cursor is then WITH HOLD).
    """
    # In a transaction PostgreSQL's server-side cursor needs no WITH HOLD, which
    # would build the whole result before the first row is sent. Not on SQLite:
    # its transactions take the write lock for the whole download.
    postgresql = connections[rows.db].vendor == "postgresql" and not hold
    with transaction.atomic(using=rows.db) if postgresql else contextlib.nullcontext():
        chunks = rows.iterator(chunk_size=size)
        try:
            while batch := list(islice(chunks, size)):
                yield batch
        finally:
            # Close the cursor inside its transaction, also when the client leaves
            # early: once the transaction ends, closing it fails.
            chunks.close()


# ---------------------------------------------------------------------------
# The view


class ExportMixin:
    """Put in front of a list's own view (FilterView or ListView) to answer with
    its rows as a download in the format the URL names (`export_path`): the same
    queryset, FilterSet, filters and sort order as the page.

    Declare `columns` and `export_title`, the list's title: it names the sheet, and
    the file in the user's language ("Interactielogposten" →
    interactielogposten-2026-12-03.xlsx).
    """

    columns = []
    export_title = _("Export")
    file_format = "csv"
    # Rows per database fetch and per chunk sent: a chunk per row costs more than
    # writing the row (bench/scenarios/export.py).
    chunk_size = 5000
    # Set by the job that writes a large export (jobs.exports): called with the
    # rows written so far after each batch. None in a request.
    export_progress = None

    def get(self, request, *args, **kwargs):
        self.file_format = kwargs.get("file_format", self.file_format)
        queryset = self.export_queryset()
        if queryset is None:
            return self.invalid_filters_response()
        rows = queryset.count()
        if self.export_in_background(rows):
            return _large_export_starter(self, rows)
        # Who took which rows out of the CRM is audited before they leave.
        filterset = getattr(self, "filterset", None)
        self.record_export(
            title=str(self.get_export_title()),
            file_format=self.file_format,
            rows=rows,
            criteria=filterset.criteria() if filterset is not None else {},
        )
        return self.export_response(queryset)

    def export_in_background(self, rows):
        """Whether `rows` are too many to write in the request (never in the job
        that writes them)."""
        return (
            self.export_progress is None
            and _large_export_starter is not None
            and rows > settings.EXPORT_JOB_THRESHOLD
        )

    def record_export(self, *, title, file_format, rows, criteria):
        """Keep who took which rows: audit.exports.AuditedExportMixin writes them to
        the audit trail. Plumbing knows no audit trail: unrecorded, nothing leaves."""
        raise NotImplementedError("Export views record their exports (audit.exports).")

    def export_queryset(self):
        """The page's rows: its FilterSet's when it has one (None when the filters
        cannot be read), else its queryset."""
        if not hasattr(self, "get_filterset_class"):
            return self.get_queryset()
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return None
        return self.filterset.qs

    def export_batches(self, queryset):
        """Lists of rows: tuples of the columns' stored values, in column order."""
        rows = queryset.values_list(*[column.lookup for column in self.columns])
        return self.read_batches(rows)

    def read_batches(self, rows):
        """read_batches of this export's chunk size; in a job, one that lets the
        job's progress commit as it goes."""
        return read_batches(
            rows, self.chunk_size, hold=self.export_progress is not None
        )

    def get_export_title(self):
        return self.export_title

    def export_filename(self):
        stem = slugify(str(self.get_export_title())) or "export"
        codes = "-codes" if self.file_format == "codes.csv" else ""
        extension = FORMATS[self.file_format].extension
        return f"{stem}{codes}-{timezone.localdate():%Y-%m-%d}.{extension}"

    def invalid_filters_response(self):
        """400 naming the filters that cannot be read: a file cannot show the form's
        errors, and an empty one would hide them."""
        form = self.filterset.form
        lines = [
            f"{form.fields[name].label if name in form.fields else ''}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponseBadRequest(
            "\n".join(lines), content_type="text/plain; charset=utf-8"
        )

    def export_response(self, queryset):
        language = translation.get_language()
        locale = locale_of(language)
        batches = self.export_batches(queryset)
        if self.export_progress is not None:
            batches = reported(batches, self.export_progress)
        filename = self.export_filename()
        if self.file_format == "codes.csv":
            header = [column.name for column in self.columns]
            writers = [code_writer(column) for column in self.columns]
            return self.csv_response(
                header, batches, writers, filename, delimiter=",", bom=False
            )
        excel = self.file_format == "xlsx"
        # Labels and headers are read now, in the request's language: a streamed
        # body is written after the request's language is gone.
        writers = [
            human_writer(column, excel=excel, locale=locale) for column in self.columns
        ]
        if excel:
            return self.xlsx_response(batches, writers, filename, locale)
        header = [str(column.label) for column in self.columns]
        return self.csv_response(
            header, batches, writers, filename, delimiter=locale.delimiter, bom=True
        )

    def csv_response(self, header, batches, writers, filename, *, delimiter, bom):
        response = StreamingHttpResponse(
            csv_stream(header, batches, writers, delimiter=delimiter, bom=bom),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def xlsx_response(self, batches, writers, filename, locale):
        file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
        write_workbook(
            file,
            title=self.get_export_title(),
            columns=self.columns,
            batches=batches,
            writers=writers,
            locale=locale,
        )
        file.seek(0)
        return FileResponse(
            file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )
