"""delete_canceled_entries() removing every canceled entry (~100,000 of 1,000,000)
against one bare `DELETE … WHERE canceled AND NOT postponed`.

Both sides run in a transaction that is rolled back, so every repeat deletes the
same rows from the same table. Target (issue): ratio ≤ 1.5, which a row-by-row
delete (a delete signal or cascade makes Django fetch the rows) could not reach.
"""

import support
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from interactions.models import InteractionLogEntry
from interactions.services import delete_canceled_entries

TARGET = 1.5
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


def baseline_sql():
    entry = InteractionLogEntry._meta
    quote = connection.ops.quote_name
    return (
        f"DELETE FROM {quote(entry.db_table)} "
        f"WHERE {quote(entry.get_field('canceled').column)} "
        f"AND NOT {quote(entry.get_field('postponed').column)}"
    )


def bare_delete():
    with connection.cursor() as cursor:
        cursor.execute(baseline_sql())
        return cursor.rowcount


def run(args):
    support.vacuum(InteractionLogEntry)
    canceled = InteractionLogEntry.objects.filter(
        canceled=True, postponed=False
    ).count()
    with CaptureQueriesContext(connection) as captured:
        deleted = rolled_back(delete_canceled_entries)
    baseline_deleted = rolled_back(bare_delete)
    if not deleted == baseline_deleted == canceled:
        raise RuntimeError(
            f"deleted {deleted:,}, baseline {baseline_deleted:,}, "
            f"canceled {canceled:,}: the two sides do not delete the same rows"
        )
    # The service's own statements, without the transaction control around them.
    statements = [
        " ".join(query["sql"].split())
        for query in captured.captured_queries
        if not query["sql"].startswith(TRANSACTION_CONTROL)
    ]
    deletes = [sql for sql in statements if sql.startswith("DELETE")]
    if len(deletes) != 1 or " IN (" in deletes[0]:
        raise RuntimeError(f"expected one DELETE without a key list: {deletes}")
    seconds = support.median_seconds(
        lambda: rolled_back(delete_canceled_entries), args.repeat
    )
    baseline_seconds = support.median_seconds(
        lambda: rolled_back(bare_delete), args.repeat
    )
    # Even rolled back, the deletes cleared the visibility map of nearly every page:
    # vacuum so the scenarios after this one find the table as settled as before.
    support.vacuum(InteractionLogEntry)
    return [
        support.Result(
            scenario=f"delete_canceled_entries ({deleted:,} rows)",
            seconds=seconds,
            baseline=f"one `{baseline_sql()}`",
            baseline_seconds=baseline_seconds,
            target=TARGET,
            queries=len(statements),
            notes=[
                "both sides timed in a transaction that is rolled back",
                f"one DELETE statement for all {deleted:,} rows: no key list, "
                "no per-row queries",
                *(f"SQL: {sql[:150]}" for sql in statements),
            ],
        )
    ]
