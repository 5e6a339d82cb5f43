import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.urls import reverse

from crm.models import Contact
from tests.factories import CompanyFactory, InteractionLogEntryFactory
from web import pagination
from web.pagination import EstimatedCountPaginator

ESTIMATING = connection.vendor == "postgresql"


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 5)


@pytest.fixture
def companies(db):
    return CompanyFactory.create_batch(20)


def paginator(per_page=5):
    return EstimatedCountPaginator(Contact.objects.order_by("no"), per_page)


class TestEstimatedCountPaginator:
    def test_counts_exactly_up_to_the_limit(self, companies):
        pages = paginator()
        assert (pages.count, pages.approximate) == (20, False)
        assert pages.num_pages == 4

    def test_estimates_above_the_limit_on_postgresql(self, companies, small_limit):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Contact._meta.db_table}")
        pages = paginator()
        assert pages.approximate is ESTIMATING
        if ESTIMATING:
            # The planner's figure, never below what was counted (limit + 1).
            assert pages.count == max(pagination.planner_estimate(Contact.objects), 6)
        else:
            assert pages.count == 20

    def test_a_low_estimate_does_not_hide_rows(
        self, companies, small_limit, monkeypatch
    ):
        monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 3)
        pages = paginator()
        numbers = list(Contact.objects.order_by("no").values_list("no", flat=True))
        page = pages.page(2)
        assert [c.no for c in page.object_list] == numbers[5:10]
        assert page.has_next()
        last = pages.page(4)
        assert [c.no for c in last.object_list] == numbers[15:]
        assert not last.has_next()
        assert last.end_index() == 20
        if ESTIMATING:
            # Past the estimate of 6 rows (2 pages), yet reachable: the rows exist.
            assert pages.count == 6
            assert pages.approximate
            with pytest.raises(EmptyPage):
                pages.page(5)
            assert pages.get_page(99).number == 1
        else:
            assert pages.count == 20

    def test_rows_gone_since_the_count_leave_an_empty_first_page(
        self, companies, small_limit
    ):
        pages = paginator()
        assert pages.count  # counted (estimated on PostgreSQL) while the rows exist
        Contact.objects.all().delete()
        page = pages.page(1)
        assert list(page.object_list) == []
        if ESTIMATING:
            assert not page.has_next()
            with pytest.raises(EmptyPage):
                pages.page(2)

    def test_invalid_numbers_are_refused(self, companies, small_limit):
        pages = paginator()
        for number in ("x", 0, 1.5):
            with pytest.raises(EmptyPage if number == 0 else Exception):
                pages.page(number)

    def test_counting_reads_at_most_the_limit(self, companies, small_limit):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert paginator().count
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1
        if ESTIMATING:
            assert "LIMIT 6" in counts[0]


class TestListPages:
    def test_entry_list_says_about_and_has_no_last_link(
        self, sales_client, small_limit
    ):
        InteractionLogEntryFactory.create_batch(30)
        if ESTIMATING:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE interactions_interactionlogentry")
        response = sales_client.get(reverse("interactions:entry_list"))
        content = response.content.decode()
        assert response.status_code == 200
        if ESTIMATING:
            assert "of about" in content
            assert ">Last<" not in content
            assert "all lines matching the filter (about" in content
        else:
            assert "1\N{EN DASH}25 of 30" in content
            assert ">Last<" in content

    def test_contact_list_page_past_the_end_is_not_found(self, sales_client):
        CompanyFactory.create_batch(3)
        response = sales_client.get(reverse("crm:contact_list"), {"page": 9})
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "url_name", ["crm:contact_list", "interactions:entry_list"]
    )
    def test_query_count_does_not_grow_with_rows(
        self, sales_client, small_limit, url_name
    ):
        from django.test.utils import CaptureQueriesContext

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert sales_client.get(reverse(url_name)).status_code == 200
            return len(captured)

        InteractionLogEntryFactory.create_batch(8)  # past the exact limit already
        few = queries()
        InteractionLogEntryFactory.create_batch(60)
        assert queries() == few
