"""The statistics tables (InteractionDailyStatistics, InteractionTotalStatistics)
equal a fresh count of the entries after every service that writes entries, and
after any sequence of them; rebuild_statistics computes them afresh."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interactions import services
from interactions.models import (
    InteractionDailyStatistics,
    InteractionLogEntry,
    InteractionTotalStatistics,
)
from segments import services as segment_services
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db

DAILY_KEY = ("date", "salesperson", "group", "evaluation")
TOTAL_KEY = ("template", "group", "salesperson", "canceled")


def _figures(rows, key):
    return {
        tuple(row[name] for name in key): (
            row["entries"],
            Decimal(row["cost"]).quantize(Decimal("0.01")),
            row["duration"],
        )
        for row in rows
    }


def _fresh(entries, key):
    """What the table keyed by `key` should hold for `entries`, counted by the ORM."""
    return _figures(
        entries.order_by()
        .values(*key)
        .annotate(entries=Count("pk"), cost=Sum("cost"), duration=Sum("duration")),
        key,
    )


def _stored(model, key):
    rows = model.objects.values(*key, "entries", "cost", "duration")
    # A key whose entries are all gone may keep a row of zeros; nothing else.
    kept = _figures(rows, key)
    assert {figures for figures in kept.values() if not figures[0]} <= {
        (0, Decimal("0.00"), 0)
    }
    return {key: figures for key, figures in kept.items() if figures[0]}


def assert_statistics_match():
    entries = InteractionLogEntry.objects
    assert _stored(InteractionDailyStatistics, DAILY_KEY) == _fresh(
        entries.counted(), DAILY_KEY
    )
    assert _stored(InteractionTotalStatistics, TOTAL_KEY) == _fresh(
        entries.visible(), TOTAL_KEY
    )


@dataclasses.dataclass
class World:
    user: object
    anna: object
    bert: object
    call: object
    letter: object
    loose: object


@pytest.fixture
def world(marketing_setup, user):
    """Entries of two salespeople (and none), three templates, two groups (and
    none), several days and evaluations, canceled and postponed ones among them."""
    anna = SalespersonFactory(code="AV", user=user)
    bert = SalespersonFactory(code="BB")
    groups = [InteractionGroupFactory(code="CALLS"), InteractionGroupFactory()]
    call = InteractionTemplateFactory(
        code="CALL", group=groups[0], unit_cost=Decimal("2.50"), unit_duration=15
    )
    letter = InteractionTemplateFactory(
        code="LETTER", group=groups[1], unit_cost=Decimal("0.85"), unit_duration=3
    )
    loose = InteractionTemplateFactory(code="FREE", group=groups[1])
    day = datetime.date(2026, 11, 2)
    for number in range(24):
        InteractionLogEntryFactory(
            template=(call, letter, loose)[number % 3],
            group=None if number % 7 == 0 else (groups * 2)[number % 4],
            salesperson=(anna, bert, None)[number % 3 - 1],
            date=day - datetime.timedelta(days=number % 5),
            evaluation=("", "positive", "negative", "very_positive")[number % 4],
            canceled=number % 5 == 0,
            postponed=number % 11 == 0,
            created_by=user,
            cost=Decimal("1.10") * (number % 4),
            duration=number,
        )
    return World(user, anna, bert, call, letter, loose)


def _segment(world, size=3):
    segment = segment_services.create_segment(
        user=world.user,
        description="Winter mailing",
        template=world.letter,
        salesperson=world.bert,
        date=datetime.date(2026, 11, 3),
    )
    segment_services.add_contacts(
        segment, [PersonFactory() for _ in range(size)], user=world.user
    )
    return segment


def _logged(world):
    logged, _follow_up = segment_services.log_segment(_segment(world), user=world.user)
    return logged


def create(world):
    services.create_interaction(
        contact=PersonFactory(),
        template=world.call,
        user=world.user,
        salesperson=world.anna,
        evaluation="positive",
        cost=Decimal("7.25"),
    )


def log_document(world):
    services.log_document(
        document_type="sales_invoice",
        document_no="INV-1",
        contact=PersonFactory(salesperson=None),
        template=world.loose,
    )


def postpone(world):
    services.postpone_interaction(
        contact=PersonFactory(), user=world.user, template=world.call
    )


def resume(world):
    draft = InteractionLogEntry.objects.postponed().first()
    if draft is not None:
        services.resume_interaction(
            draft, user=draft.created_by, salesperson=world.bert, evaluation="neutral"
        )


def cancel(world):
    entries = InteractionLogEntry.objects.filter(template=world.call)
    services.set_canceled(entries, True, user=world.user)


def _uncancelable():
    # Entries of a canceled logged segment stay canceled (set_canceled refuses).
    return InteractionLogEntry.objects.exclude(logged_segment__canceled=True)


def uncancel(world):
    entries = _uncancelable().filter(canceled=True)
    services.set_canceled(entries, False, user=world.user)


def cancel_in_batches(world):
    services.set_canceled_in_batches(
        InteractionLogEntry.objects.filter(salesperson=world.anna),
        True,
        user=world.user,
        batch_size=2,
    )


def uncancel_in_batches(world):
    services.set_canceled_in_batches(
        _uncancelable().filter(salesperson=world.bert),
        False,
        user=world.user,
        batch_size=3,
    )


def evaluate(world):
    entries = InteractionLogEntry.objects.exclude(evaluation="positive")
    services.evaluate_entries(entries, "positive", user=world.user)


def evaluate_in_batches(world):
    services.evaluate_entries_in_batches(
        InteractionLogEntry.objects.all(), "", user=world.user, batch_size=4
    )


def delete_canceled(world):
    services.delete_canceled_entries(user=world.user, template=world.letter)


def delete_canceled_in_batches(world):
    services.delete_canceled_entries_in_batches(user=world.user, batch_size=2)


def delete_postponed(world):
    services.delete_postponed(InteractionLogEntry.objects.all(), user=world.user)


def log_segment(world):
    _logged(world)


def cancel_logged_segment(world):
    segment_services.set_logged_segment_canceled(_logged(world), True, user=world.user)


def uncancel_logged_segment(world):
    logged = _logged(world)
    segment_services.set_logged_segment_canceled(logged, True, user=world.user)
    segment_services.set_logged_segment_canceled(logged, False, user=world.user)


def rebuild(world):
    InteractionDailyStatistics.objects.update(entries=99)
    InteractionTotalStatistics.objects.all().delete()
    call_command("rebuild_statistics", stdout=io.StringIO())


def generate_data(world):
    call_command("generate_data", contacts=5, entries=30, seed=3, stdout=io.StringIO())


OPERATIONS = [
    create,
    log_document,
    postpone,
    resume,
    cancel,
    uncancel,
    cancel_in_batches,
    uncancel_in_batches,
    evaluate,
    evaluate_in_batches,
    delete_canceled,
    delete_canceled_in_batches,
    delete_postponed,
    log_segment,
    cancel_logged_segment,
    uncancel_logged_segment,
    rebuild,
    generate_data,
]


def _snapshot():
    return set(
        InteractionLogEntry.objects.values_list(
            "pk", "canceled", "postponed", "evaluation"
        )
    )


def test_the_world_is_counted(world):
    assert_statistics_match()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.__name__)
def test_statistics_equal_a_fresh_count_after(world, operation):
    assert_statistics_match()
    before = _snapshot()

    operation(world)

    # Each operation changes what is counted (rebuild: the tables themselves).
    assert operation is rebuild or _snapshot() != before
    assert_statistics_match()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(st.sampled_from(OPERATIONS[:-2]), min_size=2, max_size=6))
def test_statistics_equal_a_fresh_count_after_any_sequence(world, steps):
    # Each example starts from the same world: its changes are rolled back.
    with transaction.atomic():
        for step in steps:
            step(world)
            assert_statistics_match()
        transaction.set_rollback(True)


def test_an_entry_without_salesperson_group_or_evaluation_has_its_own_row(world):
    InteractionDailyStatistics.objects.all().delete()
    InteractionTotalStatistics.objects.all().delete()
    InteractionLogEntry.objects.all().delete()

    for _twice in range(2):
        InteractionLogEntryFactory(
            template=world.loose,
            group=None,
            salesperson=None,
            evaluation="",
            date=datetime.date(2026, 11, 2),
            cost=Decimal("1.50"),
            duration=4,
        )

    assert list(
        InteractionDailyStatistics.objects.values_list(
            "salesperson", "group", "evaluation", "entries", "cost", "duration"
        )
    ) == [(None, None, "", 2, Decimal("3.00"), 8)]


def test_bulk_changes_take_two_statements_whatever_the_number_of_entries(
    world, django_assert_num_queries
):
    everything = InteractionLogEntry.objects.all()
    # One upsert per table.
    with django_assert_num_queries(2):
        services.change_statistics(everything, evaluation="neutral")
    with django_assert_num_queries(2):
        services.remove_statistics(everything)
    with django_assert_num_queries(2):
        services.add_statistics(everything)
    # Canceling leaves the daily table: one statement takes them out of it.
    with django_assert_num_queries(2):
        services.change_statistics(everything, canceled=True)


@pytest.mark.parametrize("field", ["template", "group", "salesperson"])
def test_statistics_by_gives_what_the_entries_give(world, field):
    for operation in (cancel, log_segment, evaluate, delete_canceled_in_batches):
        operation(world)
    entries = InteractionLogEntry.objects.order_by()
    keys = [key for key in entries.values_list(field, flat=True).distinct() if key]

    found = InteractionTotalStatistics.objects.statistics_by(
        field, keys, with_visible_count=True
    )

    assert found == {
        key: {
            **entries.filter(**{field: key}).statistics(),
            "visible_count": entries.visible().filter(**{field: key}).count(),
        }
        for key in keys
    }


def test_delete_days_of_groups_whole_and_partly_emptied_days(world):
    # Group CALLS's entries of two days: all of them (whole days, the daily rows go
    # in one DELETE), then those of one template only (decremented entry by entry).
    group = world.call.group
    day = datetime.date(2026, 11, 2)
    entries = InteractionLogEntry.objects.filter(group=group)
    with transaction.atomic():
        deleted = services.delete_days_of_groups(
            entries.filter(date__gte=day - datetime.timedelta(days=1)),
            days={
                group.pk: (
                    day - datetime.timedelta(days=1),
                    day + datetime.timedelta(days=1),
                )
            },
        )
    assert deleted
    assert not InteractionDailyStatistics.objects.filter(
        group=group, date__gte=day - datetime.timedelta(days=1)
    ).exists()
    assert_statistics_match()
    start, end = day - datetime.timedelta(days=4), day - datetime.timedelta(days=1)
    kept = entries.filter(date__gte=start, date__lt=end).exclude(template=world.call)
    assert kept.filter(canceled=False, postponed=False).exists()
    with transaction.atomic():
        services.delete_days_of_groups(
            # Through a relation (a join): deleted by entry number instead.
            entries.filter(date__gte=start, date__lt=end, template__code="CALL"),
            days={group.pk: (start, end)},
        )
    assert kept.exists()
    assert not entries.filter(template=world.call, date__lt=end).exists()
    assert_statistics_match()
    # Nothing selected: nothing deleted.
    with transaction.atomic():
        assert (
            sum(
                services.delete_days_of_groups(
                    entries.filter(pk__in=[]), days={group.pk: (start, end)}
                ).values()
            )
            == 0
        )
    assert_statistics_match()


def _daily_reads(queries):
    table = InteractionDailyStatistics._meta.db_table
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and table in query["sql"]
    ]


@pytest.mark.parametrize("emptied", [False, True])
def test_delete_days_of_groups_told_a_group_is_emptied_asks_the_daily_table_nothing(
    world, emptied
):
    # Every entry of group CALLS in its days goes: told so, the service removes the
    # days' rows without first counting what they hold; the result is the same.
    group = world.call.group
    start, end = datetime.date(2026, 10, 1), datetime.date(2026, 11, 3)
    entries = InteractionLogEntry.objects.filter(
        group=group, date__gte=start, date__lt=end
    )
    number = entries.count()
    assert entries.filter(canceled=False, postponed=False).exists()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        deleted = services.delete_days_of_groups(
            entries,
            days={group.pk: (start, end)},
            emptied=[group.pk] if emptied else [],
        )
    assert deleted == {group.pk: number}
    assert bool(_daily_reads(queries.captured_queries)) is not emptied
    assert not InteractionDailyStatistics.objects.filter(
        group=group, date__gte=start, date__lt=end
    ).exists()
    assert_statistics_match()
