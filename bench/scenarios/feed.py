"""Scenario: a salesperson's iCalendar feed (tasks:calendar_feed) among 1,000,000
tasks of 200 salespeople, 5,000 open tasks each, against the entry list page (the
first page, unfiltered, as a Sales user). Target (issue 21): a poll at most twice
the entry list page.

Five polls are timed: one that renders the document from nothing (a new feed), one
after one of its tasks changed (the changed event is written, the others are taken
from the kept document), the same after the worker rendered it ahead (update_task,
then refresh_feeds as the worker runs it after the commit; timed apart), one that
reads the kept document, and one with the ETag of the kept document (304). The stamp
query is EXPLAINed: it may not scan the task table sequentially. The tasks are
written once (untimed) and kept.
"""

import statistics
import time

import support
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Contact, Salesperson
from tasks.models import CalendarFeed, Task
from tasks.services import update_task
from tasks.services.reminders import (
    create_feed,
    feed_stamp,
    feed_tasks,
    refresh_feeds,
)

TARGET = 2.0
SALESPEOPLE = 200
# As many tasks as the data set has entries (1,000,000: 5,000 per salesperson); the
# stamp query's sequential scan fails the scenario from this many on.
SCANS_FAIL_FROM = 100_000
PREFIX = "FEEDB"
TASK_TABLE = Task._meta.db_table


def salespeople():
    """The bench's salespeople, each with a user; made when missing."""
    made = []
    for number in range(1, SALESPEOPLE + 1):
        code = f"{PREFIX}{number:03d}"
        user = support.sales_user(f"bench-feed-{number:03d}")
        salesperson = Salesperson.objects.get_or_create(
            code=code, defaults={"name": f"Feed bench {number}", "user": user}
        )[0]
        made.append(salesperson)
    return made


def write_tasks(people, total):
    """`total` open tasks spread over `people` in one INSERT … SELECT, half with a
    start time, on contacts spread over the contact table."""
    task = Task._meta
    quote = connection.ops.quote_name
    contacts = list(Contact.objects.order_by("pk").values_list("pk", flat=True)[:5000])
    now = timezone.now()
    expressions = {
        "no": "%s || LPAD(CAST(n AS TEXT), 8, '0')",
        "contact": f"(ARRAY{contacts})[1 + n %% {len(contacts)}]",
        "salesperson": f"(ARRAY{[p.pk for p in people]})[1 + n %% {len(people)}]",
        "date": "CURRENT_DATE + (n %% 120) - 30",
        "start_time": "CASE WHEN n %% 2 = 0 THEN TIME '09:00' + (n %% 16) * "
        "INTERVAL '30 minutes' END",
        "duration": "30",
    }
    values = {"description": "Terugbellen over de offerte", "segment_no": PREFIX}
    values.update(created_at=now, updated_at=now)
    columns, selects, params = [], [], []
    for field in task.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name in expressions:
            selects.append(expressions[field.name])
            if field.name == "no":
                params.append(PREFIX)
        else:
            value = values.get(field.name, field.get_default())
            selects.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(task.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM generate_series(1, {total}) n"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    support.vacuum(Task)


def prepare(total):
    people = salespeople()
    if not Task.objects.filter(segment_no=PREFIX).exists():
        write_tasks(people, total)
    feed = CalendarFeed.objects.filter(user=people[0].user).first()
    return feed or create_feed(people[0].user)


def poll(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def rendered_ahead(anonymous, url, one, repeat):
    """One task changed through update_task, the worker's refresh_feeds run (timed
    apart), then the poll: (the refresh's median, the poll's median)."""
    task = Task.objects.get(pk__in=one)
    refreshes, polls = [], []
    for number in range(repeat + 1):
        update_task(task, user=None, description=f"Terugbellen ({number})")
        started = time.perf_counter()
        refresh_feeds([task.salesperson_id])
        refreshed = time.perf_counter()
        poll(anonymous, url)
        polled = time.perf_counter()
        if number:  # the first fills the caches
            refreshes.append(refreshed - started)
            polls.append(polled - refreshed)
    return statistics.median(refreshes), statistics.median(polls)


def run(args):
    feed = prepare(args.entries)
    client = support.logged_in_client(support.sales_user())
    entry_list = reverse("interactions:entry_list")
    page = support.median_seconds(
        lambda: support.fetch(client, entry_list), args.repeat
    )
    url = feed.get_absolute_url()
    anonymous = Client(HTTP_HOST="127.0.0.1")

    def from_nothing():
        CalendarFeed.objects.filter(pk=feed.pk).update(
            stamp="", body=b"", rendered_at=None
        )
        return poll(anonymous, url)

    one = feed_tasks(feed).order_by("pk")[:1]

    def one_changed():
        Task.objects.filter(pk__in=one).update(updated_at=timezone.now())
        return poll(anonymous, url)

    rendered = support.median_seconds(from_nothing, args.repeat)
    poll(anonymous, url)
    changed = support.median_seconds(one_changed, args.repeat)
    refresh, ahead = rendered_ahead(anonymous, url, one, args.repeat)
    etag = poll(anonymous, url)["ETag"]
    kept = support.median_seconds(lambda: poll(anonymous, url), args.repeat)
    not_modified = support.median_seconds(
        lambda: poll(anonymous, url, HTTP_IF_NONE_MATCH=etag), args.repeat
    )
    events = feed_tasks(feed).count()
    with CaptureQueriesContext(connection) as queries:
        feed_stamp(feed, name="bench")
    scans = support.sequential_scans(support.explain(queries[0]["sql"]), TASK_TABLE)
    common = {"baseline": "the entry list page", "baseline_seconds": page}
    return [
        support.Result(f"feed of {events:,} tasks, from nothing", rendered, **common),
        support.Result("feed, one task changed", changed, target=TARGET, **common),
        support.Result(
            "feed, one task changed, rendered ahead (the poll)",
            ahead,
            target=TARGET,
            notes=[f"the worker's refresh_feeds took {refresh:.3f} s before it"],
            **common,
        ),
        support.Result(
            "feed, kept document",
            kept,
            target=TARGET,
            failure="the stamp query scans the task table"
            if scans and args.entries >= SCANS_FAIL_FROM
            else "",
            notes=["stamp query: " + ("Seq Scan" if scans else "no sequential scan")],
            **common,
        ),
        support.Result(
            "feed, If-None-Match (304)", not_modified, target=TARGET, **common
        ),
    ]
