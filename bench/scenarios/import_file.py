"""Scenario: reading contact files for an import (as many rows as --contacts), CSV and
Excel, through the bounded reader the import page and the admin use, against the bare
library reading the same file (csv.reader, openpyxl read-only). Also a 5 KB workbook
that declares the largest sheet Excel allows (A1:XFD1048576).

Peak memory is Python's own (tracemalloc) while the file is read: it must stay far
below the file's rows held at once, and under 300 MB for any file the bounds accept.
"""

import csv
import io
import re
import tracemalloc
import zipfile

import support  # sets Django up: keep it the first third-party import
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from crm.imports import read_dataset
from web.tabular import bounded, csv_rows, xlsx_rows

TARGET = 3
BOUND_BYTES = 300 * 2**20
COLUMNS = ["no", "type", "name", "email", "phone", "address", "post_code", "city"]


def row(number):
    return [
        f"CT{number:07d}",
        "person",
        f"Contact {number}",
        f"contact{number}@example.nl",
        "030-1234567",
        f"Dorpsstraat {number % 300 + 1}",
        "3511 AB",
        "Utrecht",
    ]


def csv_file(rows):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(row(number) for number in range(1, rows + 1))
    return text.getvalue().encode("utf-8-sig")


def xlsx_file(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(COLUMNS)
    for number in range(1, rows + 1):
        sheet.append(row(number))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def forged_workbook():
    """Two rows, the sheet claiming 1,048,576 rows of 16,384 cells."""
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append(row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    forged = io.BytesIO()
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"<dimension[^>]*/>", b'<dimension ref="A1:XFD1048576"/>', data
                )
            target.writestr(member, data)
    return forged.getvalue()


def count(rows):
    return sum(1 for _row in rows)


def bare_csv(content):
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    return count(csv.reader(text, delimiter=";"))


def bare_xlsx(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return count(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()


def peak(read, content):
    """(what read returned or the error it raised, peak bytes Python held)."""
    tracemalloc.start()
    try:
        try:
            outcome = read(content)
        except ValidationError as error:
            outcome = error.messages[0]
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def megabytes(value):
    return f"{value / 2**20:.1f} MB"


def run(args):
    rows = args.contacts
    results = []
    files = [
        ("CSV", csv_file(rows), csv_rows, bare_csv),
        ("Excel", xlsx_file(rows), xlsx_rows, bare_xlsx),
    ]
    for name, content, reader, bare in files:
        read_rows = count(bounded(reader(content)))
        # No warm-up: there is no cache to fill, and openpyxl reads about a
        # thousand rows a second on these machines.
        seconds = support.median_seconds(
            lambda content=content, reader=reader: count(bounded(reader(content))),
            args.repeat,
            warmup=0,
        )
        bare_seconds = support.median_seconds(
            lambda content=content, bare=bare: bare(content), args.repeat, warmup=0
        )
        _rows, reader_peak = peak(lambda c, r=reader: count(bounded(r(c))), content)
        page_outcome, page_peak = peak(
            lambda c, n=name: read_dataset(c, "xlsx" if n == "Excel" else "csv"),
            content,
        )
        _rows, bare_peak = peak(bare, content)
        within = max(reader_peak, page_peak) <= BOUND_BYTES
        results.append(
            support.Result(
                scenario=f"Read {read_rows - 1:,} contact rows from {name}",
                seconds=seconds,
                baseline=f"the bare library reading the same {name} file",
                baseline_seconds=bare_seconds,
                target=TARGET,
                notes=[
                    f"file {megabytes(len(content))}; peak Python memory: bounded "
                    f"reader {megabytes(reader_peak)}, bare library "
                    f"{megabytes(bare_peak)}",
                    f"the import page's read_dataset peaks at {megabytes(page_peak)} "
                    f"({page_outcome if isinstance(page_outcome, str) else 'read'})"
                    + ("" if within else f": OVER {megabytes(BOUND_BYTES)}"),
                ],
            )
        )

    forged = forged_workbook()
    dataset, forged_peak = peak(lambda c: read_dataset(c, "xlsx"), forged)
    forged_seconds = support.median_seconds(
        lambda: read_dataset(forged, "xlsx"), args.repeat
    )
    results.append(
        support.Result(
            scenario=f"Read a {len(forged) / 1024:.1f} KB workbook sized A1:XFD1048576",
            seconds=forged_seconds,
            notes=[
                f"peak Python memory {megabytes(forged_peak)}; "
                f"{len(dataset)} data row read (before the fix it took ~2 GB)"
            ],
        )
    )
    return results
