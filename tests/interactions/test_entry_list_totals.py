"""The totals under Interactielogposten: cost and duration of the filtered set."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import InteractionLogEntryFactory, PersonFactory

pytestmark = pytest.mark.django_db


def totals(response):
    page = response.content.decode()
    if 'id="entry-totals"' not in page:
        return None
    line = page.split('id="entry-totals">')[1].split("</p>")[0]
    return " ".join(line.split())


def test_the_list_totals_the_filtered_entries_without_the_canceled_ones(
    sales_client,
):
    contact = PersonFactory()
    InteractionLogEntryFactory(contact=contact, cost=Decimal("1250.50"), duration=30)
    InteractionLogEntryFactory(contact=contact, cost=Decimal("12.25"), duration=1000)
    InteractionLogEntryFactory(contact=contact, cost=Decimal("99"), canceled=True)
    InteractionLogEntryFactory(contact=contact, cost=Decimal("5"), postponed=True)
    InteractionLogEntryFactory(cost=Decimal("7"))  # another contact
    response = sales_client.get(
        reverse("interactions:entry_list"),
        {"contact": contact.no},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert totals(response) == (
        "Totaal van de gefilterde posten, zonder geannuleerde: 2 interacties, "
        "kosten 1.262,75, duur 1.030 min."
    )


def test_the_totals_read_one_query_however_many_entries(
    sales_client, django_assert_max_num_queries
):
    url = reverse("interactions:entry_list")
    InteractionLogEntryFactory()
    with django_assert_max_num_queries(100) as one:
        sales_client.get(url)
    InteractionLogEntryFactory.create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = sales_client.get(url)
    assert totals(response).startswith(
        "Total of the filtered entries, canceled ones left out: 31 interactions"
    )


def test_an_estimated_list_shows_no_totals(sales_client, monkeypatch):
    """Past EXACT_UP_TO rows PostgreSQL estimates the count: no sum is read then."""
    monkeypatch.setattr(
        "web.pagination.EstimatedCountPaginator.approximate", property(lambda _: True)
    )
    InteractionLogEntryFactory()
    assert totals(sales_client.get(reverse("interactions:entry_list"))) is None
