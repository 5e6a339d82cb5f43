"""The admin's change lists of big tables count at most 10,000 rows and cost the
same queries whatever their length (issue 19)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact
from tests.factories import (
    AuditRecordFactory,
    CompanyFactory,
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    SegmentFactory,
    SegmentLineFactory,
)
from web.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)


def paginator(per_page=2):
    return CappedCountPaginator(Contact.objects.order_by("no"), per_page)


class TestCappedCountPaginator:
    def test_counts_exactly_up_to_the_cap(self, small_cap):
        CompanyFactory.create_batch(5)

        pages = paginator()

        assert (pages.count, pages.capped, pages.num_pages) == (5, False, 3)

    def test_stops_counting_one_row_past_the_cap(self, small_cap):
        CompanyFactory.create_batch(9)

        with CaptureQueriesContext(connection) as queries:
            pages = paginator()
            assert (pages.count, pages.capped) == (5, True)

        # Counting reads at most cap + 1 rows, whatever the table holds.
        assert len(queries) == 1
        assert "LIMIT 6" in queries[0]["sql"]

    def test_pages_reach_the_cap(self, small_cap):
        CompanyFactory.create_batch(9)
        numbers = list(Contact.objects.order_by("no").values_list("no", flat=True))

        pages = paginator()

        assert pages.num_pages == 3
        assert [c.no for c in pages.page(3).object_list] == numbers[4:5]
        assert pages.page(3).has_next() is False

    def test_a_list_without_a_query_is_counted_as_django_does(self):
        pages = CappedCountPaginator(list(range(7)), 2)

        assert (pages.count, pages.capped) == (7, False)


# Admin change list → a factory adding one row to it.
CHANGE_LISTS = {
    "interactions_interactionlogentry": InteractionLogEntryFactory,
    "crm_contact": CompanyFactory,
    "segments_segment": SegmentFactory,
    "segments_segmentline": SegmentLineFactory,
    "segments_loggedsegment": LoggedSegmentFactory,
    "audit_auditrecord": AuditRecordFactory,
}


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_a_long_change_list_says_more_than_the_cap_without_counting_the_table(
    admin_client, small_cap, model
):
    CHANGE_LISTS[model].create_batch(7)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "more than 5" in page
    assert "Select all 5" not in page
    if response.context["action_form"]:
        assert "Select all" in page
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 6" in sql for sql in counts)


def test_a_long_search_says_more_than_the_cap_results(admin_client, small_cap):
    for number in range(7):
        CompanyFactory(name=f"Acme {number}")
    CompanyFactory(name="Globex")

    response = admin_client.get(reverse("admin:crm_contact_changelist"), {"q": "acme"})

    assert [c.name for c in response.context["cl"].result_list][:1] == ["Acme 0"]
    assert "more than 5 results" in response.content.decode()


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_a_short_change_list_shows_its_count(admin_client, model):
    CHANGE_LISTS[model].create_batch(2)

    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.context["cl"].result_count == 2
    assert "more than" not in response.content.decode()


@pytest.mark.parametrize("model", CHANGE_LISTS)
def test_change_list_query_count_does_not_grow_with_rows(admin_client, model):
    url = reverse(f"admin:{model}_changelist")
    CHANGE_LISTS[model].create_batch(2)
    admin_client.get(url)  # the session and content types, once
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    CHANGE_LISTS[model].create_batch(20)

    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)
