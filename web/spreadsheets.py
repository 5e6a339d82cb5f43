"""Spreadsheet rows for people and for scripts: the one sanitiser every CSV and
workbook writer uses, the columns a list declares, how each kind of value is written
in the user's language, and the CSV and Excel writers (crm/exports.py serves them)."""

import csv
import io
import json
import re
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
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

# Rows of an Excel sheet, the header included; more rows go on to another sheet.
EXCEL_MAX_ROWS = 1_048_576


# Digits and punctuation only (a phone number, "+31 70 352 1900"): in a workbook's
# text cell such a text can neither call a function nor name a cell, not even once
# edited, so it keeps its own first character there. A CSV has no text cells: a
# spreadsheet would read it as a sum there, and it keeps the '.
NUMBER_TEXT = re.compile(r"[+\-\d\s().,/]+")


def sanitise(value, *, workbook=False):
    """A text safe in any spreadsheet cell: control characters removed first, then a
    ' put in front when what is left would start a formula (in a `workbook`'s text
    cell, unless it is NUMBER_TEXT). Other values (numbers, negative ones too,
    dates) are returned as they are."""
    if not isinstance(value, str) or not value:
        return value
    if not value.isprintable():  # fast path: most texts have no control character
        value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS) or value.lstrip(INVISIBLE_LEAD).startswith(
        FORMULA_STARTS
    ):
        if workbook and NUMBER_TEXT.fullmatch(value):
            return value
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
    the other forms. `source` is the values_list lookup (default: `name`); "" for
    a column the view fills in itself (the statistics of StatisticsExportMixin).
    `choices` (for CHOICE) gives the labels; `display` turns the stored value into
    the text people read (the codes CSV keeps the value); a class there is made
    once per export, so it may keep what it reads. `width` is in characters.
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
        if isinstance(display, type):
            display = display()
        return lambda value: sanitise(display(value), workbook=excel) or None
    if kind == Kind.CHOICE:
        labels = labels_of(column)
        return lambda value: (
            labels.get(value) or sanitise(value, workbook=excel) or None
        )
    if kind == Kind.BOOLEAN:
        return lambda value: None if value is None else (yes if value else no)
    if kind == Kind.TEXT:
        return lambda value: sanitise(value, workbook=excel) or None
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
