"""Contact import: a CSV of --rows contacts through crm.contact_import.import_contacts
(the service behind the import page's job and `manage.py import_contacts`) against
PostgreSQL's COPY of the same rows into the same table (psycopg2 copy_expert).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_import \\
        .venv/bin/python bench/import_contacts.py [--rows 100000] [--repeat 1]

Also a scenario of bench/run.py (`--only import_contacts`, as many rows as
--import-rows). Every row is new, numbered from the contact series, and names a
company (by no.) and a salesperson (by code), so the service does its lookups; the
COPY gets the same values already resolved. Both sides commit, and the rows they
added are deleted again (the series set back) before the next run. Target (issue
18): ratio ≤ 20; row by row through django-import-export it was about 16 ms a row.
"""

import argparse
import csv
import io
import time

import support  # sets Django up: keep it the first third-party import
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from crm.contact_import import import_contacts
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson

TARGET = 20
SERIES = "BENCH-IMPORT"
PREFIX = "BI"
COMPANIES = 50
COLUMNS = [
    "type",
    "name",
    "company",
    "salesperson",
    "email",
    "phone",
    "address",
    "post_code",
    "city",
    "country",
    "language_code",
    "correspondence_type",
]


def values(number):
    """The file's cells of row `number` (company and salesperson by their codes)."""
    return [
        "person",
        f"Import Contact {number}",
        f"{PREFIX}C{number % COMPANIES:03d}",
        "BENCH",
        f"contact{number}@example.nl",
        "030-1234567",
        f"Dorpsstraat {number % 300 + 1}",
        "3511 AB",
        "Utrecht",
        "NL",
        "nl",
        "email",
    ]


def csv_file(rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows(values(number) for number in range(rows))
    return text.getvalue().encode()


def prepare():
    """The series the import numbers from, the companies and the salesperson the
    rows name; set as the marketing setup's contact series for the run."""
    series, _created = NumberSeries.objects.update_or_create(
        code=SERIES, defaults={"prefix": PREFIX, "width": 8, "next_number": 1}
    )
    setup = MarketingSetup.load()
    previous = setup.contact_nos_id
    setup.contact_nos = series
    setup.save()
    salesperson, _created = Salesperson.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench Import"}
    )
    for number in range(COMPANIES):
        Contact.objects.get_or_create(
            no=f"{PREFIX}C{number:03d}",
            defaults={"name": f"Bench Company {number}", "type": "company"},
        )
    return series, salesperson, previous


def copy_rows(rows, series, salesperson):
    """The same rows as COPY text, numbers and foreign keys resolved."""
    companies = dict(
        Contact.objects.filter(no__startswith=f"{PREFIX}C").values_list("no", "pk")
    )
    now = timezone.now().isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    for number in range(rows):
        cells = values(number)
        writer.writerow(
            [
                series.format(number + 1),
                cells[0],
                cells[1],
                companies[cells[2]],
                salesperson.pk,
                *cells[4:],
                "false",
                "false",
                now,
                now,
            ]
        )
    return out.getvalue()


COPY_COLUMNS = [
    "no",
    "type",
    "name",
    "company_id",
    "salesperson_id",
    *COLUMNS[4:],
    "exclude_from_segment",
    # COPY fills every column it is not given with NULL, not Django's default.
    "privacy_blocked",
    "created_at",
    "updated_at",
]


def reset(series):
    """Remove the rows a run added and set the series back."""
    Contact.objects.filter(no__startswith=PREFIX).exclude(
        no__startswith=f"{PREFIX}C"
    ).delete()
    NumberSeries.objects.filter(pk=series.pk).update(next_number=1)
    support.vacuum(Contact)


def through_the_service(content):
    summary = import_contacts(content, "csv", user=None)
    if summary.rejected:
        raise RuntimeError(f"rows rejected: {summary.rows[:3]}")
    return summary.counts["new"]


def through_copy(text):
    table = Contact._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            io.StringIO(text),
        )
        return cursor.rowcount


def timed(function, *args):
    started = time.perf_counter()
    outcome = function(*args)
    return time.perf_counter() - started, outcome


def measure(rows, repeat):
    """(service seconds, COPY seconds): the medians of `repeat` runs each."""
    series, salesperson, previous = prepare()
    content = csv_file(rows)
    copy_text = copy_rows(rows, series, salesperson)
    service_times, copy_times = [], []
    try:
        reset(series)
        for _run in range(repeat):
            seconds, created = timed(through_the_service, content)
            if created != rows:
                raise RuntimeError(f"the service created {created:,} of {rows:,}")
            service_times.append(seconds)
            reset(series)
            seconds, copied = timed(through_copy, copy_text)
            if copied != rows:
                raise RuntimeError(f"COPY wrote {copied:,} of {rows:,}")
            copy_times.append(seconds)
            reset(series)
    finally:
        MarketingSetup.objects.filter(pk=1).update(contact_nos=previous)
    return sorted(service_times)[len(service_times) // 2], sorted(copy_times)[
        len(copy_times) // 2
    ]


def run(args):
    """The bench/run.py scenario."""
    rows = args.import_rows
    # Each run imports the whole file: three give a median without taking minutes.
    seconds, baseline = measure(rows, min(args.repeat, 3))
    return [
        support.Result(
            f"import {rows:,} contacts from CSV",
            seconds,
            baseline=f"COPY of the same {rows:,} rows (psycopg2 copy_expert)",
            baseline_seconds=baseline,
            target=TARGET,
            notes=[f"{seconds / rows * 1e6:.0f} µs a row through the service"],
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Rows to import.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each side.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    support.ensure_database()
    call_command("migrate", verbosity=0)
    seconds, baseline = measure(args.rows, args.repeat)
    print(f"service: {seconds:.2f} s for {args.rows:,} rows")
    print(f"COPY:    {baseline:.2f} s")
    print(f"ratio:   {seconds / baseline:.1f} (target ≤ {TARGET})")


if __name__ == "__main__":
    main()
