"""Sessions racing on PostgreSQL: each caller is a thread with its own connection.

Each race runs in several interleavings. "together": a barrier releases the callers
at once and the outcome must hold whoever wins. "<caller>_writes_first": that caller
stops inside its transaction right after its first write, holding its locks, until
the other caller is blocked by it (or done); then both finish. That makes the overlap
certain on every run instead of likely, and its outcome exact.

tests/segments and tests/crm race log_segment and next_no directly; these go through
the flows around them (follow-ups, rollbacks, cancel marks).
"""

import re
import threading
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditRecord
from crm.models import NumberSeries
from interactions import services as interaction_services
from interactions.models import InteractionLogEntry
from segments import services
from segments.models import LoggedSegment, Segment
from tests.factories import (
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
    UserFactory,
)
from tests.interactions.test_statistics import assert_statistics_match

# The marks of every race test module: a real transaction per caller, on PostgreSQL.
RACES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row-lock concurrency needs PostgreSQL; SQLite serialises writers.",
    ),
]
pytestmark = RACES

TIMEOUT = 30  # seconds; only reached when a caller hangs, which fails the test


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def run_together(*calls, pids=None):
    """Run each call in its own thread and connection, released at once by a barrier.

    Returns what each call returned or the exception it raised, in order. `pids`, a
    dict, receives each caller's backend pid by index.
    """
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            # Connected before the barrier, so the calls start together.
            pid = backend_pid()
            if pids is not None:
                pids[index] = pid
            start.wait(timeout=TIMEOUT)
            outcomes[index] = call()
        except Exception as error:  # Reported by the test.
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=[index, call])
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a caller hung"
    return outcomes


def run_first_holding_locks(first, second, *, pause_after):
    """Run `first` until its statement matching the regex `pause_after` has run, then
    start `second`; `first` commits only once `second` waits for its locks or is done.

    Returns the two outcomes as run_together does.
    """
    paused, resume, second_done = (threading.Event() for _ in range(3))
    pids = {}

    def pause(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not paused.is_set() and re.search(pause_after, sql):
            paused.set()
            resume.wait(timeout=TIMEOUT)
        return result

    def run_first():
        with connection.execute_wrapper(pause):
            return first()

    def run_second():
        try:
            assert paused.wait(timeout=TIMEOUT), "the first caller never paused"
            return second()
        finally:
            second_done.set()

    outcomes = []
    waiter = threading.Thread(
        target=lambda: outcomes.extend(run_together(run_first, run_second, pids=pids))
    )
    waiter.start()
    try:
        assert paused.wait(timeout=TIMEOUT), "the first caller never paused"
        # No event tells when a backend starts waiting for a lock: ask PostgreSQL.
        deadline = time.monotonic() + TIMEOUT
        while not second_done.wait(timeout=0.01):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT %s = ANY(pg_blocking_pids(%s))",
                    [pids[0], pids[1]],
                )
                if cursor.fetchone()[0]:
                    break
            assert time.monotonic() < deadline, "the second caller never blocked"
    finally:
        resume.set()
        waiter.join(timeout=TIMEOUT)
    return outcomes


def results_and_errors(outcomes):
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    results = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    return results, errors


# Logging a segment twice at once


@pytest.fixture
def template():
    return InteractionTemplateFactory(code="LETTER", description="Letter sent")


@pytest.fixture
def segment(marketing_setup, template):
    """SM00001 with 20 lines, ready to log."""
    segment = services.create_segment(
        user=None,
        description="Race",
        template=template,
        salesperson=SalespersonFactory(code="ANNA"),
    )
    services.add_contacts(segment, PersonFactory.create_batch(20), user=None)
    return segment


@pytest.mark.parametrize("interleaving", ["together", "first_writes_first"])
def test_logging_a_segment_twice_at_once_logs_it_once_with_one_follow_up(
    segment, interleaving
):
    # Each session holds the segment as its page loaded it, before either logs.
    copies = [Segment.objects.get(pk=segment.pk) for _ in range(2)]
    first, second = (
        lambda copy=copy: services.log_segment(copy, user=None, create_follow_up=True)
        for copy in copies
    )
    if interleaving == "together":
        outcomes = run_together(first, second)
    else:
        outcomes = run_first_holding_locks(
            first,
            second,
            pause_after=r'^INSERT INTO "interactions_interactionlogentry"',
        )

    results, errors = results_and_errors(outcomes)
    assert len(results) == 1
    assert [type(error) for error in errors] == [ValidationError]
    assert errors[0].messages == ["Segment SM00001 has already been logged."]
    logged, follow_up = results[0]
    assert list(LoggedSegment.objects.values_list("pk", flat=True)) == [logged.pk]
    assert InteractionLogEntry.objects.filter(logged_segment=logged).count() == 20
    assert InteractionLogEntry.objects.count() == 20
    # One follow-up, numbered next: the losing session took no number.
    assert list(Segment.objects.values_list("no", flat=True)) == ["SM00002"]
    assert follow_up.lines.count() == 20
    assert NumberSeries.objects.get(code="SEGMENT").next_number == 3
    # One audit record, of the session that logged it.
    assert list(AuditRecord.objects.values_list("action", "object_id", "count")) == [
        ("segment_logged", "SM00001", 20)
    ]


# Number series


class Rollback(Exception):
    """Raised to roll a caller's transaction back after it took a number."""


CALLERS = 8
CALLS_PER_CALLER = 12


def test_eight_callers_creating_segments_get_gapless_unique_numbers(
    marketing_setup,
):
    # Every third call takes a number and then rolls back (a later step failed): the
    # number goes back to the series and the next caller gets it.
    def create_segments(caller):
        committed = []
        for call in range(CALLS_PER_CALLER):
            try:
                with transaction.atomic():
                    segment = services.create_segment(
                        user=None, description=f"Caller {caller}, call {call}"
                    )
                    if (caller + call) % 3 == 0:
                        raise Rollback
                committed.append(segment.no)
            except Rollback:
                pass
        return committed

    outcomes = run_together(
        *(lambda caller=caller: create_segments(caller) for caller in range(CALLERS))
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    numbers = [no for committed in outcomes for no in committed]
    rolled_back = sum(
        (caller + call) % 3 == 0
        for caller in range(CALLERS)
        for call in range(CALLS_PER_CALLER)
    )
    total = CALLERS * CALLS_PER_CALLER - rolled_back
    assert sorted(numbers) == [f"SM{n:05d}" for n in range(1, total + 1)]
    assert sorted(Segment.objects.values_list("no", flat=True)) == sorted(numbers)
    assert NumberSeries.objects.get(code="SEGMENT").next_number == total + 1


# Resuming a postponed entry from two sessions


@pytest.fixture
def draft(template):
    """A postponed entry, created by `sales` whose salesperson is ANNA."""
    user = UserFactory(username="sales")
    SalespersonFactory(code="ANNA", user=user)
    return interaction_services.postpone_interaction(
        contact=PersonFactory(), user=user, template=template
    )


@pytest.mark.parametrize("interleaving", ["together", "first_writes_first"])
def test_resuming_the_same_postponed_entry_from_two_sessions_logs_it_once(
    draft, interleaving
):
    copies = [InteractionLogEntry.objects.get(pk=draft.pk) for _ in range(2)]
    first, second = (
        lambda copy=copy, evaluation=evaluation: (
            interaction_services.resume_interaction(
                copy, user=draft.created_by, evaluation=evaluation
            )
        )
        for copy, evaluation in zip(copies, ["positive", "negative"], strict=True)
    )
    if interleaving == "together":
        outcomes = run_together(first, second)
    else:
        outcomes = run_first_holding_locks(
            first, second, pause_after=r'^UPDATE "interactions_interactionlogentry"'
        )

    results, errors = results_and_errors(outcomes)
    assert len(results) == 1
    assert [type(error) for error in errors] == [ValidationError]
    assert errors[0].messages == [
        "This interaction has already been finished or deleted."
    ]
    entry = InteractionLogEntry.objects.get()
    assert entry.pk == draft.pk
    assert entry.postponed is False
    # The winner's values, not a mix of both sessions'.
    assert entry.evaluation == results[0].evaluation
    if interleaving == "first_writes_first":
        assert entry.evaluation == "positive"


@pytest.mark.parametrize(
    "interleaving", ["together", "resume_writes_first", "delete_writes_first"]
)
def test_resuming_and_deleting_a_postponed_entry_at_once_does_one_of_them(
    draft, interleaving
):
    def resume():
        return interaction_services.resume_interaction(draft, user=draft.created_by)

    def delete():
        return interaction_services.delete_postponed([draft], user=draft.created_by)

    if interleaving == "together":
        resumed, deleted = run_together(resume, delete)
    elif interleaving == "resume_writes_first":
        resumed, deleted = run_first_holding_locks(
            resume, delete, pause_after=r'^UPDATE "interactions_interactionlogentry"'
        )
    else:
        deleted, resumed = run_first_holding_locks(
            delete,
            resume,
            pause_after=r'^DELETE FROM "interactions_interactionlogentry"',
        )

    if isinstance(resumed, Exception):
        assert isinstance(resumed, ValidationError)
        assert resumed.messages == [
            "This interaction has already been finished or deleted."
        ]
        assert deleted == 1
        assert not InteractionLogEntry.objects.exists()
    else:
        assert deleted == 0
        assert InteractionLogEntry.objects.get().postponed is False
    # Each committed action has its record, with what it really did.
    resumed_records = 0 if isinstance(resumed, Exception) else 1
    assert sorted(
        AuditRecord.objects.exclude(action="postponed").values_list("action", "count")
    ) == sorted([("deleted", deleted), *[("resumed", 1)] * resumed_records])
    expected = {"resume_writes_first": False, "delete_writes_first": True}
    if interleaving in expected:
        assert isinstance(resumed, Exception) is expected[interleaving]


# Canceling and deleting canceled entries at once

ENTRIES = 200
CANCELED = 80


@pytest.fixture
def entries(segment):
    """200 logged entries; the first 80 canceled."""
    services.add_contacts(segment, PersonFactory.create_batch(ENTRIES - 20), user=None)
    logged, _follow_up = services.log_segment(segment, user=None)
    entries = InteractionLogEntry.objects.filter(logged_segment=logged)
    first = entries.order_by("entry_no").values("pk")[:CANCELED]
    interaction_services.set_canceled(first, True, user=None)
    return entries


def cancel_or_delete(interleaving, cancel, delete, *, cancel_sql):
    """Run `cancel` and `delete` as `interleaving` says; returns their outcomes."""
    if interleaving == "together":
        return run_together(cancel, delete)
    if interleaving == "cancel_writes_first":
        return run_first_holding_locks(cancel, delete, pause_after=cancel_sql)
    delete_sql = r'^DELETE FROM "interactions_interactionlogentry"'
    deleted, canceled = run_first_holding_locks(delete, cancel, pause_after=delete_sql)
    return canceled, deleted


INTERLEAVINGS = ["together", "cancel_writes_first", "delete_writes_first"]


def last_records(number):
    """(action, count) of the newest audit records: one per committed action."""
    records = AuditRecord.objects.order_by("-id")[:number]
    return {(record.action, record.count) for record in records}


@pytest.mark.parametrize("interleaving", INTERLEAVINGS)
def test_canceling_while_deleting_canceled_entries_loses_no_row(entries, interleaving):
    canceled, deleted = cancel_or_delete(
        interleaving,
        lambda: interaction_services.set_canceled(entries.all(), True, user=None),
        interaction_services.delete_canceled_entries,
        cancel_sql=r'^UPDATE "interactions_interactionlogentry"',
    )

    # Every row is either still there, canceled, or deleted; the counts add up.
    assert canceled == ENTRIES - CANCELED
    assert deleted in (CANCELED, ENTRIES)  # the cancels committed before, or not
    assert entries.count() == ENTRIES - deleted
    assert not entries.filter(canceled=False).exists()
    # The delete waits for a cancel that is writing (lock_statistics) and then
    # deletes what it canceled too; a cancel waits for a delete that is writing.
    expected = {"cancel_writes_first": ENTRIES, "delete_writes_first": CANCELED}
    if interleaving in expected:
        assert deleted == expected[interleaving]
    assert last_records(2) == {("canceled", canceled), ("deleted", deleted)}
    assert_statistics_match()


@pytest.mark.parametrize("interleaving", INTERLEAVINGS)
def test_uncanceling_while_deleting_canceled_entries_loses_no_row(
    entries, interleaving
):
    uncanceled, deleted = cancel_or_delete(
        interleaving,
        lambda: interaction_services.set_canceled(entries.all(), False, user=None),
        interaction_services.delete_canceled_entries,
        cancel_sql=r'^UPDATE "interactions_interactionlogentry"',
    )

    # Each canceled row was either uncanceled or deleted, never both nor neither.
    assert uncanceled + deleted == CANCELED
    assert entries.count() == ENTRIES - deleted
    assert not entries.filter(canceled=True).exists()
    assert last_records(2) == {("uncanceled", uncanceled), ("deleted", deleted)}
    assert_statistics_match()
    expected = {"cancel_writes_first": 0, "delete_writes_first": CANCELED}
    if interleaving in expected:
        assert deleted == expected[interleaving]


# Un-canceling entries while their logged segment is canceled


@pytest.mark.parametrize(
    "interleaving", ["together", "entries_write_first", "segment_writes_first"]
)
def test_uncanceling_entries_while_their_logged_segment_is_canceled_stays_consistent(
    segment, interleaving
):
    logged, _follow_up = services.log_segment(segment, user=None)
    entries = InteractionLogEntry.objects.filter(logged_segment=logged)
    interaction_services.set_canceled(entries, True, user=None)

    def uncancel_entries():
        return interaction_services.set_canceled(entries.all(), False, user=None)

    def cancel_segment():
        return services.set_logged_segment_canceled(logged, True, user=None)

    if interleaving == "together":
        uncanceled, canceled = run_together(uncancel_entries, cancel_segment)
    elif interleaving == "entries_write_first":
        uncanceled, canceled = run_first_holding_locks(
            uncancel_entries,
            cancel_segment,
            pause_after=r'^UPDATE "interactions_interactionlogentry"',
        )
    else:
        canceled, uncanceled = run_first_holding_locks(
            cancel_segment,
            uncancel_entries,
            pause_after=r'^UPDATE "segments_loggedsegment"',
        )

    # A canceled logged segment never keeps an uncanceled entry: either the entries
    # were uncanceled first and canceling the segment canceled them again, or the
    # segment was canceled first and un-canceling its entries was refused.
    logged.refresh_from_db()
    assert logged.canceled
    assert not entries.filter(canceled=False).exists()
    if isinstance(uncanceled, Exception):
        assert isinstance(uncanceled, ValidationError)
        assert "which is canceled" in uncanceled.messages[0]
        assert canceled == 0
    else:
        assert (uncanceled, canceled) == (20, 20)
    expected = {"entries_write_first": False, "segment_writes_first": True}
    if interleaving in expected:
        assert isinstance(uncanceled, Exception) is expected[interleaving]


def test_two_identical_create_interaction_submits_at_once_log_one_entry(template):
    """Issue 16, finding 9: two submits 50 ms apart wrote two entries."""
    user = SalesUserFactory(username="anna")
    contact = PersonFactory()
    salesperson = SalespersonFactory(user=user)
    data = {
        "contact": contact.no,
        "template": template.code,
        "description": "Called about the offer",
        "salesperson": salesperson.code,
        "date": "2026-11-20",
        "time": "10:42",
        "interaction_successful": "on",
        "action": "finish",
        "submission_token": str(uuid.uuid4()),
    }

    def submit():
        client = Client()
        client.force_login(user)
        return client.post(reverse("interactions:entry_create"), data)

    first, second = run_together(submit, submit)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first.url == second.url
    assert InteractionLogEntry.objects.count() == 1


# Two users changing the same entries' cancel mark or evaluation at once: the second
# must see the first's change before it moves the statistics (lock_statistics), or
# both move the same entries and the statistics count them twice.


def change_twice(interleaving, first, second):
    if interleaving == "together":
        return run_together(first, second)
    return run_first_holding_locks(
        first, second, pause_after=r'^UPDATE "interactions_interactionlogentry"'
    )


@pytest.mark.parametrize("interleaving", ["together", "first_writes_first"])
def test_two_cancels_of_the_same_entries_at_once_count_them_once(entries, interleaving):
    overlapping = entries.order_by("entry_no").values("pk")
    first, second = change_twice(
        interleaving,
        lambda: interaction_services.set_canceled(overlapping[:150], True, user=None),
        lambda: interaction_services.set_canceled(overlapping[100:], True, user=None),
    )

    assert first + second == ENTRIES - CANCELED
    assert not entries.filter(canceled=False).exists()
    assert_statistics_match()


@pytest.mark.parametrize("interleaving", ["together", "first_writes_first"])
def test_two_evaluations_of_the_same_entries_at_once_count_them_once(
    entries, interleaving
):
    first, second = change_twice(
        interleaving,
        lambda: interaction_services.evaluate_entries(
            entries.all(), "positive", user=None
        ),
        lambda: interaction_services.evaluate_entries(
            entries.all(), "negative", user=None
        ),
    )

    assert first == second == ENTRIES
    assert entries.values("evaluation").distinct().count() == 1
    assert_statistics_match()
