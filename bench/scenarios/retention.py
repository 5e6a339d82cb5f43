"""apply_retention() deleting every logged entry of the data set (989,845 of the
1,000,000 on the default one) in batches, against one bare `DELETE` of the same rows
and against the same work (statistics and DELETE) done in one transaction; and the
entry list's latency while the run goes on, against the same page idle.

The rows: a delete policy of one month on every interaction group, applied at a
`now` two years after the newest entry, so every logged (not postponed) entry is
older than its policy. The other terms stay blank.

Every timed side runs on a fresh copy of the bench database (CREATE DATABASE …
TEMPLATE, a few seconds) and commits, as the daily run does: a run inside one
transaction that is rolled back turns its batches into savepoints, and past 64 of
them PostgreSQL's subtransaction bookkeeping makes every batch (and every reader)
slow, which measures something no real run does.
The generated data set's entries have dates unrelated to their numbers and to
where they lie in the table, where real entries are logged on their day: numbered,
and stored, in about date order. So both sides are timed twice: on the data set as
generated ("generated order"), and on a copy whose entries were renumbered and
rewritten in date order ("date order", made once per run by dated_copy). A range of
days is then a stretch of the table, as in a real database; on the generated order
it is scattered over most of its pages.
Target (issue 22): ratio ≤ 2, and a request during the run answers as usual.
"""

import datetime
import statistics
import threading
import time

import psycopg2
import support
from dateutil.relativedelta import relativedelta
from django.db import connection, connections, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from psycopg2 import sql

from demo.bulk import bulk_load
from interactions.models import (
    InteractionDailyStatistics,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTotalStatistics,
)
from interactions.services import delete_entries
from privacy.models import RetentionPolicy, RetentionSettings
from privacy.services import apply_retention, plan_retention
from privacy.services.retention import DAYS_BATCH_SIZE

TARGET = 2.0
# Copies are dropped while a connection of an earlier run may still hold them.
DROP_DATABASE = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
# The page's latency during the run may be this many times its idle median.
LATENCY_TARGET = 3.0
SETTINGS = connection.settings_dict


def fresh_copy(source):
    """Point the connection at a new copy of the database `source` (the bench's)."""
    connection.close()
    server = psycopg2.connect(
        dbname="postgres",
        user=SETTINGS["USER"] or None,
        password=SETTINGS["PASSWORD"] or None,
        host=SETTINGS["HOST"] or None,
        port=SETTINGS["PORT"] or None,
    )
    server.autocommit = True
    copy = f"{source}_retention"
    try:
        with server.cursor() as cursor:
            cursor.execute(DROP_DATABASE.format(sql.Identifier(copy)))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(copy), sql.Identifier(source)
                )
            )
    finally:
        server.close()
    SETTINGS["NAME"] = copy
    return copy


def drop_copy(source):
    connection.close()
    copy = SETTINGS["NAME"]
    SETTINGS["NAME"] = source
    if copy != source:
        with connection.cursor() as cursor:
            cursor.execute(DROP_DATABASE.format(sql.Identifier(copy)))


def dated_copy(source):
    """A copy of the database `source` whose entries are numbered and stored in
    date order (as logging them day by day leaves them); returns its name. The
    entries are written again in one transaction, the indexes built after."""
    name = f"{source}_dated"
    fresh_copy(source)
    entry = InteractionLogEntry._meta
    table = connection.ops.quote_name(entry.db_table)
    others = ", ".join(
        connection.ops.quote_name(field.column)
        for field in entry.concrete_fields
        if not field.primary_key
    )
    number = connection.ops.quote_name(entry.pk.column)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE logged AS SELECT * FROM {table}")
        cursor.execute(f"TRUNCATE {table}")
        with bulk_load(InteractionLogEntry):
            cursor.execute(
                f"INSERT INTO {table} ({number}, {others}) SELECT ROW_NUMBER() "
                f"OVER (ORDER BY date, time NULLS FIRST, {number}), {others} "
                "FROM logged ORDER BY 1"
            )
    support.vacuum(InteractionLogEntry)
    # The copy becomes the template of the date-order side's copies.
    return rename_copy(source, name)


def rename_copy(source, name):
    """Rename the copy the connection points at to `name`, and point it back at
    `source`; returns `name`."""
    copy = SETTINGS["NAME"]
    connection.close()
    SETTINGS["NAME"] = source
    with connection.cursor() as cursor:
        cursor.execute(DROP_DATABASE.format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(copy), sql.Identifier(name)
            )
        )
    return name


def drop_database(name):
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(DROP_DATABASE.format(sql.Identifier(name)))


def timed_on_copies(source, function, repeat):
    """The median seconds of `function()` over `repeat` fresh copies, and what it
    returned the first time."""
    times, results = [], []
    for _run in range(repeat):
        fresh_copy(source)
        started = time.perf_counter()
        results.append(function())
        times.append(time.perf_counter() - started)
        drop_copy(source)
    return statistics.median(times), results[0]


def the_policies():
    """A one-month delete policy on every group (replacing any the bench left)."""
    RetentionPolicy.objects.all().delete()
    RetentionSettings.objects.all().delete()
    for group in InteractionGroup.objects.all():
        RetentionPolicy.objects.create(group=group, action="delete", months=1)


def later():
    """A `now` at which every entry is older than a month: two years on."""
    newest = InteractionLogEntry.objects.aggregate(newest=Max("date"))["newest"]
    noon = datetime.datetime.combine(newest + relativedelta(years=2), datetime.time(12))
    return timezone.make_aware(noon)


def baseline_sql(now):
    """One DELETE of the rows the policies select at `now`."""
    entry = InteractionLogEntry._meta
    quote = connection.ops.quote_name
    cutoff = timezone.localdate(now) - relativedelta(months=1)
    return (
        f"DELETE FROM {quote(entry.db_table)} "
        f"WHERE NOT {quote(entry.get_field('postponed').column)} "
        f"AND {quote(entry.get_field('group').column)} IS NOT NULL "
        f"AND {quote(entry.get_field('date').column)} < '{cutoff.isoformat()}'"
    )


def bare_delete(now):
    with connection.cursor() as cursor:
        cursor.execute(baseline_sql(now))
        return cursor.rowcount


def unbatched(now):
    """The run's work on all rows at once: one transaction, one statistics
    statement per table and one DELETE (delete_entries on the whole selection)."""
    rows = InteractionLogEntry.objects.filter(
        postponed=False,
        group__isnull=False,
        date__lt=timezone.localdate(now) - relativedelta(months=1),
    )
    with transaction.atomic():
        return delete_entries(rows)


def request_times(client, url, *, until=None, count=None):
    """Seconds each GET of `url` took: `count` of them, or as many as fit before
    `until()` says stop."""
    times = []
    while (count is not None and len(times) < count) or (
        until is not None and not until()
    ):
        started = time.perf_counter()
        support.fetch(client, url)
        times.append(time.perf_counter() - started)
    return times


def during_the_run(client, url, now):
    """The page's latencies while a run deletes in another thread (its own
    connection, committing batch by batch), and how long that run took."""
    finished = threading.Event()
    outcome = {}

    def run():
        try:
            started = time.perf_counter()
            outcome["deleted"] = apply_retention(now=now).total
            outcome["seconds"] = time.perf_counter() - started
        finally:
            connections.close_all()
            finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    times = request_times(client, url, until=finished.is_set)
    worker.join()
    return times, outcome


def run(args):
    source = SETTINGS["NAME"]
    # The statistics tables too: the runs update nearly every daily row.
    support.vacuum(
        InteractionLogEntry, InteractionDailyStatistics, InteractionTotalStatistics
    )
    the_policies()
    dated = None
    try:
        dated = dated_copy(source)
        return measure(args, source, dated)
    finally:
        drop_copy(source)
        if dated is not None:
            drop_database(dated)
        RetentionPolicy.objects.all().delete()


def sides(source, now, repeat, order):
    """apply_retention against one bare DELETE, each on fresh copies of `source`
    (whose entries lie in `order`): (seconds, baseline seconds, deleted by each)."""
    seconds, deleted = timed_on_copies(
        source, lambda: apply_retention(now=now).total, min(repeat, 3)
    )
    baseline_seconds, baseline_deleted = timed_on_copies(
        source, lambda: bare_delete(now), repeat
    )
    return (
        seconds,
        baseline_seconds,
        {
            f"apply_retention ({order})": deleted,
            f"bare DELETE ({order})": baseline_deleted,
        },
    )


def measure(args, source, dated):
    now = later()
    planned = sum(line["count"] for line in plan_retention(now=now))
    seconds, baseline_seconds, deleted = sides(
        source, now, args.repeat, "generated order"
    )
    dated_seconds, dated_baseline_seconds, dated_deleted = sides(
        dated, now, args.repeat, "date order"
    )
    unbatched_seconds, unbatched_deleted = timed_on_copies(
        source, lambda: unbatched(now), min(args.repeat, 3)
    )
    counts = {
        "planned": planned,
        **deleted,
        **dated_deleted,
        "unbatched": unbatched_deleted,
    }
    if len(set(counts.values())) != 1:
        raise RuntimeError(f"the sides do not delete the same rows: {counts}")
    fresh_copy(source)
    client = support.logged_in_client(support.sales_user())
    url = reverse("interactions:entry_list")
    idle = request_times(client, url, count=20)
    busy, outcome = during_the_run(client, url, now)
    drop_copy(source)
    idle_median = statistics.median(idle)
    busy_median = statistics.median(busy)
    how = (
        f"ranges of days holding {DAYS_BATCH_SIZE:,} of the groups' entries, "
        "each deleted in its own transaction with the totals decremented and the "
        "days' daily statistics rows removed whole"
    )
    return [
        support.Result(
            scenario=f"apply_retention in batches ({planned:,} rows), generated order",
            seconds=seconds,
            baseline="one bare DELETE of the same rows",
            baseline_seconds=baseline_seconds,
            target=TARGET,
            notes=[
                "the data set as generated: entries' dates unrelated to their "
                "numbers and places in the table, so each range of days reads most "
                "of the table's pages",
                "each side on a fresh copy of the database, committed",
                how,
                f"the same work unbatched (one statistics statement per table and "
                f"one DELETE, one transaction): {unbatched_seconds:.2f} s, so "
                f"batching costs {seconds / unbatched_seconds:.2f}x",
                f"the dry run counted {planned:,}: the same rows",
                f"SQL: {baseline_sql(now)}",
            ],
        ),
        support.Result(
            scenario=f"apply_retention in batches ({planned:,} rows), date order",
            seconds=dated_seconds,
            baseline="one bare DELETE of the same rows",
            baseline_seconds=dated_baseline_seconds,
            target=TARGET,
            notes=[
                "the same entries renumbered and stored in date order, as real "
                "entries logged day by day are: a range of days is a stretch of "
                "the table",
                "each side on a fresh copy of that copy, committed",
            ],
        ),
        support.Result(
            scenario="entry list during the run (median), generated order",
            seconds=busy_median,
            baseline=f"the same page idle ({len(idle)} requests)",
            baseline_seconds=idle_median,
            target=LATENCY_TARGET,
            notes=[
                f"{len(busy)} requests while a run deleted "
                f"{outcome.get('deleted', 0):,} rows in "
                f"{outcome.get('seconds', 0):.1f} s; slowest "
                f"{max(busy) if busy else 0:.3f} s, idle slowest {max(idle):.3f} s",
            ],
        ),
    ]
