"""Downloads of filtered lists in three forms: an Excel workbook, a CSV that opens in
the user's spreadsheet by double-click (in Dutch: `;`, a byte-order mark, decimal
commas, dd-mm-jjjj), and a CSV of codes for scripts.

A list declares its columns once (`Column`); `ExportMixin` on the list's own view
turns the rows its FilterSet selects into any of the three. Every text goes through
`sanitise`, the one guard against spreadsheet formulas and control characters.
"""

import contextlib
import csv
import io
import json
import re
import tempfile
from dataclasses import dataclass
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, register_converter
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

# Spreadsheets run a cell starting with one of these as a formula (the full-width
# forms too: Excel folds them to ASCII); a ' in front shows the text instead.
FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # full-width = + - @
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", *FULL_WIDTH_STARTS)
# Control characters: what a workbook's XML cannot hold (openpyxl's
# ILLEGAL_CHARACTERS_RE), plus DEL and the C1 controls, which no cell needs. Tab,
# line feed and carriage return stay: they are a text's own.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters a spreadsheet may skip before it looks for a formula.
INVISIBLE_LEAD = " \n\u00a0\u200b\u200c\u200d\u2060\ufeff"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows of an Excel sheet, the header included; more rows go on to another sheet.
EXCEL_MAX_ROWS = 1_048_576


def sanitise(value):
    """A text safe in any spreadsheet cell: control characters removed first, then a
    ' put in front when what is left would start a formula. Other values (numbers,
    negative ones too, dates) are returned as they are."""
    if not isinstance(value, str) or not value:
        return value
    if not value.isprintable():  # fast path: most texts have no control character
        value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS) or value.lstrip(INVISIBLE_LEAD).startswith(
        FORMULA_STARTS
    ):
        return f"'{value}"
    return value


# ---------------------------------------------------------------------------
# Columns


class Kind:
    """What a column holds, which decides how each format writes it."""

    TEXT = "text"
    CHOICE = "choice"  # a code, written as its label (codes in the codes CSV)
    INTEGER = "integer"
    MONEY = "money"  # Decimal, 2 places
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


DEFAULT_WIDTHS = {
    Kind.TEXT: 20,
    Kind.CHOICE: 16,
    Kind.INTEGER: 10,
    Kind.MONEY: 12,
    Kind.DATE: 12,
    Kind.TIME: 8,
    Kind.DATETIME: 17,
    Kind.BOOLEAN: 8,
}


@dataclass(frozen=True)
class Column:
    """One column of an export.

    `name` heads the codes CSV (stable for scripts, whatever the language), `label`
    the other forms. `source` is the values_list lookup (default: `name`).
    `choices` (for CHOICE) gives the labels; `display` turns the stored value into
    the text people read (the codes CSV keeps the value). `width` is in characters.
    """

    name: str
    label: str
    kind: str = Kind.TEXT
    source: str | None = None
    choices: object = None
    display: object = None
    width: int | None = None

    @property
    def lookup(self):
        return self.source or self.name

    def excel_width(self):
        return max(self.width or DEFAULT_WIDTHS[self.kind], len(str(self.label)) + 2)


# ---------------------------------------------------------------------------
# Formats: how each kind of value is written, in the user's language


@dataclass(frozen=True)
class Locale:
    """How a spreadsheet in one language reads a CSV opened by double-click, and the
    number formats of an Excel sheet for people of that language."""

    delimiter: str
    decimal: str
    date: str  # strftime
    datetime: str
    excel_date: str
    excel_datetime: str


LOCALES = {
    # Dutch Excel splits on ";" (the comma is its decimal sign) and reads dd-mm-jjjj.
    "nl": Locale(
        ";", ",", "%d-%m-%Y", "%d-%m-%Y %H:%M", "dd-mm-yyyy", "dd-mm-yyyy hh:mm"
    ),
    # ISO dates: Excel reads them as dates in every English locale (US and UK alike).
    "en": Locale(
        ",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
    ),
}
MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "hh:mm"


def locale_of(language):
    return LOCALES.get((language or "en").split("-")[0], LOCALES["en"])


def local_naive(value):
    """A stored moment as the wall-clock time people read (Excel has no zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


# A writer that leaves the value to the writer below it: the csv module writes a
# number, date or boolean as its str() and None as nothing; openpyxl makes typed
# cells of them. Skipping the call saves a fifth of the time of a large CSV.
AS_IS = None


def labels_of(column):
    """{code: label} of a CHOICE column, in the active language; blank stays blank."""
    return {code: str(label) for code, label in column.choices if code != ""}


def human_writer(column, *, excel, locale):
    """A function writing a value of `column` for people: labels, and in a CSV
    numbers and dates as the language writes them."""
    yes, no = str(_("Yes")), str(_("No"))
    kind = column.kind
    if column.display is not None:
        display = column.display
        return lambda value: sanitise(display(value)) or None
    if kind == Kind.CHOICE:
        labels = labels_of(column)
        return lambda value: labels.get(value) or sanitise(value) or None
    if kind == Kind.BOOLEAN:
        return lambda value: None if value is None else (yes if value else no)
    if kind == Kind.TEXT:
        return lambda value: sanitise(value) or None
    if excel:
        if kind == Kind.DATETIME:
            return lambda value: None if value is None else local_naive(value)
        return AS_IS  # numbers, dates and times are cells of their own
    if kind == Kind.MONEY:
        return lambda value: (
            None if value is None else f"{value:.2f}".replace(".", locale.decimal)
        )
    if kind == Kind.INTEGER:
        return AS_IS
    if kind == Kind.DATE:
        return lambda value: None if value is None else value.strftime(locale.date)
    if kind == Kind.TIME:
        return lambda value: None if value is None else value.strftime("%H:%M")
    return lambda value: (
        None if value is None else local_naive(value).strftime(locale.datetime)
    )


def code_text(value):
    """A text as it is stored; a JSON value (audit details) as JSON."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return sanitise(value)


def code_writer(column):
    """A function writing a value of `column` for scripts: codes, ISO dates and
    times, numbers with a point, True/False (what the contact import reads)."""
    kind = column.kind
    if kind in (Kind.TEXT, Kind.CHOICE):
        return code_text
    if kind == Kind.MONEY:
        return lambda value: "" if value is None else f"{value:.2f}"
    if kind == Kind.DATETIME:
        return lambda value: (
            "" if value is None else timezone.localtime(value).isoformat()
        )
    # The csv module writes the rest as their str(): ISO dates and times, True/False.
    return AS_IS


# ---------------------------------------------------------------------------
# Writers


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


def read_batches(rows, size):
    """Lists of up to `size` rows of the values_list `rows`, read by a server-side
    cursor (PostgreSQL) so that no more than a batch is held."""
    # In a transaction PostgreSQL's server-side cursor needs no WITH HOLD, which
    # would build the whole result before the first row is sent. Not on SQLite:
    # its transactions take the write lock for the whole download.
    postgresql = connections[rows.db].vendor == "postgresql"
    with transaction.atomic(using=rows.db) if postgresql else contextlib.nullcontext():
        chunks = rows.iterator(chunk_size=size)
        try:
            while batch := list(islice(chunks, size)):
                yield batch
        finally:
            # Close the cursor inside its transaction, also when the client leaves
            # early: once the transaction ends, closing it fails.
            chunks.close()


def csv_stream(header, batches, writers, *, delimiter, bom):
    """The CSV's text in chunks, one per batch of rows."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    written = [(at, write) for at, write in enumerate(writers) if write is not AS_IS]

    def converted(batch):
        for row in batch:
            row = list(row)
            for at, write in written:
                row[at] = write(row[at])
            yield row

    for batch in batches:
        writer.writerows(converted(batch))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no rows: the header alone
        yield buffer.getvalue()


def sheet_title(title):
    """A sheet name Excel takes: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "Sheet"


def write_workbook(file, *, title, columns, batches, writers, locale):
    """An Excel workbook of the rows, written in openpyxl's write-only mode: each
    row goes to a temporary file as it comes, so memory stays flat. Past Excel's
    row limit the rows go on in another sheet with the same header."""
    workbook = Workbook(write_only=True)
    formats = {
        Kind.MONEY: MONEY_FORMAT,
        Kind.DATE: locale.excel_date,
        Kind.DATETIME: locale.excel_datetime,
        Kind.TIME: TIME_FORMAT,
    }
    sheets = 0

    def new_sheet():
        nonlocal sheets
        sheets += 1
        sheet = workbook.create_sheet(
            sheet_title(title if sheets == 1 else f"{title} ({sheets})")
        )
        for number, column in enumerate(columns, 1):
            sheet.column_dimensions[
                get_column_letter(number)
            ].width = column.excel_width()
        sheet.freeze_panes = "A2"
        sheet.append([str(column.label) for column in columns])
        # One styled cell per formatted column, given each row's value in turn:
        # append() writes a row out before it returns.
        styled = []
        for column in columns:
            cell = None
            if column.kind in formats and column.display is None:
                cell = WriteOnlyCell(sheet)
                cell.number_format = formats[column.kind]
            styled.append(cell)
        return sheet, styled

    sheet, styled = new_sheet()
    rows = 1
    for batch in batches:
        for row in batch:
            if rows == EXCEL_MAX_ROWS:
                sheet, styled = new_sheet()
                rows = 1
            values = []
            for write, cell, value in zip(writers, styled, row, strict=True):
                if write is not AS_IS:
                    value = write(value)
                if cell is not None and value is not None:
                    cell.value = value
                    value = cell
                values.append(value)
            sheet.append(values)
            rows += 1
    workbook.save(file)


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

    def get(self, request, *args, **kwargs):
        self.file_format = kwargs.get("file_format", self.file_format)
        queryset = self.export_queryset()
        if queryset is None:
            return self.invalid_filters_response()
        return self.export_response(queryset)

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
        return read_batches(rows, self.chunk_size)

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
