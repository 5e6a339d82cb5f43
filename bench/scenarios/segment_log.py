"""Time log_segment on a segment of 100,000 lines against one bare INSERT … SELECT.

    DJANGO_DEBUG=1 .venv/bin/python bench/segment_log.py [--lines N] [--repeat R]

Uses PostgreSQL: DATABASE_URL defaults to a scratch database, crm_bench_segments on
127.0.0.1:5432, created when missing, migrated and filled. Use a scratch one.

Each repeat times add_contacts (the segment's lines), then log_segment, then, as the
baseline, one INSERT … SELECT that writes the same rows into the interaction log
entry table. Target (issue): log_segment / INSERT … SELECT ≤ 1.5.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_segments"
)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson  # noqa: E402
from interactions.models import (  # noqa: E402
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import LoggedSegment, Segment, SegmentLine  # noqa: E402
from segments.services import add_contacts, create_segment, log_segment  # noqa: E402

TARGET = 1.5
PREFIX = "SLB-P"  # numbers of the benchmark's persons: SLB-P0000000, SLB-P0000001, …
BATCH = 5000


def ensure_database():
    """Create the PostgreSQL database DATABASE_URL names when it does not exist."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        return
    import psycopg2  # the driver Django uses here; only needed for this step
    from psycopg2 import sql

    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    server.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
            )
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(
                        sql.Identifier(settings["NAME"])
                    )
                )
    finally:
        server.close()


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
    """Start every timed step from the same table state: no dead rows, fresh stats.

    Before add_contacts the line table is analyzed empty, as autovacuum leaves it
    once segments are logged: its NOT EXISTS is then planned as a nested loop that
    scans the growing line table once per contact, which is what add_contacts costs
    here (minutes for 100,000 lines).
    """
    tables = [
        Contact._meta.db_table,
        InteractionLogEntry._meta.db_table,
        SegmentLine._meta.db_table,
        Segment._meta.db_table,
        LoggedSegment._meta.db_table,
    ]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def clean_up(logged_segment):
    """Remove the entries and the logged segment one step wrote (untimed)."""
    entry_table = connection.ops.quote_name(InteractionLogEntry._meta.db_table)
    logged_column = InteractionLogEntry._meta.get_field("logged_segment").column
    with transaction.atomic(), connection.cursor() as cursor:
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


def row(label, lines, add, log, insert):
    ratio = log / insert
    verdict = "yes" if ratio <= TARGET else "no"
    return (
        f"{label:<8}{lines:>9}{add:>15.3f}{log:>14.3f}{insert:>16.3f}"
        f"{ratio:>8.2f}  {verdict}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ensure_database()
    call_command("migrate", verbosity=0)
    template, salesperson, company, contacts = prepare(args.lines)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    results = []
    for _repeat in range(args.repeat):
        add, add_queries, log, log_queries = time_log_segment(
            template, salesperson, contacts, args.lines
        )
        insert, insert_commit = time_baseline(
            template, salesperson, company, contacts, args.lines
        )
        results.append((add, log, insert))

    print(
        f"{'repeat':<8}{'lines':>9}{'add_contacts s':>15}{'log_segment s':>14}"
        f"{'INSERT…SELECT s':>16}{'ratio':>8}  ≤ {TARGET}"
    )
    for number, (add, log, insert) in enumerate(results, 1):
        print(row(str(number), args.lines, add, log, insert))
    columns = list(zip(*results, strict=True))
    print(row("best", args.lines, *(min(column) for column in columns)))
    print(row("median", args.lines, *(statistics.median(c) for c in columns)))
    print(f"queries: add_contacts {add_queries}, log_segment {len(log_queries)}")
    # Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED: the
    # COMMIT runs a check per row and foreign key, in log_segment and baseline alike.
    print(f"baseline (last repeat): COMMIT {insert_commit:.3f} s of {insert:.3f} s")
    print("log_segment's statements (last repeat), slowest first:")
    for query in sorted(log_queries, key=lambda q: -float(q["time"]))[:6]:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']):>7.3f} s  {sql[:90]}")


if __name__ == "__main__":
    main()
