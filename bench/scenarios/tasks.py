"""Scenario: a task per line of a segment of 100,000 lines (create_tasks_for_segment)
against one bare INSERT … SELECT of the same rows into the task table. Target
(issue 21): at most twice the INSERT … SELECT.

The segment and its persons come from the segment_log scenario's set-up; the tasks
both write are removed again (untimed).
"""

import statistics
import time

import support
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import MarketingSetup, NumberSeries
from scenarios.segment_log import new_segment, prepare
from segments.models import SegmentLine
from tasks.models import Task
from tasks.services import create_tasks_for_segment

TARGET = 2.0


def task_series():
    series = NumberSeries.objects.get_or_create(
        code="TKBENCH", defaults={"description": "Task bench", "prefix": "TKB"}
    )[0]
    setup = MarketingSetup.load()
    if setup.task_nos_id is None:
        setup.task_nos = series
        setup.save()


def vacuum():
    support.vacuum(Task, SegmentLine)


def remove_tasks(segment_no):
    with transaction.atomic():
        Task.objects.filter(segment_no=segment_no).delete()


def baseline_sql(segment, company):
    """The rows create_tasks_for_segment writes, without its numbering and its join
    to the contacts: the bare cost of writing them."""
    task = Task._meta
    line = SegmentLine._meta
    quote = connection.ops.quote_name
    from_line = {"contact": "contact", "salesperson": "salesperson"}
    constants = {
        "no": None,  # below: the line's key as text, unique
        "description": "Task bench",
        "date": timezone.localdate(),
        "contact_company": company.pk,
        "segment_no": f"{segment.no}-BASE",
        "created_at": timezone.now(),
        "updated_at": timezone.now(),
    }
    columns, selects, params = [], [], []
    for field in task.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name in from_line:
            selects.append(f"l.{quote(line.get_field(from_line[field.name]).column)}")
        elif field.name == "no":
            selects.append(f"CAST(l.{quote(line.pk.column)} AS TEXT)")
        else:
            value = constants.get(field.name, field.get_default())
            selects.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(task.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {quote(line.db_table)} l "
        f"WHERE l.{quote(line.get_field('segment').column)} = %s "
        f"ORDER BY l.{quote(line.pk.column)}"
    )
    return sql, [*params, segment.pk]


def run(args):
    lines = args.segment_lines
    template, salesperson, company, contacts = prepare(lines)
    task_series()
    timings = []
    for _repeat in range(args.repeat):
        segment = new_segment(template, salesperson, contacts, lines)[0]
        vacuum()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            made = create_tasks_for_segment(segment, user=None, description="Bench")
            service = time.perf_counter() - started
        assert made == lines, (made, lines)
        remove_tasks(segment.no)
        sql, params = baseline_sql(segment, company)
        vacuum()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert cursor.rowcount == lines
        baseline = time.perf_counter() - started
        remove_tasks(f"{segment.no}-BASE")
        segment.delete()
        timings.append((service, baseline))
    service, baseline = (
        statistics.median(column) for column in zip(*timings, strict=True)
    )
    return [
        support.Result(
            f"a task per line of a segment of {lines:,} lines",
            service,
            baseline="one INSERT … SELECT of the same rows, commit included",
            baseline_seconds=baseline,
            target=TARGET,
            queries=len(queries),
        )
    ]
