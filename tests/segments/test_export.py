"""The exports of the segment card's lines and of the logged segments: the card's
search and sort, labels, typed cells, and the codes form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from crm.models import CorrespondenceType
from interactions.models import InteractionLogEntry
from tests.exports import code_rows, csv_rows, download, filename, workbook
from tests.factories import (
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def segment():
    segment = SegmentFactory(no="SM00007")
    template = InteractionTemplateFactory(code="MAIL")
    for no, name, cost in (("CT2", "Zoë", "2.50"), ("CT1", "Ann", "1250.00")):
        SegmentLineFactory(
            segment=segment,
            contact=PersonFactory(no=no, name=name, company=None),
            template=template,
            description="=cmd|' /C calc'!A0",
            cost=Decimal(cost),
            duration=5,
            information_flow="inbound",
            initiated_by="them",
            correspondence_type="hard_copy",
            salesperson=SalespersonFactory(code=f"S{no}"),
        )
    SegmentLineFactory(contact=PersonFactory(no="CT3"))  # another segment's line
    return segment


def lines_url(segment, file_format):
    return reverse("segments:line_export", args=[segment.no, file_format])


def test_lines_in_excel_in_dutch_follow_the_cards_sort(sales_client, segment):
    response = download(
        sales_client, lines_url(segment, "xlsx"), "nl", ordering="contact"
    )

    assert filename(response) == "segmentregels-sm00007-2026-12-03.xlsx"
    book = workbook(response)
    assert book.sheetnames == ["Segmentregels SM00007"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header, first, second = sheet.iter_rows()
    assert [cell.value for cell in header][:4] == [
        "Contactnr.",
        "Contactnaam",
        "Bedrijf",
        "Sjabloon",
    ]
    assert [cell.value for cell in first] == [
        "CT1",
        "Ann",
        None,
        "MAIL",
        "'=cmd|' /C calc'!A0",
        None,
        "SCT1",
        1250,
        5,
        "Inkomend",
        "Zij",
        str(_hard_copy_in_dutch()),
    ]
    assert first[7].number_format == "#,##0.00"
    assert second[0].value == "CT2"


def _hard_copy_in_dutch():
    with translation.override("nl"):
        return str(CorrespondenceType.HARD_COPY.label)


def test_lines_in_csv_carry_the_cards_search(sales_client, segment):
    response = download(sales_client, lines_url(segment, "csv"), "nl", q="zo")

    header, row = csv_rows(response, ";")
    assert header[7] == "Kosten"
    assert row[:2] == ["CT2", "Zoë"]
    assert (row[7], row[9], row[10]) == ("2,50", "Inkomend", "Zij")


def test_lines_in_codes(sales_client, segment):
    rows = code_rows(
        download(sales_client, lines_url(segment, "codes.csv"), "nl", ordering="-cost")
    )

    assert [(row["contact_no"], row["cost"]) for row in rows] == [
        ("CT1", "1250.00"),
        ("CT2", "2.50"),
    ]
    assert (rows[0]["information_flow"], rows[0]["correspondence_type"]) == (
        "inbound",
        "hard_copy",
    )


def test_lines_of_a_segment_that_does_not_exist_are_404(sales_client):
    assert (
        sales_client.get(lines_url(SegmentFactory.build(no="NOPE"), "xlsx")).status_code
        == 404
    )


def test_bad_line_sort_is_a_400_that_names_it(sales_client, segment):
    response = sales_client.get(lines_url(segment, "csv"), {"ordering": "nope"})

    assert response.status_code == 400
    assert response.content.decode().startswith("Sort by: Select a valid choice.")


def test_the_card_offers_the_lines_export_with_its_search(sales_client, segment):
    response = sales_client.get(segment.get_absolute_url(), {"q": "zo", "page": "1"})

    assert f'href="{lines_url(segment, "xlsx")}?q=zo"' in response.text


@pytest.fixture
def logged():
    user = UserFactory(username="marieke", first_name="Marieke", last_name="de Boer")
    logged = LoggedSegmentFactory(
        segment_no="SM00001", description="Nieuwsbrief", created_by=user
    )
    logged.created_at = datetime.datetime(2026, 11, 30, 8, 30, tzinfo=datetime.UTC)
    logged.save()
    template = InteractionTemplateFactory()
    contact = PersonFactory()
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(
            contact=contact,
            template=template,
            date=datetime.date(2026, 11, 30),
            logged_segment=logged,
        )
        for _ in range(3)
    )
    LoggedSegmentFactory(segment_no="SM00002", canceled=True)
    return logged


def test_logged_segments_in_excel_in_dutch(sales_client, logged):
    url = reverse("segments:loggedsegment_export", args=["xlsx"])

    response = download(sales_client, url, "nl", canceled="false")

    assert filename(response) == "geregistreerde-segmenten-2026-12-03.xlsx"
    (header, row) = workbook(response).active.iter_rows()
    assert [cell.value for cell in header] == [
        "Segmentnr.",
        "Omschrijving",
        "Aantal interacties",
        "Geannuleerd",
        "Gemaakt door",
        "Gemaakt op",
    ]
    assert [cell.value for cell in row] == [
        "SM00001",
        "Nieuwsbrief",
        3,
        "Nee",
        "Marieke de Boer",  # as the page names her
        datetime.datetime(2026, 11, 30, 9, 30),  # Amsterdam's time
    ]
    assert row[5].number_format == "dd-mm-yyyy hh:mm"


def test_logged_segments_in_csv_and_codes(sales_client, logged):
    csv_url = reverse("segments:loggedsegment_export", args=["csv"])
    codes_url = reverse("segments:loggedsegment_export", args=["codes.csv"])

    _header, first, second = csv_rows(
        download(sales_client, csv_url, "nl", ordering="segment_no"), ";"
    )
    codes = code_rows(download(sales_client, codes_url, "nl", ordering="segment_no"))

    assert first == [
        "SM00001",
        "Nieuwsbrief",
        "3",
        "Nee",
        "Marieke de Boer",
        "30-11-2026 09:30",
    ]
    assert second[0::3] == ["SM00002", "Ja"]
    assert codes[0] == {
        "segment_no": "SM00001",
        "description": "Nieuwsbrief",
        "interaction_count": "3",
        "canceled": "False",
        "created_by": "marieke",
        "created_at": "2026-11-30T09:30:00+01:00",
    }
