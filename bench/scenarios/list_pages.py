"""Scenario 2: the log entry list, first page, default sort, unfiltered and with each
filter, against the SQL of that page run alone.

Django's time is the whole request through the test client (middleware, view, ORM,
template); the baseline replays the statements the page ran, straight on the
connection. Every statement that reads the entry table is EXPLAINed: none may scan it
sequentially. Target (issue): page / SQL ≤ 2, and the same query count for every
filter.
"""

import datetime

import support
from django.urls import reverse
from django.utils import timezone

from crm.models import Contact
from interactions.models import InteractionLogEntry

TARGET = 2
ENTRY_TABLE = InteractionLogEntry._meta.db_table


def filters():
    """Label → query string of each filter the issue names, on busy values."""
    today = timezone.localdate()
    contact = Contact.objects.get(pk=support.busiest("contact"))
    company = Contact.objects.get(pk=support.busiest("contact_company"))
    return {
        "no filter": {},
        "contact": {"contact": contact.no},
        "company": {"company": company.no},
        "salesperson": {"salesperson": support.busiest("salesperson")},
        "template": {"template": support.busiest("template")},
        "date range (last 30 days)": {
            "date_from": (today - datetime.timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
        },
        "canceled": {"canceled": "true"},
    }


def measure(client, url, repeat):
    """(page seconds, SQL seconds, statements, sequential scans of the entry table)."""
    _response, statements = support.fetch(client, url)
    scans = [
        sql
        for sql in statements
        if ENTRY_TABLE in sql
        and not sql.startswith("EXPLAIN")
        and support.sequential_scans(support.explain(sql), ENTRY_TABLE)
    ]
    page = support.median_seconds(lambda: support.fetch(client, url), repeat)
    sql = support.median_seconds(lambda: support.run_sql(statements), repeat)
    return page, sql, statements, scans


def run(args):
    client = support.logged_in_client(support.sales_user())
    base = reverse("interactions:entry_list")
    results = []
    for label, query in filters().items():
        url = f"{base}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
        page, sql, statements, scans = measure(client, url, args.repeat)
        notes = [
            f"sequential scan of the entry table: {' '.join(s.split())[:80]}…"
            for s in scans
        ] or ["no sequential scan of the entry table"]
        results.append(
            support.Result(
                f"entry list, {label}",
                page,
                baseline="the page's SQL statements replayed alone",
                baseline_seconds=sql,
                target=TARGET,
                queries=len(statements),
                notes=notes,
            )
        )
    # What every page costs before any row: layout, filter form, session and user.
    empty = f"{base}?contact=NO-SUCH-CONTACT"
    _response, statements = support.fetch(client, empty)
    results.append(
        support.Result(
            "entry list, frame only (a filter matching nothing)",
            support.median_seconds(lambda: support.fetch(client, empty), args.repeat),
            queries=len(statements),
            notes=["the fixed cost of the page, whatever the size of the log"],
        )
    )
    counts = {result.queries for result in results[:-1]}
    if len(counts) > 1:
        results[0].notes.append(f"query counts differ between filters: {counts}")
    return results
