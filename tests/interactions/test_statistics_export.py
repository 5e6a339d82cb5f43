"""The statistics lists' exports: interaction templates and groups with the count,
cost, duration and last date of their counted entries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.exports import code_rows, csv_rows, download, workbook
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates():
    group = InteractionGroupFactory(code="SALES", description="Verkoop")
    call = InteractionTemplateFactory(
        code="CALL",
        group=group,
        description="Telefoongesprek",
        correspondence_type="email",
        unit_cost=Decimal("2.50"),
        unit_duration=10,
    )
    InteractionTemplateFactory(code="VISIT", group=group, unit_cost=Decimal("0"))
    for day, cost in ((1, "2.50"), (5, "1000.00")):
        InteractionLogEntryFactory(
            template=call, date=datetime.date(2026, 11, day), cost=Decimal(cost)
        )
    # Neither counts.
    InteractionLogEntryFactory(template=call, canceled=True, cost=Decimal("99"))
    InteractionLogEntryFactory(template=call, postponed=True, cost=Decimal("99"))
    return call


def test_templates_in_excel_in_dutch(sales_client, templates):
    url = reverse("interactions:template_export", args=["xlsx"])

    sheet = workbook(download(sales_client, url, "nl")).active

    header, call, visit = sheet.iter_rows()
    assert [cell.value for cell in header] == [
        "Code",
        "Groep",
        "Omschrijving",
        "Correspondentietype",
        "Kosten per eenheid",
        "Duur per eenheid",
        "Aantal interacties",
        "Kosten",
        "Duur (min.)",
        "Laatste interactie",
    ]
    assert [cell.value for cell in call] == [
        "CALL",
        "SALES",
        "Telefoongesprek",
        "E-mail",
        2.5,
        10,
        2,
        1002.5,
        call[8].value,
        datetime.datetime(2026, 11, 5),
    ]
    assert call[8].value == 2 * templates.unit_duration
    assert (call[7].number_format, call[9].number_format) == ("#,##0.00", "dd-mm-yyyy")
    assert [cell.value for cell in visit][6:] == [0, 0, 0, None]


def test_templates_in_csv_and_codes(sales_client, templates):
    csv_url = reverse("interactions:template_export", args=["csv"])
    codes_url = reverse("interactions:template_export", args=["codes.csv"])

    _header, call, _visit = csv_rows(download(sales_client, csv_url, "nl"), ";")
    codes = code_rows(download(sales_client, codes_url, "nl"))

    assert call[4:] == ["2,50", "10", "2", "1002,50", "20", "05-11-2026"]
    assert {name: codes[0][name] for name in list(codes[0])[6:]} == {
        "interactions": "2",
        "total_cost": "1002.50",
        "total_duration": "20",
        "last_interaction": "2026-11-05",
    }


def test_groups_in_excel(sales_client, templates):
    url = reverse("interactions:group_export", args=["xlsx"])

    header, row = workbook(download(sales_client, url, "en")).active.iter_rows(
        values_only=True
    )

    assert header == (
        "Code",
        "Description",
        "No. of interactions",
        "Cost",
        "Duration (min.)",
        "Last interaction",
    )
    assert row == ("SALES", "Verkoop", 2, 1002.5, 20, datetime.datetime(2026, 11, 5))


def test_statistics_export_query_count_does_not_grow_with_the_templates(
    sales_client, templates, django_assert_max_num_queries
):
    url = reverse("interactions:template_export", args=["codes.csv"])
    with CaptureQueriesContext(connection) as two:
        assert len(code_rows(sales_client.get(url))) == 2
    for template in InteractionTemplateFactory.create_batch(50):
        InteractionLogEntryFactory(template=template)

    # The templates and their statistics: one grouped query per batch of rows.
    with django_assert_max_num_queries(len(two)):
        assert len(code_rows(sales_client.get(url))) == 52
