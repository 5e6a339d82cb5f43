"""The one export sanitiser (web.spreadsheets.sanitise) and the writers every list's
export shares: no cell of a CSV or a workbook ever starts a formula, whatever control
character comes first; numbers stay numbers; past Excel's row limit a new sheet."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from interactions.models import InteractionLogEntry
from tests.exports import code_rows, csv_rows, download, workbook
from tests.factories import InteractionTemplateFactory, PersonFactory
from web import spreadsheets
from web.spreadsheets import (
    CONTROL_CHARACTERS,
    FORMULA_STARTS,
    Column,
    Kind,
    code_writer,
    csv_stream,
    human_writer,
    locale_of,
    sanitise,
    write_workbook,
)

# Every character the sanitiser strips: C0 controls but tab, line feed and carriage
# return, then DEL and the C1 controls.
CONTROLS = [chr(code) for code in range(0xA0) if CONTROL_CHARACTERS.match(chr(code))]
FORMULA = 'HYPERLINK("http://evil.example","Click")'
# Every formula start behind every control character, and behind nothing.
ATTACKS = [
    (control + start + FORMULA, start + FORMULA)
    for start in FORMULA_STARTS
    for control in ["", *CONTROLS]
]


def test_the_controls_are_the_ones_a_workbook_refuses_and_del_and_c1():
    assert len(CONTROLS) == 29 + 33
    assert not {"\t", "\n", "\r"} & set(CONTROLS)
    assert FORMULA_STARTS == (
        "=",
        "+",
        "-",
        "@",
        "\t",
        "\r",
        "\uff1d",
        "\uff0b",
        "\uff0d",
        "\uff20",
    )


@pytest.mark.parametrize(("attack", "text"), ATTACKS)
def test_strips_control_characters_before_it_neutralises_a_formula(attack, text):
    assert sanitise(attack) == f"'{text}"


@pytest.mark.parametrize(
    "value",
    [
        "\x01\x02=1+1",  # several controls
        " =1+1",  # a space first
        "\n@SUM(A1)",  # a line feed first
        "\u200b=1",  # a zero-width space first
        "\ufeff+1",  # a byte-order mark first
        "\x01\u00a0-1",  # a control, then a no-break space
    ],
)
def test_neutralises_a_formula_behind_invisible_characters(value):
    assert sanitise(value).startswith("'")
    assert not CONTROL_CHARACTERS.search(sanitise(value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme", "Acme"),
        ("a=b", "a=b"),
        ("Line one\nline two", "Line one\nline two"),
        ("tab\tinside", "tab\tinside"),
        ("bell\x07inside", "bellinside"),
        ("", ""),
        (None, None),
        (-5, -5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-0.5, -0.5),
        (datetime.date(2026, 12, 3), datetime.date(2026, 12, 3)),
    ],
)
def test_leaves_harmless_text_and_every_number_as_it_is(value, expected):
    assert sanitise(value) == expected
    assert type(sanitise(value)) is type(expected)


COLUMNS = [
    Column("text", "Text", width=40),
    Column("amount", "Amount", Kind.MONEY),
    Column("count", "Count", Kind.INTEGER),
]


def rows():
    """Every attack as a text, with a negative amount and count beside it."""
    return [[[attack, Decimal("-12.50"), -3] for attack, _text in ATTACKS]]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_csv_cell_starts_a_formula_and_negative_numbers_stay_numbers(language):
    locale = locale_of(language)
    writers = [human_writer(column, excel=False, locale=locale) for column in COLUMNS]
    text = "".join(
        csv_stream(
            ["Text", "Amount", "Count"],
            rows(),
            writers,
            delimiter=locale.delimiter,
            bom=True,
        )
    )

    _header, *lines = csv.reader(io.StringIO(text[1:]), delimiter=locale.delimiter)
    assert [line[0] for line in lines] == [f"'{text}" for _attack, text in ATTACKS]
    assert {(line[1], line[2]) for line in lines} == {
        ("-12,50" if language == "nl" else "-12.50", "-3")
    }


def test_no_codes_csv_cell_starts_a_formula():
    text = "".join(
        csv_stream(
            ["text", "amount", "count"],
            rows(),
            [code_writer(column) for column in COLUMNS],
            delimiter=",",
            bom=False,
        )
    )

    _header, *lines = csv.reader(io.StringIO(text))
    assert [line[0] for line in lines] == [f"'{text}" for _attack, text in ATTACKS]
    assert {(line[1], line[2]) for line in lines} == {("-12.50", "-3")}


def as_read_from_xml(text):
    """A text as read back from a workbook: XML reads a carriage return as a line
    feed."""
    return text.replace("\r", "\n")


def xlsx(batches, columns=COLUMNS, language="nl"):
    locale = locale_of(language)
    file = io.BytesIO()
    write_workbook(
        file,
        title="Attacks",
        columns=columns,
        batches=batches,
        writers=[human_writer(column, excel=True, locale=locale) for column in columns],
        locale=locale,
    )
    file.seek(0)
    return load_workbook(file)


def test_no_workbook_cell_is_a_formula_and_negative_numbers_stay_numbers():
    sheet = xlsx(rows()).active

    _header, *lines = sheet.iter_rows()
    assert [line[0].value for line in lines] == [
        as_read_from_xml(f"'{text}") for _attack, text in ATTACKS
    ]
    assert {line[0].data_type for line in lines} == {"s"}  # text, never "f"
    assert {(line[1].value, line[1].data_type) for line in lines} == {(-12.5, "n")}
    assert {line[1].number_format for line in lines} == {"#,##0.00"}
    assert {(line[2].value, line[2].data_type) for line in lines} == {(-3, "n")}


@pytest.mark.parametrize(
    "phone", ["+31 70 352 1900", "+32 (0)2 555 12 34", "-", "+1-800-555.0199/12"]
)
def test_a_phone_number_keeps_its_plus_in_a_workbook_and_its_quote_in_a_csv(phone):
    # Digits and punctuation in a workbook's text cell call nothing, even edited.
    assert sanitise(phone, workbook=True) == phone
    assert sanitise(phone) == f"'{phone}"
    sheet = xlsx([[[phone, Decimal(1), 1]]]).active
    cell = sheet["A2"]
    assert (cell.value, cell.data_type) == (phone, "s")


@pytest.mark.parametrize(
    "attack", ["+31 70 =cmd", "-1+A1", "+SUM(1)", "=1+1", "\uff0b31 70", "@31"]
)
def test_a_number_with_anything_more_is_quoted_in_a_workbook_too(attack):
    assert sanitise(attack, workbook=True) == f"'{attack}"


def test_past_excels_row_limit_the_rows_go_on_in_a_new_sheet(monkeypatch):
    monkeypatch.setattr(spreadsheets, "EXCEL_MAX_ROWS", 3)  # the header and two rows

    book = xlsx([[[f"row {n}", Decimal(n), n] for n in range(1, 6)]])

    assert book.sheetnames == ["Attacks", "Attacks (2)", "Attacks (3)"]
    assert [
        [row[0] for row in sheet.iter_rows(values_only=True)] for sheet in book
    ] == [
        ["Text", "row 1", "row 2"],
        ["Text", "row 3", "row 4"],
        ["Text", "row 5"],
    ]
    assert {sheet.freeze_panes for sheet in book} == {"A2"}
    assert {sheet.column_dimensions["A"].width for sheet in book} == {40}


def test_a_datetime_is_written_as_the_local_wall_clock_time():
    moment = datetime.datetime(2026, 12, 3, 9, 15, tzinfo=datetime.UTC)
    columns = [Column("at", "At", Kind.DATETIME)]

    cell = xlsx([[[moment]]], columns).active["A2"]

    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert cell.value == datetime.datetime(2026, 12, 3, 10, 15)
    assert cell.number_format == "dd-mm-yyyy hh:mm"
    assert code_writer(columns[0])(moment) == "2026-12-03T10:15:00+01:00"
    writer = human_writer(columns[0], excel=False, locale=locale_of("nl"))
    assert writer(moment) == "03-12-2026 10:15"


# The same attacks through a real list: what a user can type into a description.


@pytest.fixture
def attacked(db):
    """An entry per attack. PostgreSQL stores no NUL character, so that one is left
    to the tests above."""
    contact = PersonFactory(no="CT1")
    template = InteractionTemplateFactory()
    attacks = [(attack, text) for attack, text in ATTACKS if "\x00" not in attack]
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(
            contact=contact,
            template=template,
            group=template.group,
            date=datetime.date(2026, 12, 3),
            description=attack,
        )
        for attack, _text in attacks
    )
    return [f"'{text}" for _attack, text in attacks]


def entries_url(file_format):
    return reverse("interactions:entry_export", args=[file_format]) + (
        "?ordering=entry_no"
    )


def test_the_entry_list_in_excel_starts_no_formula(sales_client, attacked):
    sheet = workbook(download(sales_client, entries_url("xlsx"), "nl")).active

    cells = [row[6] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == list(map(as_read_from_xml, attacked))
    assert {cell.data_type for cell in cells} == {"s"}


def test_the_entry_list_in_csv_starts_no_formula(sales_client, attacked):
    _header, *lines = csv_rows(download(sales_client, entries_url("csv"), "nl"), ";")

    assert [line[6] for line in lines] == attacked


def test_the_entry_list_in_codes_starts_no_formula(sales_client, attacked):
    lines = code_rows(download(sales_client, entries_url("codes.csv"), "nl"))

    assert [line["description"] for line in lines] == attacked
