"""Spreadsheet downloads of filtered lists: CSV streamed batch by batch, or an Excel
workbook. Cells a spreadsheet would run as a formula are neutralised in both."""

import contextlib
import csv
import io
import tempfile
from itertools import islice

from django.db import connections, transaction
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Spreadsheets run a cell starting with one of these as a formula; a ' in front of it
# shows the text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The value, with a ' in front when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class SpreadsheetExportMixin:
    """A list view (FilterView) that answers with its filtered rows as a download.

    `columns` are (values_list lookup, header) pairs. Lookups in `formula_safe` hold
    numbers, dates, booleans or choice codes (CheckConstraints hold them), which cannot
    start a formula; every other column is neutralised, new ones too.
    """

    columns = []
    formula_safe = set()
    filename = "export"
    file_format = "csv"  # or "xlsx"
    # Rows per database fetch and per chunk sent: a chunk per row costs more than
    # writing the row (bench/scenarios/export.py).
    chunk_size = 5000

    def export_rows(self, queryset):
        """The columns of `queryset`'s rows as tuples."""
        return queryset.values_list(*[name for name, _label in self.columns])

    def batches(self, rows):
        """Lists of up to chunk_size neutralised rows, read by a server-side cursor."""
        text_positions = [
            position
            for position, (name, _label) in enumerate(self.columns)
            if name not in self.formula_safe
        ]

        def neutralised(row):
            row = list(row)
            for position in text_positions:
                row[position] = neutralise(row[position])
            return row

        # In a transaction PostgreSQL's server-side cursor needs no WITH HOLD, which
        # would build the whole result before the first row is sent. Not on SQLite:
        # its transactions take the write lock for the whole download.
        postgresql = connections[rows.db].vendor == "postgresql"
        with transaction.atomic() if postgresql else contextlib.nullcontext():
            chunks = rows.iterator(chunk_size=self.chunk_size)
            try:
                while batch := list(islice(chunks, self.chunk_size)):
                    yield [neutralised(row) for row in batch]
            finally:
                # Close the cursor inside its transaction, also when the client leaves
                # early: once the transaction ends, closing it fails.
                chunks.close()

    def headers(self):
        return [str(label) for _name, label in self.columns]

    def render_to_response(self, context):
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.invalid_filters_response()
        rows = self.export_rows(self.object_list)
        filename = f"{self.filename}-{timezone.localdate():%Y%m%d}.{self.file_format}"
        if self.file_format == "xlsx":
            return self.xlsx_response(rows, filename)
        return self.csv_response(rows, filename)

    def invalid_filters_response(self):
        """400 naming the filters that cannot be read: a file cannot show the form's
        errors, and an empty one would hide them."""
        form = self.filterset.form
        lines = [
            f"{form.fields[name].label if name in form.fields else ''}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponseBadRequest(
            "\n".join(lines), content_type="text/plain; charset=utf-8"
        )

    def csv_response(self, rows, filename):
        def stream():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(self.headers())
            for batch in self.batches(rows):
                writer.writerows(batch)
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            if buffer.tell():  # no rows: the header alone
                yield buffer.getvalue()

        response = StreamingHttpResponse(
            stream(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def xlsx_response(self, rows, filename):
        """A workbook of one sheet, written row by row to a temporary file: openpyxl's
        write-only mode keeps no rows in memory."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(self.headers())
        for batch in self.batches(rows):
            for row in batch:
                # Control characters are not allowed in a workbook's XML.
                sheet.append(
                    [
                        ILLEGAL_CHARACTERS_RE.sub("", value)
                        if isinstance(value, str)
                        else value
                        for value in row
                    ]
                )
        file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
        workbook.save(file)
        file.seek(0)
        return FileResponse(
            file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )
