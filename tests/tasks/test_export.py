"""The task list's export (Exporteren): the list's filters and the tasks the user may
see, Dutch labels and formats, typed cells, the codes form, and the audit record."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditRecord
from tests.exports import code_rows, csv_rows, download, filename, workbook
from tests.factories import (
    CompanyFactory,
    PersonFactory,
    SalespersonFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def tasks(sales_user):
    own = SalespersonFactory(code="AB", user=sales_user)
    company = CompanyFactory(no="CT00001", name="Bakkerij Jansen")
    call = TaskFactory(
        no="TK00001",
        type="phone_call",
        description="Offerte nabellen",
        contact=PersonFactory(no="CT00002", name="Anouk de Graaf", company=company),
        contact_company=company,
        salesperson=own,
        date=datetime.date(2026, 12, 4),
        start_time=datetime.time(10, 30),
        priority="high",
    )
    TaskFactory(
        no="TK00002",
        description="Afgerond",
        salesperson=own,
        closed=True,
        status="completed",
        date_closed=datetime.date(2026, 12, 1),
    )
    # Another salesperson's: Sales does not see it, so it is not in their file.
    TaskFactory(no="TK00003", salesperson=SalespersonFactory(code="ZZ"))
    return call


def test_tasks_in_excel_in_dutch(sales_client, tasks):
    url = reverse("tasks:task_export", args=["xlsx"])

    response = download(sales_client, url, "nl", closed="false")

    assert filename(response) == "taken-2026-12-03.xlsx"
    (header, row) = workbook(response).active.iter_rows()
    assert [cell.value for cell in header] == [
        "Nr.",
        "Datum",
        "Begintijd",
        "Einddatum",
        "Omschrijving",
        "Soort",
        "Contactnr.",
        "Contactnaam",
        "Bedrijfsnr.",
        "Verkoper",
        "Prioriteit",
        "Status",
        "Gesloten",
        "Datum gesloten",
        "Geannuleerd",
        "Segmentnr.",
    ]
    assert [cell.value for cell in row] == [
        "TK00001",
        datetime.datetime(2026, 12, 4),
        datetime.time(10, 30),
        None,
        "Offerte nabellen",
        "Telefoongesprek",
        "CT00002",
        "Anouk de Graaf",
        "CT00001",
        "AB",
        "Hoog",
        "Niet gestart",
        "Nee",
        None,
        "Nee",
        None,
    ]
    assert row[1].number_format == "dd-mm-yyyy"


def test_tasks_in_csv_and_codes_only_those_the_user_sees(sales_client, tasks):
    csv_url = reverse("tasks:task_export", args=["csv"])
    codes_url = reverse("tasks:task_export", args=["codes.csv"])

    _header, *rows = csv_rows(download(sales_client, csv_url, "nl", ordering="no"), ";")
    codes = code_rows(download(sales_client, codes_url, "nl", ordering="no"))

    assert [row[0] for row in rows] == ["TK00001", "TK00002"]
    assert rows[1][12:14] == ["Ja", "01-12-2026"]
    assert codes[0]["type"] == "phone_call"
    assert codes[0]["priority"] == "high"
    assert [row["no"] for row in codes] == ["TK00001", "TK00002"]
    record = AuditRecord.objects.filter(action="exported").latest("pk")
    assert (record.object_repr, record.count, record.details["format"]) == (
        "Taken",
        2,
        "codes.csv",
    )


def test_the_task_list_offers_the_export_with_its_filters(sales_client, tasks):
    html = sales_client.get(
        reverse("tasks:task_list"), {"closed": "false"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert f"{reverse('tasks:task_export', args=['xlsx'])}?closed=false" in html


def test_the_export_reads_the_same_queries_however_many_tasks(
    sales_client, tasks, django_assert_max_num_queries
):
    url = reverse("tasks:task_export", args=["xlsx"])
    with django_assert_max_num_queries(20) as few:
        workbook(download(sales_client, url))
    TaskFactory.create_batch(30, salesperson=tasks.salesperson)

    with django_assert_max_num_queries(len(few)):
        sheet = workbook(download(sales_client, url)).active
    assert sheet.max_row == 1 + 32
