"""Contact import: reading files within their bounds (the admin's import reads them as
a dataset; tests/crm/test_contact_import.py has the import service and
tests/crm/test_import_views.py the pages and the admin)."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from crm import imports
from crm.import_batches import ImportRow
from crm.imports import ChoiceWidget, read_dataset
from crm.models import Language
from web.tabular import BLOCK, csv_encoding

pytestmark = pytest.mark.django_db


def csv_dataset(text):
    return read_dataset(text.encode(), "csv")


# Reading files


def test_csv_with_semicolons_a_byte_order_mark_and_spoken_headers():
    dataset = read_dataset(
        "\ufeffNo;Name;Post code\r\nCT1;Ann;1234 AB\r\n".encode(), "csv"
    )

    assert dataset.headers == ["no", "name", "post_code"]
    assert dataset.dict == [{"no": "CT1", "name": "Ann", "post_code": "1234 AB"}]


def test_a_csv_saved_by_dutch_excel_on_windows_is_read_as_windows_1252():
    # "CSV (gescheiden door lijstscheidingsteken)": Windows-1252, semicolons.
    dataset = read_dataset(
        "name;city\r\nNoëlle Anaïs;Ede \u2013 Gld\r\n".encode("cp1252"), "csv"
    )

    assert dataset.dict == [{"name": "Noëlle Anaïs", "city": "Ede \u2013 Gld"}]


def test_a_large_utf_8_file_is_checked_past_its_first_block():
    # A character split over the block boundary is still UTF-8.
    text = "name\n" + "x" * (BLOCK - 6) + "ë\n" + "é" * 5
    assert csv_encoding(text.encode()) == "utf-8-sig"
    assert csv_encoding(text.encode() + b"\xe9") == "cp1252"


def test_blank_rows_are_skipped_and_short_rows_padded():
    dataset = csv_dataset("no,name,city\n\nCT1,Ann\n,,\n")

    assert dataset.dict == [{"no": "CT1", "name": "Ann", "city": ""}]


def test_xlsx_is_read_from_its_first_sheet():
    workbook = Workbook()
    workbook.active.append(["no", "name", "post_code", "exclude_from_segment"])
    workbook.active.append(["CT1", "Ann", 1234, True])
    workbook.active.append([None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    dataset = read_dataset(buffer.getvalue(), "xlsx")

    assert dataset.dict == [
        {"no": "CT1", "name": "Ann", "post_code": 1234, "exclude_from_segment": True}
    ]


@pytest.mark.parametrize(
    ("content", "file_format", "message"),
    [
        (b"", "csv", "The file is empty."),
        (b"\n ,\n", "csv", "The file is empty."),
        (b"no,name\n", "csv", "The file has column names but no rows."),
        (
            b"foo,bar\n1,2\n",
            "csv",
            "The first row must name the columns, and none of its names is a "
            "contact column. The contact columns are: No. (no), Type (type), Name "
            "(name), Company (company), Salesperson (salesperson), E-mail (email), "
            "Phone (phone), Address (address), Post code (post_code), City (city), "
            "Country (country), Language (language_code), Correspondence type "
            "(correspondence_type), Exclude from segment (exclude_from_segment).",
        ),
        (b"name,Name\nA,B\n", "csv", "The column name appears more than once."),
        (
            b"no,name\nCT1,Ann,extra\n",
            "csv",
            "Row 2 has more cells than the first row has column names.",
        ),
        (
            b"name\nJ\x81\x8d\n",  # bytes neither UTF-8 nor Windows-1252 has
            "csv",
            "The file is neither UTF-8 nor Windows text. Save it as “CSV UTF-8” "
            "and try again.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00garbage",
            "xlsx",
            "The file cannot be read as an Excel workbook (.xlsx).",
        ),
        (
            b"PK\x03\x04 a broken zip",
            "xlsx",
            "The file cannot be read as an Excel workbook (.xlsx).",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "header only",
        "no contact column",
        "duplicate column",
        "too wide",
        "not UTF-8",
        "garbage xlsx",
        "broken zip",
    ],
)
def test_unreadable_files_are_refused_with_a_message(content, file_format, message):
    with pytest.raises(ValidationError) as raised:
        read_dataset(content, file_format)

    assert raised.value.messages == [message]


def test_a_file_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)

    with pytest.raises(ValidationError, match="The file has 3 rows; import at most 2"):
        csv_dataset("name\nA\nB\nC\n")


# Bounds: no file can make the import exhaust a worker's memory (issue 16, finding 1)


def workbook_bytes(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_declared_dimension(content, dimension):
    """The workbook, its sheet claiming to span `dimension` (as a forged file can)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    forged = io.BytesIO()
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    data,
                )
                assert count == 1
            target.writestr(member, data)
    return forged.getvalue()


def peak_memory(read, *args):
    """What `read(*args)` returned or raised, and the most memory it held at once."""
    tracemalloc.start()
    try:
        try:
            outcome = read(*args)
        except ValidationError as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_small_workbook_declaring_the_largest_sheet_is_read_in_little_memory():
    bomb = with_declared_dimension(
        workbook_bytes(["no", "name"], ["CT1", "Ann"]), "A1:XFD1048576"
    )
    assert len(bomb) < 8 * 1024

    dataset, peak = peak_memory(read_dataset, bomb, "xlsx")

    assert dataset.dict == [{"no": "CT1", "name": "Ann"}]
    assert peak < 20 * 2**20


def test_a_csv_of_blank_lines_stops_at_the_row_limit_in_little_memory(settings):
    settings.IMPORT_MAX_ROWS = 100_000
    content = b"no,name\n" + b"\n" * 2_000_000

    error, peak = peak_memory(read_dataset, content, "csv")

    assert error.messages == ["The file has more than 100,000 rows."]
    assert peak < 20 * 2**20


def test_a_workbook_past_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    content = workbook_bytes(["name"], ["A"], ["B"], ["C"])

    with pytest.raises(ValidationError, match="The file has more than 3 rows"):
        read_dataset(content, "xlsx")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_row_past_the_column_limit_is_refused(settings, file_format):
    settings.IMPORT_MAX_COLUMNS = 3
    rows = [["name", "city", "", "", ""], ["Ann", "Utrecht", "", "", "x"]]
    if file_format == "csv":
        content = "".join(",".join(row) + "\n" for row in rows).encode()
    else:
        content = workbook_bytes(*rows)

    with pytest.raises(ValidationError, match="Row 2 has more than 3 columns"):
        read_dataset(content, file_format)


def test_blank_cells_past_the_column_limit_are_no_columns(settings):
    settings.IMPORT_MAX_COLUMNS = 2

    dataset = csv_dataset("name,city,,,\nAnn,Utrecht,,,\n")

    assert dataset.dict == [{"name": "Ann", "city": "Utrecht"}]


def test_a_workbook_unpacking_past_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_SIZE = 4096
    content = workbook_bytes(["name"], *[[f"Contact {n}"] for n in range(200)])

    with pytest.raises(ValidationError, match=r"The workbook unpacks to .+ at most 4"):
        read_dataset(content, "xlsx")


def test_a_rows_errors_and_changes_name_each_column_as_the_form_does():
    row = ImportRow(line=2, changes=[("city", "Utrecht", "Ede")])
    row.reject("language_code", "Waarde 'NLD' is geen geldige keuze.")
    row.reject("", "Rij is dubbel.")
    row.reject("row_colour", "?")  # no contact column: as it is
    with translation.override("nl"):
        assert row.shown_errors == [
            ("Taal", "Waarde 'NLD' is geen geldige keuze."),
            ("", "Rij is dubbel."),
            ("row_colour", "?"),
        ]
        assert row.shown_changes == [("Plaats", "Utrecht", "Ede")]


def test_a_choice_is_read_in_any_language_and_an_unknown_one_names_the_choices():
    widget = ChoiceWidget(Language.choices)
    assert widget.clean("Duits") == widget.clean("german") == widget.clean("DE") == "de"
    assert widget.clean(" ") == ""  # blank: the model's validation decides
    with translation.override("nl"), pytest.raises(ValueError, match="Fries") as no:
        widget.clean("Fries")
    assert (
        str(no.value)
        == "“Fries” is geen van de keuzes: Nederlands, Engels, Duits, Frans."
    )
