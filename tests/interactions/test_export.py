"""The CSV export's format: the rows, the chunks they stream in, and the neutralised
spreadsheet formulas (tests/interactions/test_views.py has the filter and query-count
tests)."""

import csv
import datetime
import gc
import io
from decimal import Decimal

import pytest
from django.db.models import CharField, TextField
from django.urls import reverse

from crm.exports import FORMULA_STARTS
from interactions.models import InteractionLogEntry
from interactions.views import InteractionLogEntryExportView
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("interactions:entry_export")
HEADER = (
    "Entry no.,Date,Time,Contact no.,Contact name,Company no.,Description,Subject,"
    "Template,Group,Information flow,Initiated by,Correspondence type,Evaluation,"
    "Attempt failed,Cost,Duration (min.),Salesperson,Document type,Document no.,"
    "Segment no.,Canceled\r\n"
)


def export(client):
    response = client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return [chunk.decode() for chunk in response.streaming_content]


def test_writes_each_entry_as_one_row_of_its_values(sales_client):
    entry = InteractionLogEntryFactory(
        contact=PersonFactory(
            no="CT1", name='Ann "Annie", de Vries', company=CompanyFactory(no="CO1")
        ),
        template=InteractionTemplateFactory(
            code="CALL", group=InteractionGroupFactory(code="PHONE")
        ),
        date=datetime.date(2026, 3, 9),
        time=datetime.time(14, 5),
        description="Line one\nline two",
        evaluation="positive",
        attempt_failed=True,
        cost=Decimal("2.50"),
        duration=15,
        salesperson=SalespersonFactory(code="AV"),
    )
    no_time = InteractionLogEntryFactory(
        contact=PersonFactory(no="CT2", name="Bob", company=None),
        template=None,
        group=None,
        salesperson=None,
        date=datetime.date(2026, 3, 10),
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
    first = (
        f'{entry.pk},2026-03-09,14:05:00,CT1,"Ann ""Annie"", de Vries",CO1,'
        '"Line one\nline two",,CALL,PHONE,outbound,us,,positive,True,2.50,15,AV,,,,'
        "False\r\n"
    )
    second = (
        f"{no_time.pk},2026-03-10,,CT2,Bob,,Plain,,,,,,,,False,0.00,0,,sales_quote,"
        "SQ-1,SM1,True\r\n"
    )
    assert "".join(export(sales_client)) == HEADER + first + second


def test_neutralises_a_formula_in_every_free_text_column(sales_client):
    InteractionLogEntryFactory(
        contact=PersonFactory(no="=1", name="+2", company=CompanyFactory(no="-3")),
        template=InteractionTemplateFactory(
            code="\t5", group=InteractionGroupFactory(code="\r6")
        ),
        description="@4",
        subject="=7",
        salesperson=SalespersonFactory(code="+8"),
        document_no="-9",
        segment_no="@10",
    )
    header, row = csv.reader(io.StringIO("".join(export(sales_client))))
    values = dict(zip(header, row, strict=True))
    assert {name: values[name] for name in header if values[name][:1] == "'"} == {
        "Contact no.": "'=1",
        "Contact name": "'+2",
        "Company no.": "'-3",
        "Description": "'@4",
        "Template": "'\t5",
        "Group": "'\r6",
        "Subject": "'=7",
        "Salesperson": "'+8",
        "Document no.": "'-9",
        "Segment no.": "'@10",
    }


def test_only_numbers_dates_booleans_and_choices_skip_the_formula_check():
    names = [name for name, _label in InteractionLogEntryExportView.columns]
    assert InteractionLogEntryExportView.formula_safe <= set(names)
    for name in InteractionLogEntryExportView.formula_safe:
        field = InteractionLogEntry._meta.get_field(name)
        if isinstance(field, CharField | TextField):
            assert field.choices, name
            values = [str(value) for value, _label in field.choices]
            assert not [value for value in values if value.startswith(FORMULA_STARTS)]


def test_streams_batches_of_rows_in_entry_order(sales_client, monkeypatch):
    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 2)
    entries = [InteractionLogEntryFactory() for _ in range(5)]
    InteractionLogEntryFactory(postponed=True)  # a draft is never exported
    chunks = export(sales_client)
    assert len(chunks) == 3  # the header with two rows, two rows, one row
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert [row[0] for row in rows[1:]] == [str(entry.pk) for entry in entries]


def test_no_entries_is_the_header_alone(sales_client):
    assert export(sales_client) == [HEADER]


# Outside a test transaction, as in production: the export's own transaction is real.
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_client_leaving_early_closes_the_cursor_cleanly(sales_client, monkeypatch):
    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 1)
    InteractionLogEntryFactory.create_batch(3)
    response = sales_client.get(URL)
    assert next(iter(response.streaming_content)).startswith(b"Entry no.,")
    response.close()  # what the server does when the download is cancelled
    gc.collect()  # where an orphaned server-side cursor would fail to close
    assert InteractionLogEntry.objects.count() == 3
