"""The export of the interaction log entries in its three forms, read back as Excel
and a CSV reader would: cells and their types, labels, headers in Dutch and English,
the list's filters and order, query counts, streaming and memory."""

import csv
import datetime
import gc
import io
import re
import tracemalloc
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from interactions.models import InteractionLogEntry
from interactions.views import InteractionLogEntryExportView
from tests.exports import (
    body,
    code_rows,
    csv_rows,
    download,
    filename,
    workbook,
)
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)
from web import spreadsheets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DUTCH_HEADER = (
    "Volgnr.",
    "Datum",
    "Tijd",
    "Contactnr.",
    "Contactnaam",
    "Bedrijfsnr.",
    "Omschrijving",
    "Onderwerp",
    "Sjabloon",
    "Groep",
    "Informatiestroom",
    "Geïnitieerd door",
    "Correspondentietype",
    "Evaluatie",
    "Poging mislukt",
    "Kosten",
    "Duur (min.)",
    "Verkoper",
    "Documentsoort",
    "Documentnr.",
    "Segmentnr.",
    "Geannuleerd",
    "Taal",
    "Verzending",
    "Verzendfout",
)
ENGLISH_HEADER = (
    "Entry no.",
    "Date",
    "Time",
    "Contact no.",
    "Contact name",
    "Company no.",
    "Description",
    "Subject",
    "Template",
    "Group",
    "Information flow",
    "Initiated by",
    "Correspondence type",
    "Evaluation",
    "Attempt failed",
    "Cost",
    "Duration (min.)",
    "Salesperson",
    "Document type",
    "Document no.",
    "Segment no.",
    "Canceled",
    "Language",
    "Delivery",
    "Delivery error",
)
CODES_HEADER = [column.name for column in InteractionLogEntryExportView.columns]


def url(file_format):
    return reverse("interactions:entry_export", args=[file_format])


@pytest.fixture
def entry():
    return InteractionLogEntryFactory(
        contact=PersonFactory(
            no="CT1", name='Ann "Annie", de Vries', company=CompanyFactory(no="CO1")
        ),
        template=InteractionTemplateFactory(
            code="CALL", group=InteractionGroupFactory(code="PHONE")
        ),
        date=datetime.date(2026, 3, 9),
        time=datetime.time(14, 5),
        description="Line one\nline two",
        information_flow="outbound",
        initiated_by="us",
        correspondence_type="email",
        evaluation="positive",
        attempt_failed=True,
        cost=Decimal("1250.50"),
        duration=15,
        salesperson=SalespersonFactory(code="AV"),
        language_code="en",
        delivery_status="error",
        delivery_error="550 mailbox unavailable",
    )


@pytest.fixture
def bare_entry():
    """An entry with every optional value blank."""
    return InteractionLogEntryFactory(
        contact=PersonFactory(no="CT2", name="Bob", company=None),
        template=None,
        group=None,
        salesperson=None,
        date=datetime.date(2026, 3, 8),
        description="Plain",
        information_flow="",
        initiated_by="",
        cost=Decimal("0"),
        duration=0,
        document_type="sales_quote",
        document_no="SQ-1",
        segment_no="SM1",
        canceled=True,
    )


def test_excel_in_dutch_has_typed_cells_labels_and_a_frozen_header(
    sales_client, entry, bare_entry
):
    response = download(sales_client, url("xlsx"), "nl")

    assert filename(response) == "interactielogposten-2026-12-03.xlsx"
    book = workbook(response)
    assert book.sheetnames == ["Interactielogposten"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header, first, second = sheet.iter_rows()
    assert tuple(cell.value for cell in header) == DUTCH_HEADER
    cells = dict(zip(DUTCH_HEADER, first, strict=True))
    assert cells["Volgnr."].value == entry.pk
    assert cells["Volgnr."].data_type == "n"
    assert cells["Datum"].is_date
    assert cells["Datum"].value == datetime.datetime(2026, 3, 9)
    assert cells["Datum"].number_format == "dd-mm-yyyy"
    assert cells["Tijd"].value == datetime.time(14, 5)
    assert cells["Tijd"].number_format == "hh:mm"
    assert cells["Kosten"].data_type == "n"
    assert cells["Kosten"].value == 1250.5
    assert cells["Kosten"].number_format == "#,##0.00"
    assert cells["Duur (min.)"].value == 15
    assert cells["Contactnaam"].value == 'Ann "Annie", de Vries'
    assert cells["Omschrijving"].value == "Line one\nline two"
    # Labels as the page shows them, never the stored codes.
    assert [
        cells[name].value
        for name in (
            "Informatiestroom",
            "Geïnitieerd door",
            "Correspondentietype",
            "Evaluatie",
            "Poging mislukt",
            "Geannuleerd",
        )
    ] == ["Uitgaand", "Wij", "E-mail", "Positief", "Ja", "Nee"]
    blank = dict(zip(DUTCH_HEADER, (cell.value for cell in second), strict=True))
    assert blank["Volgnr."] == bare_entry.pk
    assert blank["Tijd"] is None
    assert blank["Bedrijfsnr."] is None
    assert blank["Informatiestroom"] is None  # blank, not "—"
    assert blank["Documentsoort"] == "Verkoopofferte"
    assert blank["Kosten"] == 0
    assert blank["Geannuleerd"] == "Ja"


def test_excel_sets_a_width_for_every_column(sales_client, entry):
    sheet = workbook(download(sales_client, url("xlsx"), "nl")).active

    widths = [
        sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOPQRSTUVWXY"
    ]

    assert widths == [
        max(column.width or spreadsheets.DEFAULT_WIDTHS[column.kind], len(label) + 2)
        for column, label in zip(
            InteractionLogEntryExportView.columns, DUTCH_HEADER, strict=True
        )
    ]
    assert widths[6] == 40  # the description
    assert widths[11] == len("Geïnitieerd door") + 2  # as wide as its header


def test_excel_in_english(sales_client, entry):
    response = download(sales_client, url("xlsx"), "en")

    assert filename(response) == "interaction-log-entries-2026-12-03.xlsx"
    sheet = workbook(response).active
    header, row = sheet.iter_rows()
    assert tuple(cell.value for cell in header) == ENGLISH_HEADER
    cells = dict(zip(ENGLISH_HEADER, row, strict=True))
    assert cells["Date"].number_format == "yyyy-mm-dd"
    assert cells["Cost"].number_format == "#,##0.00"
    assert (cells["Information flow"].value, cells["Initiated by"].value) == (
        "Outbound",
        "Us",
    )


def test_csv_in_dutch_opens_in_dutch_excel(sales_client, entry, bare_entry):
    response = download(sales_client, url("csv"), "nl")

    assert filename(response) == "interactielogposten-2026-12-03.csv"
    header, first, second = csv_rows(response, delimiter=";")
    assert tuple(header) == DUTCH_HEADER
    assert first == [
        str(entry.pk),
        "09-03-2026",
        "14:05",
        "CT1",
        'Ann "Annie", de Vries',
        "CO1",
        "Line one\nline two",
        "",
        "CALL",
        "PHONE",
        "Uitgaand",
        "Wij",
        "E-mail",
        "Positief",
        "Ja",
        "1250,50",
        "15",
        "AV",
        "",
        "",
        "",
        "Nee",
        "Engels",
        "Fout",
        "550 mailbox unavailable",
    ]
    assert second[:3] == [str(bare_entry.pk), "08-03-2026", ""]
    assert second[15:] == [
        "0,00",
        "0",
        "",
        "Verkoopofferte",
        "SQ-1",
        "SM1",
        "Ja",
        "",
        "",
        "",
    ]


def test_csv_in_english_has_commas_points_and_iso_dates(sales_client, entry):
    response = download(sales_client, url("csv"), "en")

    assert filename(response) == "interaction-log-entries-2026-12-03.csv"
    header, row = csv_rows(response, delimiter=",")
    assert tuple(header) == ENGLISH_HEADER
    values = dict(zip(header, row, strict=True))
    assert (values["Date"], values["Cost"], values["Information flow"]) == (
        "2026-03-09",
        "1250.50",
        "Outbound",
    )
    assert (values["Attempt failed"], values["Canceled"]) == ("Yes", "No")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_codes_csv_is_the_same_in_every_language(
    sales_client, entry, bare_entry, language
):
    response = download(sales_client, url("codes.csv"), language)

    assert filename(response).startswith(
        {"nl": "interactielogposten", "en": "interaction-log-entries"}[language]
        + "-codes-2026-12-03"
    )
    first, second = code_rows(response)
    assert list(first) == CODES_HEADER
    assert first == {
        "entry_no": str(entry.pk),
        "date": "2026-03-09",
        "time": "14:05:00",
        "contact_no": "CT1",
        "contact_name": 'Ann "Annie", de Vries',
        "company_no": "CO1",
        "description": "Line one\nline two",
        "subject": "",
        "template": "CALL",
        "group": "PHONE",
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "email",
        "evaluation": "positive",
        "attempt_failed": "True",
        "cost": "1250.50",
        "duration": "15",
        "salesperson": "AV",
        "document_type": "",
        "document_no": "",
        "segment_no": "",
        "canceled": "False",
        "language_code": "en",
        "delivery_status": "error",
        "delivery_error": "550 mailbox unavailable",
    }
    assert (second["time"], second["document_type"], second["canceled"]) == (
        "",
        "sales_quote",
        "True",
    )


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "codes.csv"])
def test_exports_exactly_the_filtered_entries_in_the_lists_order(
    sales_client, file_format
):
    contact = PersonFactory(no="CT9")
    for cost in ("3.00", "1.00", "2.00"):
        InteractionLogEntryFactory(contact=contact, cost=Decimal(cost))
    InteractionLogEntryFactory(cost=Decimal("0.50"))  # another contact
    InteractionLogEntryFactory(contact=contact, postponed=True)  # a draft

    response = download(
        sales_client,
        url(file_format),
        "en",
        contact="ct9",
        ordering="-cost",
        page="2",
    )

    if file_format == "xlsx":
        rows = list(workbook(response).active.iter_rows(min_row=2, values_only=True))
        costs = [row[15] for row in rows]
        assert costs == [3, 2, 1]
    else:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        assert [row[15] for row in rows] == ["3.00", "2.00", "1.00"]


def test_the_list_offers_every_form_with_its_filters(sales_client, entry):
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"contact": "CT1", "ordering": "-cost", "page": "1"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    menu = [
        (link["label"], link["url"])
        for link in _export_links(response.content.decode())
    ]
    assert menu == [
        ("Excel (.xlsx)", f"{url('xlsx')}?contact=CT1&amp;ordering=-cost"),
        ("CSV", f"{url('csv')}?contact=CT1&amp;ordering=-cost"),
        ("CSV (codes, UTF-8)", f"{url('codes.csv')}?contact=CT1&amp;ordering=-cost"),
    ]


def test_the_list_offers_no_file_while_its_filters_cannot_be_read(sales_client, entry):
    """The export would answer a bare 400 page: the menu says to correct the
    filters instead of leading there."""
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"date_from": "2026-02-31"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    html = response.content.decode()
    assert _export_links(html) == []
    menu = html[html.index('class="dropdown export-menu"') :]
    assert "Corrigeer eerst de filters." in menu[: menu.index("</details>")]


def _export_links(html):
    menu = html[html.index('class="dropdown export-menu"') :]
    menu = menu[: menu.index("</details>")]
    return [
        {"url": href, "label": label}
        for href, label in re.findall(
            r'<a class="dropdown-item" href="([^"]+)">([^<]+)</a>', menu
        )
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "codes.csv"])
def test_filters_it_cannot_read_are_a_400_that_names_them(sales_client, file_format):
    response = sales_client.get(
        url(file_format), {"date_from": "2026-02-30", "ordering": "nonsense"}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "From: Enter a valid date.",
        "Sort by: Select a valid choice. nonsense is not one of the available choices.",
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "codes.csv"])
def test_query_count_does_not_grow_with_the_rows(
    sales_client, monkeypatch, file_format, django_assert_max_num_queries
):
    # Rows come in batches: 51 rows are six of them, still in one query.
    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 10)
    template = InteractionTemplateFactory()
    InteractionLogEntryFactory(template=template)
    with CaptureQueriesContext(connection) as one:
        b"".join(sales_client.get(url(file_format)).streaming_content)
    InteractionLogEntryFactory.create_batch(50, template=template)

    with django_assert_max_num_queries(len(one)):
        content = b"".join(sales_client.get(url(file_format)).streaming_content)

    if file_format == "xlsx":
        assert load_workbook(io.BytesIO(content)).active.max_row == 52
    else:
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) == 52


def test_csv_streams_batches_of_rows(sales_client, monkeypatch):
    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 2)
    InteractionLogEntryFactory.create_batch(5)

    chunks = list(sales_client.get(url("csv")).streaming_content)

    assert len(chunks) == 3  # the header with two rows, two rows, one row


def test_no_entries_is_the_header_alone(sales_client):
    response = download(sales_client, url("csv"), "en")

    assert csv_rows(response, ",") == [list(ENGLISH_HEADER)]


# Outside a test transaction, as in production: the export's own transaction is real.
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_client_leaving_early_closes_the_cursor_cleanly(sales_client, monkeypatch):
    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 1)
    InteractionLogEntryFactory.create_batch(3)
    response = sales_client.get(url("codes.csv"))
    assert next(iter(response.streaming_content)).startswith(b"entry_no,")
    response.close()  # what the server does when the download is cancelled
    gc.collect()  # where an orphaned server-side cursor would fail to close
    assert InteractionLogEntry.objects.count() == 3


# What an Excel export of 20,000 entries may allocate at its peak. openpyxl's
# write-only mode sends each row to a temporary file, so what is held is one batch of
# rows (chunk_size) and the writer's buffers; a workbook kept in memory would take
# several times this. bench/scenarios/export.py measures 100,000 rows.
XLSX_MEMORY_BOUND = 16 * 2**20


def test_an_excel_export_of_20000_entries_stays_under_a_fixed_memory_bound(
    sales_client, monkeypatch, settings
):
    # Written in the request (tests/jobs/test_exports.py measures the job's run).
    settings.EXPORT_JOB_THRESHOLD = 100_000
    # Five of the columns (a number, a date, two texts, money): tracemalloc makes
    # every allocation about eight times slower, and what memory depends on is the
    # number of rows, not of columns.
    columns = {column.name: column for column in InteractionLogEntryExportView.columns}
    monkeypatch.setattr(
        InteractionLogEntryExportView,
        "columns",
        [
            columns[name]
            for name in ("entry_no", "date", "contact_name", "description", "cost")
        ],
    )
    template = InteractionTemplateFactory()
    contact = PersonFactory()
    salesperson = SalespersonFactory()
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(
            contact=contact,
            template=template,
            group=template.group,
            salesperson=salesperson,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number % 300),
            description=f"Interaction number {number}",
            cost=Decimal("12.50"),
            duration=15,
            information_flow="outbound",
        )
        for number in range(20_000)
    )
    gc.collect()

    tracemalloc.start()
    try:
        response = sales_client.get(url("xlsx"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < XLSX_MEMORY_BOUND, f"peak {peak / 2**20:.1f} MB"
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    rows = book.active.iter_rows(min_row=20_001, values_only=True)
    assert [row[3] for row in rows] == ["Interaction number 0"]  # the oldest, last
