"""Uploaded CSV and Excel files read as rows, within bounds: the reading behind every
import. It knows no domain model; the caller names the columns it takes."""

import codecs
import csv
import io
import logging
import zipfile

import tablib
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

logger = logging.getLogger(__name__)


class BoundedFormat:
    """A django-import-export format for the admin's import that reads the file
    with `read_dataset`, within the bounds the import page reads in. Subclasses name
    it: `read_dataset = staticmethod(<function of content and file format>)`."""

    read_dataset = None

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True

    def create_dataset(self, in_stream, **kwargs):
        return self.read_dataset(in_stream, self.get_extension())


def rows_of(content, file_format):
    """The rows of an uploaded file ("csv": UTF-8 or Windows-1252, comma or
    semicolon separated; "xlsx": the first sheet), bounded (see `bounded`)."""
    rows = xlsx_rows(content) if file_format == "xlsx" else csv_rows(content)
    return bounded(rows)


def bounded(rows):
    """The rows, refused past IMPORT_MAX_ROWS rows (blank ones too: a file of blank
    lines costs as much to read) or past IMPORT_MAX_COLUMNS non-blank columns."""
    max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    for line, row in enumerate(rows, 1):
        if line > max_rows:
            raise ValidationError(
                _("The file has more than %(limit)s rows."),
                code="too_many_rows",
                params={"limit": intcomma(max_rows)},
            )
        if len(row) > max_columns and not all(map(is_blank, row[max_columns:])):
            raise ValidationError(
                _("Row %(row)s has more than %(limit)s columns."),
                code="too_many_columns",
                params={"row": line, "limit": max_columns},
            )
        yield row[:max_columns]


# How much of a file is checked for UTF-8 at a time.
BLOCK = 1 << 16


def csv_encoding(content):
    """UTF-8 when `content` is UTF-8 (checked a block at a time, never decoded
    whole), else Windows-1252: what Excel on a Dutch Windows saves as "CSV
    (gescheiden door lijstscheidingsteken)"."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), BLOCK):
            decoder.decode(view[start : start + BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def csv_rows(content):
    # Decoded as it is read: the text of a large file is never held whole.
    text = io.TextIOWrapper(
        io.BytesIO(content), encoding=csv_encoding(content), newline=""
    )
    try:
        first_line = text.readline()
        # Spreadsheets in Dutch and other languages with a decimal comma write ";".
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        text.seek(0)
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The file is neither UTF-8 nor Windows text. Save it as “CSV UTF-8” "
                "and try again."
            ),
            code="encoding",
        ) from None
    except csv.Error as error:
        raise ValidationError(
            _("The file cannot be read as CSV: %(error)s"),
            code="unreadable",
            params={"error": error},
        ) from None


def xlsx_rows(content):
    unreadable = ValidationError(
        _("The file cannot be read as an Excel workbook (.xlsx)."), code="unreadable"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    # A workbook is a zip archive: a small file can unpack to gigabytes.
    if unpacked > settings.IMPORT_MAX_UNPACKED_SIZE:
        raise ValidationError(
            _("The workbook unpacks to %(size)s; at most %(limit)s can be imported."),
            code="too_large_unpacked",
            params={
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_SIZE),
            },
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.active
            # Read the cells that are there, not the size the sheet declares: a
            # declared A1:XFD1048576 would pad every row to 16,384 cells.
            sheet.reset_dimensions()
            yield from (list(row) for row in sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    except ValidationError:
        raise
    # Any damage to the file surfaces as some exception of zipfile, the XML parser
    # or openpyxl; all of them mean the same to the user.
    except Exception as error:
        logger.info("Unreadable workbook uploaded: %r", error)
        raise unreadable from None


def is_blank(value):
    return value is None or str(value).strip() == ""


def column_key(text):
    """A column name as headed_rows compares it: "Post code" → post_code."""
    return str(text or "").strip().lower().replace(" ", "_")


def headed_rows(rows, *, check_headers=None, aliases=None):
    """The column names of the first non-blank row, normalised (column_key) and
    renamed by `aliases` ({column_key of another name: the name}), and a generator
    of the non-blank rows after it as (row number as a spreadsheet counts it, cells
    padded to the names). Read as it is consumed, so a file of any length is held
    one row at a time. `check_headers(headers)` may refuse the column names before
    any row is read."""
    numbered = (
        (line, row) for line, row in enumerate(rows, 1) if not all(map(is_blank, row))
    )
    first = next(numbered, None)
    if first is None:
        raise ValidationError(_("The file is empty."), code="empty")
    aliases = aliases or {}
    headers = [column_key(value) for value in first[1]]
    headers = [aliases.get(name, name) for name in headers]
    while headers and not headers[-1]:
        headers.pop()
    if check_headers is not None:
        check_headers(headers)
    for name in headers:
        if name and headers.count(name) > 1:
            raise ValidationError(
                _("The column %(column)s appears more than once."),
                code="duplicate_column",
                params={"column": name},
            )
    return headers, _padded(numbered, len(headers))


def _padded(numbered, width):
    for line, row in numbered:
        if not all(map(is_blank, row[width:])):
            raise ValidationError(
                _("Row %(row)s has more cells than the first row has column names."),
                code="too_wide",
                params={"row": line},
            )
        yield line, [*row[:width], *[""] * (width - len(row))]


def dataset_of(rows, *, max_rows, check_headers=None, aliases=None):
    """A Dataset of the non-blank rows (see `headed_rows`). Rows past `max_rows` are
    counted for the message, not kept."""
    headers, body = headed_rows(rows, check_headers=check_headers, aliases=aliases)
    data = []
    count = 0
    for _line, row in body:
        count += 1
        if count <= max_rows:
            data.append(row)
    if not data:
        raise ValidationError(_("The file has column names but no rows."), "no_rows")
    if count > max_rows:
        raise ValidationError(
            _("The file has %(count)s rows; import at most %(limit)s at a time."),
            code="too_many_rows",
            params={"count": count, "limit": max_rows},
        )
    return tablib.Dataset(*data, headers=headers)
