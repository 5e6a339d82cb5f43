"""Scenario 6: the CSV export of every visible entry, streamed, against PostgreSQL's
own `COPY (SELECT …) TO STDOUT` of the same columns, joins and order.

The baseline's SELECT is built from the view's own query, so the two cannot drift
apart. Peak memory is sampled while the export streams: it must stay flat, a few MB
whatever the number of rows.
"""

import os
import threading

import support  # sets Django up: keep it the first third-party import
from django.db import connection
from django.urls import reverse

from interactions.views import InteractionLogEntryExportView

TARGET = 4
# Growth of the resident memory above which the export is not "flat" any more.
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


def copy_sql():
    """COPY of the SELECT the export view runs when no filter is set."""
    view = InteractionLogEntryExportView()
    sql, params = view.export_rows(view.queryset.all()).query.sql_with_params()
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return select, f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)"


def copy_to_sink(sql):
    sink = ByteCount()
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, sink)
    return sink.bytes


def megabytes(value):
    return f"{value / 2**20:.1f} MB"


def run(args):
    client = support.logged_in_client(support.sales_user())
    url = reverse("interactions:entry_export")
    view = InteractionLogEntryExportView()
    entries = view.export_rows(view.queryset.all()).count()
    select, copy = copy_sql()

    # The warm-up runs: the SELECT timed under COPY must be the one the view ran.
    _response, queries = support.fetch(client, url)
    if not any(select in sql for sql in queries):
        raise RuntimeError("The COPY baseline's SELECT is not the one the view ran.")
    copy_bytes = copy_to_sink(copy)

    samples = []

    def export():
        with PeakResident() as memory:
            support.fetch(client, url)
        samples.append(memory)

    seconds = support.median_seconds(export, args.repeat, warmup=0)
    copy_seconds = support.median_seconds(
        lambda: copy_to_sink(copy), args.repeat, warmup=0
    )

    memory = max(samples, key=lambda sample: sample.growth)
    flat = memory.growth <= FLAT_BYTES
    notes = [
        f"peak RSS +{megabytes(memory.growth)} (from {megabytes(memory.start)} "
        f"to {megabytes(memory.peak)}), the largest of {len(samples)} exports"
        + ("" if flat else f": NOT FLAT, over {megabytes(FLAT_BYTES)}"),
        f"COPY wrote {megabytes(copy_bytes)} of CSV",
        f"{len(queries)} queries: one server-side cursor for the rows",
    ]
    return [
        support.Result(
            scenario=f"CSV export of {entries:,} entries, streamed",
            seconds=seconds,
            baseline="COPY (SELECT the same columns, joins, order) TO STDOUT, CSV",
            baseline_seconds=copy_seconds,
            target=TARGET,
            queries=len(queries),
            notes=notes,
        )
    ]
