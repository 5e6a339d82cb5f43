"""The audit trail's export: its filters, typed moments, labels and details."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditRecord
from tests.exports import code_rows, csv_rows, download, workbook
from tests.factories import AuditRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(file_format):
    return reverse("audit:export", args=[file_format])


@pytest.fixture
def records():
    marieke = UserFactory(username="marieke", first_name="Marieke", last_name="Smit")
    AuditRecordFactory(
        user=marieke,
        at=datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC),
        action="evaluated",
        username="marieke",
        object_type="interaction_log_entry",
        object_id="",
        object_repr="",
        count=12,
        details={"filters": {"contact": "CT1"}, "evaluation": "positive"},
    )
    AuditRecordFactory(action="deleted", username="jan")


def test_excel_in_dutch(crm_admin_client, records):
    response = download(crm_admin_client, url("xlsx"), "nl", action="evaluated")

    header, row = workbook(response).active.iter_rows()
    # Headed as the page heads its columns ("Aantal", not the button "Tellen").
    assert [cell.value for cell in header] == [
        "Wanneer",
        "Gebruiker",
        "Actie",
        "Object",
        "Nr.",
        "Omschrijving",
        "Aantal",
        "Details",
    ]
    assert row[0].value == datetime.datetime(2026, 12, 2, 16, 0)
    assert row[0].number_format == "dd-mm-yyyy hh:mm"
    assert [cell.value for cell in row[1:]] == [
        "Marieke Smit",  # as the page names her; the codes CSV keeps "marieke"
        "Geëvalueerd",
        "Interactielogpost",
        None,
        None,
        12,
        "Filters: Contact = CT1; Evaluatie: Positief",
    ]


def test_csv_and_codes(crm_admin_client, records):
    _header, row = csv_rows(
        download(crm_admin_client, url("csv"), "nl", username="marieke"), ";"
    )
    (codes,) = code_rows(
        download(crm_admin_client, url("codes.csv"), "nl", username="marieke")
    )

    assert row[0] == "02-12-2026 16:00"
    assert row[1:3] == ["Marieke Smit", "Geëvalueerd"]
    assert codes == {
        "at": "2026-12-02T16:00:00+01:00",
        "username": "marieke",
        "action": "evaluated",
        "object_type": "interaction_log_entry",
        "object_id": "",
        "object_repr": "",
        "count": "12",
        "details": '{"filters": {"contact": "CT1"}, "evaluation": "positive"}',
    }


def test_sales_users_may_not_export_the_audit_trail(sales_client):
    assert sales_client.get(url("csv")).status_code == 403


def test_a_date_it_cannot_read_is_a_400(crm_admin_client):
    response = crm_admin_client.get(url("xlsx"), {"date_to": "2026-13-01"})

    assert response.status_code == 400
    assert response.content.decode() == "To: Enter a valid date."


def test_a_deleted_user_by_the_name_kept_and_one_without_full_name_by_user_name(
    crm_admin_client,
):
    AuditRecordFactory(action="deleted", username="jan")  # the user was deleted
    AuditRecordFactory(
        action="created", user=UserFactory(username="piet"), username="piet"
    )

    _header, *rows = csv_rows(
        download(crm_admin_client, url("csv"), "nl", ordering="username"), ";"
    )

    assert sorted(row[1] for row in rows) == ["jan", "piet"]


def test_the_file_holds_as_many_rows_as_its_own_record_counts(
    crm_admin_client, records
):
    before = AuditRecord.objects.count()

    _header, *rows = csv_rows(download(crm_admin_client, url("csv"), "nl"), ";")

    own = AuditRecord.objects.filter(action="exported").latest("pk")
    assert own.count == len(rows) == before
