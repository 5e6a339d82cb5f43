"""Scenario 1: log a segment of 100,000 lines against one bare INSERT … SELECT.

Each repeat times add_contacts (the segment's lines), then log_segment, then, as the
baseline, one INSERT … SELECT that writes the same rows into the interaction log
entry table; the entries both write are removed again (untimed). Target (issue):
log_segment / INSERT … SELECT ≤ 1.5. Of log_segment's time, the statements that
add the new entries to the statistics tables are also shown against the baseline
(issue 19: what keeping the start page's figures costs a bulk operation).
"""

import statistics
import time

import support
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions.models import (
    InteractionDailyStatistics,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTotalStatistics,
)
from interactions.services import remove_statistics
from segments.models import LoggedSegment, Segment, SegmentLine
from segments.services import add_contacts, create_segment, log_segment

TARGET = 1.5
PREFIX = "SLB-P"  # numbers of the benchmark's persons: SLB-P0000000, SLB-P0000001, …
BATCH = 5000


def prepare(lines):
    """The series, salesperson, template and `lines` persons; kept between runs."""
    series = NumberSeries.objects.get_or_create(
        code="SLBENCH", defaults={"description": "Segment bench", "prefix": "SLB"}
    )[0]
    setup = MarketingSetup.load()
    if setup.segment_nos_id is None:
        setup.segment_nos = series
        setup.save()
    salesperson = Salesperson.objects.get_or_create(code="SLB", name="Segment bench")[0]
    group = InteractionGroup.objects.get_or_create(code="SLB")[0]
    template = InteractionTemplate.objects.get_or_create(
        code="SLB",
        defaults={
            "group": group,
            "description": "Segment bench",
            "unit_cost": "1.50",
            "unit_duration": 5,
            "information_flow": InteractionTemplate.InformationFlow.OUTBOUND,
            "initiated_by": InteractionTemplate.InitiatedBy.US,
        },
    )[0]
    company = Contact.objects.get_or_create(
        no="SLB-CO", defaults={"name": "Segment bench company", "type": "company"}
    )[0]
    existing = Contact.objects.filter(company=company).count()
    if existing < lines:
        started = time.perf_counter()
        Contact.objects.bulk_create(
            (
                Contact(
                    no=f"{PREFIX}{n:07d}",
                    name=f"Bench person {n}",
                    type=Contact.Type.PERSON,
                    company=company,
                    # Every third contact has its own type: the CASE in add_contacts.
                    correspondence_type="email" if n % 3 == 0 else "",
                )
                for n in range(existing, lines)
            ),
            batch_size=BATCH,
        )
        print(
            f"created {lines - existing} contacts in "
            f"{time.perf_counter() - started:.1f} s"
        )
    # The first `lines` persons, whatever an earlier, larger run left behind.
    contacts = Contact.objects.filter(company=company, no__lt=f"{PREFIX}{lines:07d}")
    return template, salesperson, company, contacts


def vacuum():
    """Start every timed step from the same table state: no dead rows, fresh stats."""
    support.vacuum(Contact, InteractionLogEntry, SegmentLine, Segment, LoggedSegment)


def clean_up(logged_segment):
    """Remove the entries and the logged segment one step wrote, and the entries
    from the statistics (untimed)."""
    entry_table = connection.ops.quote_name(InteractionLogEntry._meta.db_table)
    logged_column = InteractionLogEntry._meta.get_field("logged_segment").column
    with transaction.atomic(), connection.cursor() as cursor:
        remove_statistics(
            InteractionLogEntry.objects.filter(logged_segment=logged_segment)
        )
        cursor.execute(
            f"DELETE FROM {entry_table} "
            f"WHERE {connection.ops.quote_name(logged_column)} = %s",
            [logged_segment.pk],
        )
        LoggedSegment.objects.filter(pk=logged_segment.pk).delete()


def new_segment(template, salesperson, contacts, lines):
    segment = create_segment(
        user=None,
        description="Segment log benchmark",
        template=template,
        salesperson=salesperson,
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        added = add_contacts(segment, contacts)
        seconds = time.perf_counter() - started
    assert added == lines, (added, lines)
    return segment, seconds, len(queries)


def baseline_sql(segment, logged_segment, template, company):
    """One INSERT … SELECT writing the rows log_segment writes for `segment`.

    The same column list and values as _insert_entries, taken from the lines, but
    without its joins to the contact and template tables: the group and the contact
    company are the same for every bench line, so they are constants here. What is
    left is the bare cost of writing the rows (heap, indexes, foreign key checks) and
    reading the lines in order, against which log_segment's overhead is measured.
    """
    entry = InteractionLogEntry._meta
    line = SegmentLine._meta
    quote = connection.ops.quote_name
    from_line = {
        "contact",
        "template",
        "description",
        "subject",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "salesperson",
        "attachment",
    }
    now = timezone.now()
    constants = {
        "group": template.group_id,
        "contact_company": company.pk,
        "date": segment.date,
        "time": timezone.localtime(now).time().replace(second=0, microsecond=0),
        "segment_no": segment.no,
        "logged_segment": logged_segment.pk,
        "created_by": None,
        "created_at": now,
    }
    columns, selects, params = [], [], []
    for field in entry.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name in from_line:
            selects.append(f"l.{quote(line.get_field(field.name).column)}")
            continue
        if field.name in constants:
            value = constants[field.name]
        else:
            value = field.get_default()  # as in _insert_entries: the model's default
        selects.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(entry.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {quote(line.db_table)} l "
        f"WHERE l.{quote(line.get_field('segment').column)} = %s "
        # As in _insert_entries: entry numbers follow the lines.
        f"ORDER BY l.{quote(line.pk.column)}"
    )
    return sql, [*params, segment.pk]


def time_baseline(template, salesperson, company, contacts, lines):
    segment = new_segment(template, salesperson, contacts, lines)[0]
    logged_segment = LoggedSegment.objects.create(
        segment_no=f"{segment.no}-BASE", description=segment.description
    )
    sql, params = baseline_sql(segment, logged_segment, template, company)
    vacuum()
    # Timed with its commit, as log_segment's own transaction is.
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
        executed = time.perf_counter()
    finished = time.perf_counter()
    assert written == lines, (written, lines)
    segment.delete()
    clean_up(logged_segment)
    return finished - started, finished - executed


def time_log_segment(template, salesperson, contacts, lines):
    vacuum()
    segment, add_seconds, add_queries = new_segment(
        template, salesperson, contacts, lines
    )
    vacuum()  # as before the baseline's INSERT: fresh statistics on the new lines
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        logged_segment, _follow_up = log_segment(segment, user=None)
        seconds = time.perf_counter() - started
    written = InteractionLogEntry.objects.filter(logged_segment=logged_segment).count()
    assert written == lines, (written, lines)
    clean_up(logged_segment)
    return add_seconds, add_queries, seconds, list(queries)


STATISTICS_TABLES = tuple(
    model._meta.db_table
    for model in (InteractionDailyStatistics, InteractionTotalStatistics)
)


def statistics_seconds(queries):
    """The time of log_segment's statements that write the statistics tables."""
    return sum(
        float(query["time"])
        for query in queries
        if query["sql"].startswith("WITH")
        and any(table in query["sql"] for table in STATISTICS_TABLES)
    )


def run(args):
    lines = args.segment_lines
    template, salesperson, company, contacts = prepare(lines)
    results = []
    for _repeat in range(args.repeat):
        add, add_queries, log, log_queries = time_log_segment(
            template, salesperson, contacts, lines
        )
        insert, insert_commit = time_baseline(
            template, salesperson, company, contacts, lines
        )
        results.append((add, log, insert, statistics_seconds(log_queries)))
    adds, logs, inserts, statistics_writes = (
        statistics.median(column) for column in zip(*results, strict=True)
    )
    slowest = max(log_queries, key=lambda query: float(query["time"]))
    return [
        support.Result(
            f"log a segment of {lines:,} lines",
            logs,
            baseline="one INSERT … SELECT of the same rows, commit included",
            baseline_seconds=inserts,
            target=TARGET,
            queries=len(log_queries),
            notes=[
                f"the baseline's COMMIT (deferred foreign key checks) took "
                f"{insert_commit:.3f} s",
                f"log_segment's slowest statement: {float(slowest['time']):.3f} s "
                f"{' '.join(slowest['sql'].split())[:60]}…",
            ],
        ),
        support.Result(
            f"statistics of a logged segment of {lines:,} lines",
            statistics_writes,
            baseline="one INSERT … SELECT of the same rows, commit included",
            baseline_seconds=inserts,
            notes=[
                "part of log_segment's time: one INSERT … SELECT … GROUP BY … ON "
                "CONFLICT DO UPDATE per statistics table over the new entries"
            ],
        ),
        support.Result(
            f"add {lines:,} contacts to a segment",
            adds,
            queries=add_queries,
            notes=["one INSERT … SELECT … ON CONFLICT DO NOTHING; no baseline"],
        ),
    ]
