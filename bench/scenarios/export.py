"""Scenario 6: the entry list's export of about --export-rows entries (the newest,
chosen with the list's own date filter) as Excel, CSV and codes CSV, each against
PostgreSQL's own `COPY (SELECT …) TO STDOUT` of the same columns, joins, filter and
order.

The baseline's SELECT is built from the view's own FilterSet and query, so the two
cannot drift apart. Peak resident memory is sampled while each export runs: it must
stay flat, a few MB whatever the number of rows (openpyxl's write-only mode sends each
row to a temporary file; the CSV is streamed batch by batch).
"""

import os
import statistics
import threading
import time

import support  # sets Django up: keep it the first third-party import
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils.http import urlencode

from interactions.filters import InteractionLogEntryFilter
from interactions.models import InteractionLogEntry
from interactions.views import InteractionLogEntryExportView

# CSV against COPY, which writes CSV too; openpyxl's XML writing in pure Python has
# no such baseline, so its ratio is reported without a target.
TARGETS = {"csv": 4, "codes.csv": 4, "xlsx": None}
NAMES = {"xlsx": "Excel (.xlsx)", "csv": "CSV (Dutch)", "codes.csv": "CSV (codes)"}
# Growth of the resident memory above which an export is not "flat" any more.
FLAT_BYTES = 50 * 2**20
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


class PeakResident:
    """The process's peak resident memory while the block runs, sampled by a
    thread (ru_maxrss cannot be reset, so it would keep an earlier scenario's peak)."""

    def __init__(self, interval=0.005):
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, resident_bytes())

    def __enter__(self):
        self.start = self.peak = resident_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())

    @property
    def growth(self):
        return self.peak - self.start


class ByteCount:
    """A file-like sink that only counts what COPY writes to it."""

    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)


def newest_rows_filter(rows):
    """The list's filter (`date_from`) that selects about the `rows` newest entries
    (all entries of the last day it reaches, so a few more)."""
    day = (
        InteractionLogEntry.objects.visible()
        .order_by("-date")
        .values_list("date", flat=True)[rows - 1 : rows]
        .first()
    )
    return {"date_from": day.isoformat()} if day else {}


def copy_sql(query):
    """COPY of the SELECT the export view runs for `query`."""
    view = InteractionLogEntryExportView()
    entries = InteractionLogEntryFilter(
        QueryDict(urlencode(query)), queryset=view.queryset.all()
    ).qs
    rows = entries.values_list(*[column.lookup for column in view.columns])
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return rows.count(), select, f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)"


def copy_to_sink(sql):
    sink = ByteCount()
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, sink)
    return sink.bytes


def download(client, url):
    """The size of the file `url` answers with, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        size = sum(map(len, response)) if response.streaming else len(response.content)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return size, [query["sql"] for query in queries]


def megabytes(value):
    return f"{value / 2**20:.1f} MB"


# The writer measured in the request: above EXPORT_JOB_THRESHOLD a job runs the same
# view and writer into a file.
@override_settings(EXPORT_JOB_THRESHOLD=10**9)
def run(args):
    client = support.logged_in_client(support.sales_user())
    query = newest_rows_filter(args.export_rows)
    count, select, copy = copy_sql(query)
    copy_bytes = copy_to_sink(copy)
    copy_seconds = support.median_seconds(
        lambda: copy_to_sink(copy), args.repeat, warmup=0
    )
    results = []
    for file_format, target in TARGETS.items():
        url = f"{reverse('interactions:entry_export', args=[file_format])}?"
        url += urlencode(query)
        # The warm-up run: the SELECT timed under COPY must be the one the view ran.
        size, queries = download(client, url)
        if not any(select in sql for sql in queries):
            raise RuntimeError("COPY's SELECT is not the one the view ran.")
        samples = []

        cpu = []

        def export(url=url, samples=samples, cpu=cpu):
            started = time.process_time()
            with PeakResident() as memory:
                support.fetch(client, url)
            cpu.append(time.process_time() - started)
            samples.append(memory)

        seconds = support.median_seconds(export, args.repeat, warmup=0)
        memory = max(samples, key=lambda sample: sample.growth)
        flat = memory.growth <= FLAT_BYTES
        results.append(
            support.Result(
                scenario=f"{NAMES[file_format]} export of {count:,} entries",
                seconds=seconds,
                baseline=(
                    "COPY (SELECT the same columns, joins, filter, order) TO STDOUT"
                ),
                baseline_seconds=copy_seconds,
                target=target,
                queries=len(queries),
                notes=[
                    f"peak RSS +{megabytes(memory.growth)} (from "
                    f"{megabytes(memory.start)} to {megabytes(memory.peak)}), the "
                    f"largest of {len(samples)} exports"
                    + ("" if flat else f": NOT FLAT, over {megabytes(FLAT_BYTES)}"),
                    f"{count / seconds:,.0f} rows/s; file {megabytes(size)}, COPY "
                    f"wrote {megabytes(copy_bytes)} of CSV in {copy_seconds:.2f} s",
                    f"CPU {statistics.median(cpu):.1f} s of this process (the wall "
                    "time above includes waiting on a busy machine and the database)",
                    f"filter {urlencode(query) or '(none)'}; {len(queries)} queries",
                ],
            )
        )
    return results
