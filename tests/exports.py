"""Reading a list's export back as a spreadsheet program would: the workbook with
openpyxl, a CSV with the csv module."""

import csv
import io

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def body(response):
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def download(client, url, language="en", **query):
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)


def workbook(response):
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(body(response)))


def csv_text(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return body(response).decode("utf-8")


def csv_rows(response, delimiter):
    """The rows of a CSV with a byte-order mark (the localised forms)."""
    text = csv_text(response)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def code_rows(response):
    """The rows of the codes CSV as dicts: no byte-order mark, commas."""
    text = csv_text(response)
    assert not text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text)))


def filename(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("filename=", 1)[1].strip('"')


def widths(sheet):
    return {
        letter: dimension.width for letter, dimension in sheet.column_dimensions.items()
    }
