"""Criteria actions on a segment of --segment-lines lines (100,000) with criteria
that name half as many contacts (50,000), each against one hand-written statement
making the same change to the lines; and going back from each likewise.

Contacts of the bench's own: three groups of --segment-lines / 2 persons, in the
cities "Crit A", "Crit B" and "Crit C"; the segment holds groups A and B.
- Add {"city": "Crit C"}: 50,000 lines added, against one INSERT … SELECT … ON
  CONFLICT DO NOTHING of the same lines.
- Reduce {"city": "Crit A"}: 50,000 removed, against one DELETE … WHERE EXISTS.
- Refine {"city": "Crit A"}: 50,000 removed (B), against one DELETE … WHERE NOT EXISTS.
- Going back from each: against the statement undoing it (the DELETE of what Add
  added; the INSERT … SELECT of what Reduce / Refine removed).
Every timed step runs in a transaction that is rolled back, so each repeat starts
from the same segment. The service's side also writes the segment history (every
value of a removed line) and the criteria action; the baseline writes only lines.
Target (issue): ≤ 2. A removal is also printed against a second baseline, labelled:
the same DELETE writing the same undo history in one statement
(WITH d AS (DELETE … RETURNING …) INSERT INTO the segment history).
"""

import statistics
import time

import support
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from crm.models import Contact
from segments.models import Segment, SegmentHistory, SegmentLine
from segments.services import (
    add_contacts,
    add_contacts_by_criteria,
    go_back,
    reduce_contacts,
    refine_contacts,
)
from segments.services.criteria import LINE_COLUMNS

TARGET = 2.0
PREFIX = "CRB-P"
BATCH = 5000
CITIES = ("Crit A", "Crit B", "Crit C")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


class Rollback(Exception):
    """Raised to roll a timed step back; never leaves this module."""


def prepare(lines):
    """The bench's persons (kept between runs) and a segment of groups A and B."""
    half = lines // 2
    company = Contact.objects.get_or_create(
        no="CRB-CO", defaults={"name": "Criteria bench company", "type": "company"}
    )[0]
    wanted = 3 * half
    existing = Contact.objects.filter(company=company).count()
    if existing != wanted:
        Contact.objects.filter(company=company).delete()
        started = time.perf_counter()
        Contact.objects.bulk_create(
            (
                Contact(
                    no=f"{PREFIX}{n:07d}",
                    name=f"Criteria person {n}",
                    type=Contact.Type.PERSON,
                    company=company,
                    city=CITIES[n // half],
                    correspondence_type="email" if n % 3 == 0 else "",
                )
                for n in range(wanted)
            ),
            batch_size=BATCH,
        )
        print(f"created {wanted:,} contacts in {time.perf_counter() - started:.1f} s")
    segment = Segment.objects.create(
        no=f"CRB{int(time.time())}", description="Criteria bench"
    )
    added = add_contacts(segment, Contact.objects.filter(city__in=CITIES[:2]))
    assert added == 2 * half, (added, half)
    support.vacuum(Contact, SegmentLine, SegmentHistory)
    return segment, half


def rolled_back(setup, timed):
    """Run `setup()` untimed, then `timed()` timed, in a transaction rolled back;
    returns (seconds, what timed returned, the statements it ran)."""
    outcome = []
    try:
        with transaction.atomic():
            setup()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = timed()
                outcome.extend([time.perf_counter() - started, result])
            outcome.append(
                [
                    query["sql"]
                    for query in captured.captured_queries
                    if not query["sql"].startswith(TRANSACTION_CONTROL)
                ]
            )
            raise Rollback
    except Rollback:
        pass
    return tuple(outcome)


def median(setup, timed, repeat):
    rolled_back(setup, timed)  # warm-up
    runs = [rolled_back(setup, timed) for _run in range(repeat)]
    return statistics.median(run[0] for run in runs), runs[0][1], runs[0][2]


def quoted():
    quote = connection.ops.quote_name
    line = SegmentLine._meta
    contact = Contact._meta
    return {
        "lines": quote(line.db_table),
        "contacts": quote(contact.db_table),
        **{f"l.{f.name}": quote(f.column) for f in line.concrete_fields},
        "c.id": quote(contact.pk.column),
        "c.city": quote(contact.get_field("city").column),
        "c.correspondence": quote(contact.get_field("correspondence_type").column),
    }


def insert_sql(segment, city):
    """One INSERT … SELECT of the lines add_contacts gives the contacts of `city`."""
    q = quoted()
    columns = ", ".join(
        q[f"l.{name}"]
        for name in (
            "segment",
            "contact",
            "description",
            "subject",
            "cost",
            "duration",
            "information_flow",
            "initiated_by",
            "attachment",
            "correspondence_type",
        )
    )
    return (
        f"INSERT INTO {q['lines']} ({columns}) "
        f"SELECT %s, c.{q['c.id']}, %s, '', 0, 0, '', '', '', "
        f"c.{q['c.correspondence']} "
        f"FROM {q['contacts']} c WHERE c.{q['c.city']} = %s "
        f"ON CONFLICT ({q['l.segment']}, {q['l.contact']}) DO NOTHING",
        [segment.pk, segment.description, city],
    )


def delete_sql(segment, city, *, keep=False):
    """One DELETE of the segment's lines of the contacts of `city` (with `keep`:
    of the other contacts)."""
    q = quoted()
    exists = "NOT EXISTS" if keep else "EXISTS"
    return (
        f"DELETE FROM {q['lines']} l WHERE l.{q['l.segment']} = %s AND {exists} "
        f"(SELECT 1 FROM {q['contacts']} c WHERE c.{q['c.id']} = l.{q['l.contact']} "
        f"AND c.{q['c.city']} = %s)",
        [segment.pk, city],
    )


def delete_into_history_sql(segment, city, *, keep=False):
    """delete_sql's DELETE feeding an INSERT of every removed line into the segment
    history (what going back needs), in one statement: the second baseline of a
    removal, which writes the same undo history as the service."""
    q = quoted()
    delete, params = delete_sql(segment, city, keep=keep)
    names = ("contact", "id", *LINE_COLUMNS)
    returned = ", ".join(f"l.{q[f'l.{name}']}" for name in names)
    columns = ", ".join(q[f"l.{name}"] for name in names)
    history = SegmentHistory._meta
    history_columns = ", ".join(
        connection.ops.quote_name(history.get_field(name).column)
        for name in ("action", "added", "contact", "line_id", *LINE_COLUMNS)
    )
    return (
        f"WITH d AS ({delete} RETURNING {returned}) "
        f"INSERT INTO {connection.ops.quote_name(history.db_table)} "
        f"({history_columns}) SELECT %s, false, {columns} FROM d",
        # An action key no action has (the history has no foreign key in the
        # database); the step is rolled back.
        [*params, -1],
    )


def execute(statement):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return cursor.rowcount

    return run


def nothing():
    return None


def run(args):
    segment, half = prepare(args.segment_lines)
    criteria = {
        "add": ({"city": "Crit C"}, add_contacts_by_criteria),
        "reduce": ({"city": "Crit A"}, reduce_contacts),
        "refine": ({"city": "Crit A"}, refine_contacts),
    }
    baselines = {
        "add": execute(insert_sql(segment, "Crit C")),
        "reduce": execute(delete_sql(segment, "Crit A")),
        "refine": execute(delete_sql(segment, "Crit A", keep=True)),
    }
    # The second baseline of a removal: the same DELETE also writing the undo
    # history, in one statement (printed beside the first, labelled).
    history_baselines = {
        "reduce": execute(delete_into_history_sql(segment, "Crit A")),
        "refine": execute(delete_into_history_sql(segment, "Crit A", keep=True)),
    }
    undo_baselines = {
        "add": execute(delete_sql(segment, "Crit C")),
        "reduce": execute(insert_sql(segment, "Crit A")),
        "refine": execute(insert_sql(segment, "Crit B")),
    }
    results = []
    try:
        for name, (given, service) in criteria.items():

            def act(given=given, service=service):
                return service(segment, given, user=None)

            seconds, count, statements = median(nothing, act, args.repeat)
            base_seconds, base_count, _sql = median(
                nothing, baselines[name], args.repeat
            )
            assert count == base_count == half, (name, count, base_count, half)
            results.append(
                support.Result(
                    scenario=f"criteria {name} ({count:,} of {2 * half:,} lines)",
                    seconds=seconds,
                    baseline="one hand-written statement making the same change",
                    baseline_seconds=base_seconds,
                    target=TARGET,
                    queries=len(statements),
                    notes=[" ".join(sql.split())[:100] for sql in statements],
                )
            )
            if name in history_baselines:
                history_seconds, history_count, _sql = median(
                    nothing, history_baselines[name], args.repeat
                )
                assert history_count == half, (name, history_count, half)
                results.append(
                    support.Result(
                        scenario=f"criteria {name}, vs. a DELETE writing the history",
                        seconds=seconds,
                        baseline=(
                            "second baseline: one hand-written WITH d AS (DELETE … "
                            "RETURNING …) INSERT INTO the segment history, the same "
                            "undo history the service writes"
                        ),
                        baseline_seconds=history_seconds,
                        target=TARGET,
                        queries=len(statements),
                    )
                )
            undo_seconds, _undone, undo_statements = median(
                act, lambda: go_back(segment, user=None), args.repeat
            )

            def undo_base(name=name):
                undo_baselines[name]()

            undo_base_seconds, _none, _sql = median(
                baselines[name], undo_base, args.repeat
            )
            results.append(
                support.Result(
                    scenario=f"criteria go back from {name}",
                    seconds=undo_seconds,
                    baseline="one hand-written statement undoing the change",
                    baseline_seconds=undo_base_seconds,
                    target=TARGET,
                    queries=len(undo_statements),
                )
            )
    finally:
        segment.delete()
    return results
