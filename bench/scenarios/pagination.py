"""Scenario 3: the pagination count of the unfiltered log entry list at full size.

The page must not wait on counting longer than on its own rows: the counting
statements the page runs (a count capped at EXACT_UP_TO + 1 rows, then the planner's
estimate) are timed against the statement that reads the page's rows. An exact
COUNT(*) over the list is timed too, for comparison. Target: count / page ≤ 1.
"""

import support
from django.urls import reverse

from interactions.models import InteractionLogEntry
from web.pagination import EXACT_UP_TO

TARGET = 1


def run(args):
    client = support.logged_in_client(support.sales_user())
    response, statements = support.fetch(client, reverse("interactions:entry_list"))
    paginator = response.context_data["paginator"]
    table = InteractionLogEntry._meta.db_table
    counting = [
        sql
        for sql in statements
        if table in sql and ("COUNT(" in sql.upper() or sql.startswith("EXPLAIN"))
    ]
    rows = [sql for sql in statements if table in sql and "LIMIT" in sql.upper()]
    rows = [sql for sql in rows if sql not in counting]
    count = support.median_seconds(lambda: support.run_sql(counting), args.repeat)
    page = support.median_seconds(lambda: support.run_sql(rows), args.repeat)
    visible = InteractionLogEntry.objects.visible()
    exact = support.median_seconds(visible.count, args.repeat)
    shown = f"about {paginator.count:,}" if paginator.approximate else paginator.count
    return [
        support.Result(
            "entry list, pagination count (unfiltered)",
            count,
            baseline="the statement reading the page's rows",
            baseline_seconds=page,
            target=TARGET,
            queries=len(counting),
            notes=[
                f"the page says {shown} (exact up to {EXACT_UP_TO:,}); "
                f"{visible.count():,} rows really match",
                f"an exact COUNT(*) of the list would take {exact:.4f} s",
            ],
        )
    ]
