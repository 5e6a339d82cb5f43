"""The start page's "Actieve segmenten" tile: open segments with their line count,
newest first, a link to each (segments.selectors.active_segments)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from segments import services
from segments.models import Segment
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def tile(response):
    """The tile's HTML, from its heading to the end of its section."""
    html = response.content.decode()
    start = html.index('aria-labelledby="segments-heading"')
    return html[start : html.index("</section>", start)]


def rows(response):
    """(link target, link text, line-count badge) per segment, as the tile shows."""
    return [
        (href, re.sub(r"<[^>]+>|\s+", " ", text).split(), badge.split())
        for href, text, badge in re.findall(
            r'<a href="([^"]+)">(.*?)</a>.*?<span class="badge[^"]*">(.*?)</span>',
            tile(response),
            re.S,
        )
    ]


@pytest.fixture
def dutch(client):
    client.cookies["django_language"] = "nl"


def test_open_segments_newest_first_with_line_count_and_link(sales_client, dutch):
    salesperson = SalespersonFactory(name="Jan Visser")
    old = SegmentFactory(
        no="SM00001",
        description="Voorjaarsmailing",
        date=datetime.date(2026, 3, 2),
        salesperson=salesperson,
    )
    SegmentLineFactory.create_batch(3, segment=old)
    empty = SegmentFactory(no="SM00002", description="Beurs")
    one = SegmentFactory(no="SM00003", description="")
    SegmentLineFactory(segment=one)

    response = sales_client.get(HOME)

    assert response.status_code == 200
    assert rows(response) == [
        (one.get_absolute_url(), ["SM00003"], ["1", "regel"]),
        (empty.get_absolute_url(), ["SM00002", "Beurs"], ["0", "regels"]),
        (old.get_absolute_url(), ["SM00001", "Voorjaarsmailing"], ["3", "regels"]),
    ]
    html = tile(response)
    assert "Actieve segmenten" in html
    assert "2-3-2026 · Jan Visser" in html
    assert f'<a class="small" href="{reverse("segments:segment_list")}">' in html
    assert "Alle segmenten" in html


def test_a_logged_segment_leaves_the_tile(
    sales_client, sales_user, marketing_setup, dutch
):
    template = InteractionTemplateFactory(
        group=InteractionGroupFactory(), unit_cost=Decimal("1.00")
    )
    salesperson = SalespersonFactory()
    logged = services.create_segment(
        user=sales_user,
        description="Gebeld",
        template=template,
        salesperson=salesperson,
    )
    services.add_contacts(logged, [PersonFactory()], user=sales_user)
    kept = services.create_segment(
        user=sales_user, description="Nog te bellen", template=template
    )
    services.log_segment(logged, user=sales_user)

    response = sales_client.get(HOME)

    assert [row[1] for row in rows(response)] == [[kept.no, "Nog", "te", "bellen"]]


def test_at_most_ten_with_a_pointer_to_all_segments(sales_client, dutch):
    for number in range(12):
        SegmentFactory(no=f"SM{number:05d}")

    response = sales_client.get(HOME)

    shown = [row[1][0] for row in rows(response)]
    assert shown == [f"SM{number:05d}" for number in range(11, 1, -1)]
    assert (
        "De nieuwste 10 worden getoond; de andere staan onder Alle segmenten."
        in tile(response)
    )


def test_no_pointer_when_all_are_shown(sales_client, dutch):
    SegmentFactory.create_batch(10)
    assert "De nieuwste" not in tile(sales_client.get(HOME))


def test_without_segments_the_tile_says_so_and_offers_a_new_one(sales_client, dutch):
    html = tile(sales_client.get(HOME))
    assert (
        "Geen actieve segmenten: elk segment is geregistreerd, of er is er nog geen "
        "gemaakt." in html
    )
    assert f'<a href="{reverse("segments:segment_create")}">Nieuw segment</a>' in html


def test_without_permission_to_view_segments_there_is_no_tile(client):
    SegmentFactory(no="SM00001")
    client.force_login(UserFactory())
    response = client.get(HOME)
    assert "segments-heading" not in response.content.decode()
    assert "active_segments" not in response.context


def test_query_count_does_not_grow_with_segments_or_lines(
    sales_client, django_assert_max_num_queries
):
    def grow(count):
        for _number in range(count):
            segment = SegmentFactory(salesperson=SalespersonFactory())
            SegmentLineFactory.create_batch(3, segment=segment)

    grow(1)
    with CaptureQueriesContext(connection) as one:
        sales_client.get(HOME)
    grow(20)

    with django_assert_max_num_queries(len(one)):
        response = sales_client.get(HOME)

    assert len(response.context["active_segments"]) == 10
    assert {segment.line_count for segment in response.context["active_segments"]} == {
        3
    }
    assert Segment.objects.count() == 21
