"""apply_retention() deleting every logged entry of the data set (1,000,000 on the
default one) in batches, against one bare `DELETE` of the same rows; and the entry
list's latency while the run goes on, against the same page idle.

The rows: a delete policy of one month on every interaction group, applied at a
`now` two years after the newest entry, so every logged (not postponed) entry is
older than its policy. The other terms stay blank (nothing else to do but the files,
of which the bench has none).

Both sides run in a transaction that is rolled back, so every repeat deletes the
same rows: apply_retention's batch transactions become savepoints of it. The
service's side walks the rows by number, takes each batch out of the statistics
tables and deletes it, and logs each batch; the baseline only deletes.
Target (issue 22): ratio ≤ 2, and a request during the run answers as usual.
"""

import datetime
import statistics
import threading
import time

import support
from dateutil.relativedelta import relativedelta
from django.db import connection, connections, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions.models import InteractionGroup, InteractionLogEntry
from privacy.models import RetentionPolicy, RetentionSettings
from privacy.services import apply_retention, plan_retention
from privacy.services.retention import BATCH_SIZE

TARGET = 2.0
# The page's latency during the run may be this many times its idle median.
LATENCY_TARGET = 3.0
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


class Rollback(Exception):
    """Raised to roll a timed delete back; never leaves this module."""


def rolled_back(function):
    """Run `function()` in a transaction that is rolled back; returns its result."""
    outcome = []
    try:
        with transaction.atomic():
            outcome.append(function())
            raise Rollback
    except Rollback:
        pass
    return outcome[0]


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
    """The page's latencies while a rolled-back run deletes in another thread (its
    own connection), and how long that run took."""
    finished = threading.Event()
    outcome = {}

    def run():
        try:
            started = time.perf_counter()
            outcome["deleted"] = rolled_back(lambda: apply_retention(now=now).total)
            outcome["seconds"] = time.perf_counter() - started
        finally:
            connections.close_all()
            finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    # Let the run get going (its counts, the first batches) before asking.
    time.sleep(0.5)
    times = request_times(client, url, until=finished.is_set)
    worker.join()
    return times, outcome


def run(args):
    support.vacuum(InteractionLogEntry)
    the_policies()
    try:
        return measure(args)
    finally:
        RetentionPolicy.objects.all().delete()


def measure(args):
    now = later()
    planned = sum(line["count"] for line in plan_retention(now=now))
    with CaptureQueriesContext(connection) as captured:
        deleted = rolled_back(lambda: apply_retention(now=now).total)
    baseline_deleted = rolled_back(lambda: bare_delete(now))
    if not planned == deleted == baseline_deleted:
        raise RuntimeError(
            f"planned {planned:,}, deleted {deleted:,}, baseline "
            f"{baseline_deleted:,}: the sides do not delete the same rows"
        )
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(TRANSACTION_CONTROL)
    ]
    deletes = [sql for sql in statements if sql.startswith("DELETE")]
    support.vacuum(InteractionLogEntry)
    seconds = support.median_seconds(
        lambda: rolled_back(lambda: apply_retention(now=now)), args.repeat
    )
    support.vacuum(InteractionLogEntry)
    baseline_seconds = support.median_seconds(
        lambda: rolled_back(lambda: bare_delete(now)), args.repeat
    )
    support.vacuum(InteractionLogEntry)

    client = support.logged_in_client(support.sales_user())
    url = reverse("interactions:entry_list")
    idle = request_times(client, url, count=20)
    busy, outcome = during_the_run(client, url, now)
    support.vacuum(InteractionLogEntry)
    idle_median = statistics.median(idle)
    busy_median = statistics.median(busy)
    results = [
        support.Result(
            scenario=f"apply_retention in batches ({deleted:,} rows)",
            seconds=seconds,
            baseline="one bare DELETE of the same rows",
            baseline_seconds=baseline_seconds,
            target=TARGET,
            queries=len(statements),
            notes=[
                "both sides timed in a transaction that is rolled back",
                f"{len(deletes)} DELETE statements of at most {BATCH_SIZE:,} rows, "
                "each with its statistics statement",
                f"the dry run counted {planned:,}: the same rows",
                f"SQL: {baseline_sql(now)}",
            ],
        ),
        support.Result(
            scenario="entry list during the run (median)",
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
    return results
