"""/api/v1/interactions/ pages by cursor on (date, entry no.): no COUNT(*) and no
OFFSET, however long the log (issue 19)."""

import base64
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = reverse("api:interaction_list")
DAYS = [datetime.date(2026, 3, day) for day in (2, 3, 3, 3, 3, 4, 5, 5, 6)]


@pytest.fixture
def entries(contact, call_template, sales_user):
    """Nine entries over five days, four of them on one day: ties on the date."""
    return [
        services.create_interaction(
            contact=contact, template=call_template, user=sales_user, date=day
        )
        for day in DAYS
    ]


def expected(entries, *, ascending=False):
    rows = sorted(entries, key=lambda entry: (entry.date, entry.entry_no))
    return [entry.entry_no for entry in (rows if ascending else reversed(rows))]


def walk(api, query, link="next"):
    """Every page from the first, following `link`: (entry numbers, answers)."""
    answers = [api.get(URL, query).json()]
    while answers[-1][link]:
        assert len(answers) < 20
        answers.append(api.get(answers[-1][link]).json())
    return [row["entry_no"] for a in answers for row in a["results"]], answers


def test_next_links_walk_every_entry_once_in_order_across_ties_on_a_date(api, entries):
    numbers, answers = walk(api, {"page_size": 2})

    assert numbers == expected(entries)
    assert [len(answer["results"]) for answer in answers] == [2, 2, 2, 2, 1]
    assert answers[0]["previous"] is None
    assert all(answer["previous"] for answer in answers[1:])
    assert {answer["count"] for answer in answers} == {None}


def test_oldest_first_with_ordering_date(api, entries):
    numbers, _answers = walk(api, {"page_size": 3, "ordering": "date"})

    assert numbers == expected(entries, ascending=True)


def test_previous_links_walk_back_to_the_first_page(api, entries):
    _numbers, answers = walk(api, {"page_size": 2})
    last = answers[-1]

    back = [last]
    while back[-1]["previous"]:
        assert len(back) < 20
        back.append(api.get(back[-1]["previous"]).json())

    assert [row["entry_no"] for a in reversed(back) for row in a["results"]] == (
        expected(entries)
    )
    assert [a["results"] for a in reversed(back)] == [a["results"] for a in answers]
    assert back[-1]["previous"] is None


def test_the_links_keep_the_filters(api, entries):
    numbers, answers = walk(
        api, {"page_size": 2, "date_from": "2026-03-03", "count": "true"}
    )

    assert numbers == expected(entries)[:-1]
    assert {answer["count"] for answer in answers} == {8}
    assert "date_from=2026-03-03" in answers[0]["next"]


def test_count_only_when_asked(api, entries):
    assert api.get(URL).json()["count"] is None
    assert api.get(URL, {"count": "false"}).json()["count"] is None
    assert api.get(URL, {"count": "true"}).json()["count"] == len(entries)
    response = api.get(URL, {"count": "yes"})
    assert response.status_code == 400
    assert list(response.json()) == ["count"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"n|2026-13-01|5").decode(),
        base64.urlsafe_b64encode(b"x|2026-03-01|5").decode(),
        base64.urlsafe_b64encode(b"n|2026-03-01|-5").decode(),
        base64.urlsafe_b64encode("n|2026-03-01|\u0665".encode()).decode(),
        base64.urlsafe_b64encode(b"n|2026-03-01").decode(),
    ],
)
def test_a_bad_cursor_is_a_400_with_a_message(api, entries, cursor):
    response = api.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_other_orderings_are_refused(api, entries):
    response = api.get(URL, {"ordering": "cost"})

    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_a_later_page_costs_the_queries_of_the_first_without_count_or_offset(
    api, entries
):
    with CaptureQueriesContext(connection) as first_page:
        first = api.get(URL, {"page_size": 2}).json()
    with CaptureQueriesContext(connection) as deep:
        api.get(first["next"])

    assert len(deep) == len(first_page)

    sql = " ".join(query["sql"].upper() for query in deep.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
