"""Contact import: reading files, the ContactResource's rows, and the preview and import
services (tests/crm/test_import_views.py has the pages and the admin)."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from crm import imports, services
from crm.imports import ImportRow, read_dataset
from crm.models import Contact, NumberSeries
from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

HEADER = "no,type,name,company,salesperson,email,city,exclude_from_segment\n"


def csv_dataset(text):
    return read_dataset(text.encode(), "csv")


def snapshot():
    """Every contact and number series row, as the database holds them."""
    return (
        list(Contact.objects.order_by("pk").values_list()),
        list(NumberSeries.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def existing(marketing_setup):
    """A company CO1 with salesperson JV, and a blocked salesperson OLD."""
    salesperson = SalespersonFactory(code="JV")
    SalespersonFactory(code="OLD", blocked=True)
    return CompanyFactory(
        no="CO1", name="Acme", city="Amsterdam", salesperson=salesperson
    )


def outcomes(report):
    return [(row.line, row.outcome) for row in report.rows]


MIXED = (
    HEADER
    + ",company,Globex,,JV,info@globex.example,Utrecht,no\n"  # new, numbered
    + "CO1,company,Acme,,JV,,Rotterdam,no\n"  # update: city
    + ",person,Bad Bob,,,not-an-e-mail,,no\n"  # rejected
    + ",person,Ann,CO1,JV,ann@acme.example,,yes\n"  # new person of CO1
)


def test_preview_says_what_each_row_would_do(existing, sales_user):
    report = imports.preview_contact_import(csv_dataset(MIXED), user=sales_user)

    assert outcomes(report) == [
        (2, ImportRow.NEW),
        (3, ImportRow.UPDATE),
        (4, ImportRow.REJECTED),
        (5, ImportRow.NEW),
    ]
    new, update, rejected, person = report.rows
    assert (new.no, new.name, new.from_series) == ("CT00001", "Globex", True)
    assert update.changes == [("city", "Amsterdam", "Rotterdam")]
    assert rejected.errors == [("email", "Enter a valid email address.")]
    assert (rejected.no, rejected.name) == ("", "Bad Bob")
    assert person.no == "CT00002"
    assert report.counts == {
        "new": 2,
        "update": 1,
        "unchanged": 0,
        "rejected": 1,
        "failed": 0,
    }
    assert report.importable


def test_preview_writes_nothing_not_even_a_number_of_the_series(existing, sales_user):
    before = snapshot()

    imports.preview_contact_import(csv_dataset(MIXED), user=sales_user)

    assert snapshot() == before


def test_import_writes_the_valid_rows_and_leaves_out_the_rejected(existing, sales_user):
    report = imports.import_contacts(csv_dataset(MIXED), user=sales_user)

    assert report.counts["new"] == 2
    globex = Contact.objects.get(name="Globex")
    assert (globex.no, globex.type, globex.salesperson.code, globex.city) == (
        "CT00001",
        "company",
        "JV",
        "Utrecht",
    )
    ann = Contact.objects.get(name="Ann")
    assert (ann.no, ann.company, ann.exclude_from_segment) == (
        "CT00002",
        existing,
        True,
    )
    existing.refresh_from_db()
    assert existing.city == "Rotterdam"
    assert not Contact.objects.filter(name="Bad Bob").exists()
    # Two numbers taken, none lost to the rejected row.
    assert NumberSeries.objects.get(code="CONTACT").next_number == 3


def test_import_is_one_transaction(existing, sales_user, monkeypatch):
    create_contact = services.create_contact
    calls = []

    def fail_on_the_second(**values):
        calls.append(values)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return create_contact(**values)

    monkeypatch.setattr(services, "create_contact", fail_on_the_second)
    before = snapshot()

    with pytest.raises(ValidationError, match="Row 5 could not be imported, so"):
        imports.import_contacts(csv_dataset(MIXED), user=sales_user)

    assert len(calls) == 2
    assert snapshot() == before


def test_a_failing_row_in_the_preview_makes_the_file_not_importable(
    existing, sales_user, monkeypatch
):
    def fail(**values):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "create_contact", fail)

    report = imports.preview_contact_import(csv_dataset(MIXED), user=sales_user)

    assert report.rows[0].outcome == ImportRow.FAILED
    assert report.rows[0].errors == [
        ("", "This row could not be imported (an unexpected error).")
    ]
    assert not report.importable


@pytest.mark.parametrize(
    ("row", "errors"),
    [
        (
            ",robot,X,,,,,no",
            [("type", "Value 'robot' is not a valid choice.")],
        ),
        (
            ",person,X,CO404,,,,no",
            [("company", "There is no contact with no. CO404.")],
        ),
        (
            ",person,X,P1,,,,no",
            [("company", "The company must be a contact of type company.")],
        ),
        (
            ",company,X,CO1,,,,no",
            [("company", "A company cannot belong to another company.")],
        ),
        (
            ",person,X,,NOBODY,,,no",
            [("salesperson", "There is no salesperson with code NOBODY.")],
        ),
        (
            ",person,X,,OLD,,,no",
            [("salesperson", "Salesperson OLD is blocked and gets no new contacts.")],
        ),
        (",person,X,,,x@,,no", [("email", "Enter a valid email address.")]),
        (
            ",person,X\x00Y,,,,,no",
            [("name", "The value contains a NUL character.")],
        ),
        (
            "CO\x001,person,X,,,,,no",
            [("no", "The value contains a NUL character.")],
        ),
        (
            ",person,X,,,,,maybe",
            [("exclude_from_segment", "Enter yes or no (or 1 or 0).")],
        ),
        (",person,,,,,,no", [("name", "This field cannot be blank.")]),
        (
            f",person,{'x' * 101},,,,,no",
            [
                (
                    "name",
                    "Ensure this value has at most 100 characters (it has 101).",
                )
            ],
        ),
        (
            ",robot,,CO404,,x@,,maybe",
            [
                ("company", "There is no contact with no. CO404."),
                ("exclude_from_segment", "Enter yes or no (or 1 or 0)."),
                ("type", "Value 'robot' is not a valid choice."),
                ("name", "This field cannot be blank."),
                ("email", "Enter a valid email address."),
            ],
        ),
    ],
    ids=[
        "bad type",
        "unknown company",
        "person as company",
        "company of a company",
        "unknown salesperson",
        "blocked salesperson",
        "bad e-mail",
        "NUL byte",
        "NUL byte in the number",
        "bad yes/no",
        "no name",
        "name too long",
        "all at once",
    ],
)
def test_a_bad_row_is_rejected_with_every_error(existing, sales_user, row, errors):
    PersonFactory(no="P1", company=existing)

    report = imports.preview_contact_import(
        csv_dataset(HEADER + row + "\n"), user=sales_user
    )

    (result,) = report.rows
    assert result.outcome == ImportRow.REJECTED
    assert sorted(result.errors) == sorted(errors)
    assert not report.importable


def test_a_contact_keeps_its_blocked_salesperson(existing, sales_user):
    PersonFactory(
        no="P1", name="Piet", salesperson=SalespersonFactory(code="GONE", blocked=True)
    )

    report = imports.import_contacts(
        csv_dataset("no,name,salesperson,city\nP1,Piet,GONE,Delft\n"), user=sales_user
    )

    assert outcomes(report) == [(2, ImportRow.UPDATE)]
    assert Contact.objects.get(no="P1").city == "Delft"


def test_a_row_the_series_number_clashes_with_returns_its_number(existing, sales_user):
    CompanyFactory(no="CT00001")  # entered by hand, ahead of the series

    report = imports.import_contacts(csv_dataset("name\nGlobex\n"), user=sales_user)

    assert report.rows[0].errors == [("no", "Contact with this No. already exists.")]
    assert NumberSeries.objects.get(code="CONTACT").next_number == 1


def test_without_a_contact_series_only_rows_with_a_number_are_imported(db, sales_user):
    report = imports.import_contacts(
        csv_dataset("no,name\n,Globex\nCO7,Initech\n"), user=sales_user
    )

    assert outcomes(report) == [(2, ImportRow.REJECTED), (3, ImportRow.NEW)]
    assert report.rows[0].errors == [
        ("", "Set up a number series for contacts in Marketing setup.")
    ]
    assert list(Contact.objects.values_list("no", flat=True)) == ["CO7"]


def test_unchanged_rows_are_reported_and_not_written(existing, sales_user):
    updated_at = existing.updated_at

    report = imports.import_contacts(
        csv_dataset("no,name,city,salesperson\nCO1,Acme,Amsterdam,JV\n"),
        user=sales_user,
    )

    assert outcomes(report) == [(2, ImportRow.UNCHANGED)]
    assert not report.importable
    existing.refresh_from_db()
    assert existing.updated_at == updated_at


def test_columns_left_out_keep_their_values_and_blank_cells_clear_them(
    existing, sales_user
):
    imports.import_contacts(
        csv_dataset("no,salesperson,email\nCO1,,new@acme.example\n"), user=sales_user
    )

    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Acme", "Amsterdam")
    assert (existing.salesperson, existing.email) == (None, "new@acme.example")


def test_choices_are_taken_by_value_or_label_in_any_case(existing, sales_user):
    imports.import_contacts(
        csv_dataset(
            "name,type,language_code,correspondence_type,exclude_from_segment\n"
            "Ann,Person,Dutch,E-mail,TRUE\n"
            "Bob,PERSON,en,hard_copy,0\n"
        ),
        user=sales_user,
    )

    assert list(
        Contact.objects.filter(name__in=["Ann", "Bob"])
        .order_by("name")
        .values_list(
            "type", "language_code", "correspondence_type", "exclude_from_segment"
        )
    ) == [("person", "nl", "email", True), ("person", "en", "hard_copy", False)]


def test_an_exported_formula_guard_is_taken_off_again(existing, sales_user):
    imports.import_contacts(csv_dataset("name\n'=1+1\n"), user=sales_user)

    assert Contact.objects.filter(name="=1+1").exists()


def test_import_takes_a_constant_number_of_queries_per_row(existing, sales_user):
    def queries(rows):
        text = "name,company,salesperson\n" + "".join(
            f"P{n},CO1,JV\n" for n in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            imports.import_contacts(csv_dataset(text), user=sales_user)
        return len(captured)

    one, two, twelve = queries(1), queries(2), queries(12)

    assert twelve - one == 11 * (two - one)


# Reading files


def test_csv_with_semicolons_a_byte_order_mark_and_spoken_headers():
    dataset = read_dataset(
        "\ufeffNo;Name;Post code\r\nCT1;Ann;1234 AB\r\n".encode(), "csv"
    )

    assert dataset.headers == ["no", "name", "post_code"]
    assert dataset.dict == [{"no": "CT1", "name": "Ann", "post_code": "1234 AB"}]


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
            "contact column (no, type, name, company, salesperson, email, phone, "
            "address, post_code, city, country, language_code, correspondence_type, "
            "exclude_from_segment).",
        ),
        (b"name,Name\nA,B\n", "csv", "The column name appears more than once."),
        (
            b"no,name\nCT1,Ann,extra\n",
            "csv",
            "Row 2 has more cells than the first row has column names.",
        ),
        (
            "name\nJosé\n".encode("latin-1"),
            "csv",
            'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.',
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
