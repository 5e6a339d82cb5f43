"""The contact timeline: InteractionLogEntry.objects.timeline(), its keyset paging
and interactions.selectors.contact_timeline()."""

import datetime
import random

import pytest
from django.http import QueryDict

from interactions import services
from interactions.models import InteractionLogEntry
from interactions.selectors import TIMELINE_PAGE_SIZE, Position, contact_timeline
from segments import services as segment_services
from tests.factories import (
    AdminUserFactory,
    CompanyFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 16)


@pytest.fixture
def anna(company):
    return PersonFactory(no="CT00002", name="Anna de Boer", company=company)


@pytest.fixture
def bram(company):
    return PersonFactory(no="CT00003", name="Bram Smit", company=company)


def log(contact, template, user, **values):
    values.setdefault("date", DAY)
    return services.create_interaction(
        contact=contact, template=template, user=user, **values
    )


def log_segment(contacts, template, user, *, day=DAY):
    """Log a segment of `contacts` through the real services; returns its entries."""
    segment = segment_services.create_segment(
        user=user,
        description="Spring mailing",
        template=template,
        salesperson=SalespersonFactory(),
        date=day,
    )
    segment_services.add_contacts(segment, contacts, user=user)
    logged, _ = segment_services.log_segment(segment, user=user)
    return list(logged.log_entries.order_by("entry_no"))


def timeline_of(contact, query="", user=None):
    """The timeline as a CRM admin (who sees every draft) reads it, or as `user`."""
    return contact_timeline(contact, QueryDict(query), user=user or AdminUserFactory())


def keys(entries):
    return [entry.pk for entry in entries]


# InteractionLogEntry.objects.timeline()


def test_timeline_holds_entries_postponed_ones_and_segments_newest_first(
    marketing_setup, anna, call, letter, sales_user, salesperson
):
    older = log(anna, call, sales_user, time=datetime.time(9, 0))
    [from_segment] = log_segment(
        [anna], letter, sales_user, day=DAY - datetime.timedelta(days=1)
    )
    newer = log(anna, letter, sales_user, time=datetime.time(15, 30))
    postponed = services.postpone_interaction(
        contact=anna,
        user=sales_user,
        description="Call back",
        date=DAY,
        time=datetime.time(11),
    )
    services.set_canceled([older], True, user=sales_user)

    items = list(InteractionLogEntry.objects.for_contact(anna).timeline())

    assert keys(items) == keys([newer, postponed, older, from_segment])
    assert [item.segment_entries for item in items] == [None, None, None, 1]
    assert (items[1].postponed, items[2].canceled) == (True, True)


def test_a_company_timeline_shows_a_logged_segment_once_with_its_entry_count(
    marketing_setup, company, anna, bram, call, letter, sales_user, salesperson
):
    outsider = PersonFactory(company=CompanyFactory())
    own = log(bram, call, sales_user, date=DAY - datetime.timedelta(days=1))
    segment_entries = log_segment(
        [company, anna, bram, outsider], letter, sales_user, day=DAY
    )

    items = list(InteractionLogEntry.objects.for_contact(company).timeline())

    # The company's three entries of the segment are one item, the newest of them.
    newest = max(e.pk for e in segment_entries if e.contact_id != outsider.pk)
    assert keys(items) == [newest, own.pk]
    assert items[0].segment_entries == 3
    assert items[0].logged_segment.description == "Spring mailing"
    # A person's card shows its own entry of the segment.
    [anna_item] = InteractionLogEntry.objects.for_contact(anna).timeline()
    assert (anna_item.contact, anna_item.segment_entries) == (anna, 1)


def test_a_filtered_company_timeline_keeps_a_segment_whose_newest_entry_does_not_match(
    marketing_setup, company, anna, bram, letter, sales_user, salesperson
):
    entries = log_segment([anna, bram], letter, sales_user)
    services.evaluate_entries(entries[:1], "positive", user=sales_user)

    timeline = timeline_of(company, "evaluation=positive")

    assert keys(timeline.items) == [entries[0].pk]
    assert timeline.items[0].segment_entries == 1


def test_entries_of_one_day_go_by_time_newest_first_and_untimed_ones_first(
    anna, call, sales_user, salesperson
):
    morning = log(anna, call, sales_user, time=datetime.time(9, 0))
    untimed = log(anna, call, sales_user, time=None)
    evening = log(anna, call, sales_user, time=datetime.time(18, 0))
    second_evening = log(anna, call, sales_user, time=datetime.time(18, 0))
    yesterday_untimed = log(
        anna, call, sales_user, time=None, date=DAY - datetime.timedelta(days=1)
    )

    items = InteractionLogEntry.objects.for_contact(anna).timeline()

    assert keys(items) == keys(
        [untimed, second_evening, evening, morning, yesterday_untimed]
    )


def test_older_than_and_newer_than_page_through_every_entry_once(
    anna, call, sales_user, salesperson
):
    # Many entries on few days and times (some without one) make every tie happen.
    rnd = random.Random(8)
    for _ in range(60):
        log(
            anna,
            call,
            sales_user,
            date=DAY - datetime.timedelta(days=rnd.randrange(4)),
            time=rnd.choice([None, datetime.time(9), datetime.time(14, 30)]),
        )
    timeline = InteractionLogEntry.objects.for_contact(anna).timeline()
    expected = list(timeline)
    assert len(expected) == 60

    pages, position = [], None
    while True:
        rows = timeline.older_than(position) if position else timeline
        page = list(rows[:7])
        if not page:
            break
        pages.append(page)
        position = page[-1]
    assert [item for page in pages for item in page] == expected

    # Back from the last page: each earlier page again, in the same order.
    for page, next_page in zip(pages[-2::-1], pages[:0:-1], strict=True):
        assert list(timeline.newer_than(next_page[0])[: len(page)])[::-1] == page


# contact_timeline()


def test_contact_timeline_pages_older_and_back_to_the_first_page(
    anna, call, sales_user, salesperson
):
    entries = [
        log(anna, call, sales_user, time=datetime.time(8, minute))
        for minute in range(30)
    ]
    newest_first = keys(entries[::-1])

    first = timeline_of(anna)
    second = timeline_of(anna, f"older={first.older}")
    back = timeline_of(anna, f"newer={second.newer}")

    assert keys(first.items) == newest_first[:TIMELINE_PAGE_SIZE]
    assert (first.newer, str(first.older)) == (None, f"{DAY}_08:05:00_{entries[5].pk}")
    assert keys(second.items) == newest_first[TIMELINE_PAGE_SIZE:]
    assert (second.newer, second.older) == (Position.of(entries[4]), None)
    assert keys(back.items) == keys(first.items)
    assert (back.newer, back.older) == (None, first.older)


def test_contact_timeline_newer_than_a_recent_item_shows_the_full_first_page(
    anna, call, sales_user, salesperson
):
    entries = [log(anna, call, sales_user) for _ in range(30)]

    timeline = timeline_of(anna, f"newer={Position.of(entries[-3])}")

    assert keys(timeline.items) == keys(entries[::-1][:TIMELINE_PAGE_SIZE])
    assert timeline.newer is None


def test_contact_timeline_past_its_end_is_empty_and_links_back(
    anna, call, sales_user, salesperson
):
    entry = log(anna, call, sales_user)
    end = Position(DAY - datetime.timedelta(days=1), None, entry.pk)

    timeline = timeline_of(anna, f"older={end}")

    assert (timeline.items, timeline.older, timeline.newer) == ([], None, end)
    assert keys(timeline_of(anna, f"newer={end}").items) == [entry.pk]


def test_contact_timeline_filters_by_group_template_evaluation_salesperson_and_canceled(
    anna, call, letter, sales_user, salesperson
):
    other = SalespersonFactory(code="PJ")
    called = log(anna, call, sales_user, evaluation="positive")
    written = log(anna, letter, sales_user, salesperson=other)
    services.set_canceled([written], True, user=sales_user)

    def filtered(query):
        return keys(timeline_of(anna, query).items)

    assert filtered(f"group={call.group.pk}") == [called.pk]
    assert filtered(f"template={letter.pk}") == [written.pk]
    assert filtered("evaluation=positive") == [called.pk]
    assert filtered(f"salesperson={other.pk}") == [written.pk]
    assert filtered("canceled=true") == [written.pk]
    assert filtered("canceled=false") == [called.pk]
    assert filtered(f"template={call.pk}&canceled=true") == []


@pytest.mark.parametrize(
    "query",
    [
        "template=abc",
        "template=999999",
        "group=-1",
        "evaluation=superb",
        "salesperson=1e3",
    ],
)
def test_contact_timeline_with_a_bad_filter_shows_nothing_and_says_why(
    anna, call, sales_user, salesperson, query
):
    log(anna, call, sales_user)

    timeline = timeline_of(anna, query)

    assert timeline.items == []
    assert timeline.filter.form.errors


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x",
        "2026-03-16",
        "2026-13-01__1",
        "2026-03-16_25:00:00_1",
        "2026-03-16__one",
        "2026-03-16___1",
        "2026-03-16_09:00_1_2",
        "2026-03-16_09:00+02:00_1",
        "2026-03-16_09:00Z_1",
        None,
    ],
)
def test_a_position_that_cannot_be_read_is_none(value):
    assert Position.parse(value) is None


@pytest.mark.parametrize(
    "position",
    [
        Position(DAY, datetime.time(9, 30), 12),
        Position(DAY, datetime.time(9, 30, 15, 250), 12),
        Position(DAY, None, 7),
    ],
)
def test_a_position_reads_back_what_it_wrote(position):
    assert Position.parse(str(position)) == position


def test_an_unreadable_position_shows_the_first_page(
    anna, call, sales_user, salesperson
):
    entry = log(anna, call, sales_user)

    timeline = timeline_of(anna, "older=yesterday&newer=2026-02-30__1")

    assert (keys(timeline.items), timeline.newer, timeline.older) == (
        [entry.pk],
        None,
        None,
    )
