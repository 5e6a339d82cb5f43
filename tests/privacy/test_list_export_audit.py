"""Every export of a list of contacts says who took which filter and how many rows:
the pages' exports (web.exports, tests/jobs/test_exports.py) and the admin's."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditRecord
from tests.factories import CompanyFactory, UserFactory


@pytest.fixture
def root_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    return client


def test_the_admins_contact_export_is_audited_with_its_filter_and_rows(root_client):
    CompanyFactory(city="Utrecht")
    CompanyFactory(city="Utrecht")
    CompanyFactory(city="Delft")

    response = root_client.post(
        reverse("admin:crm_contact_export") + "?country__exact=NL&q=Utrecht",
        {"format": "0", "resource": "0", "contactresource_no": "on"},
    )

    assert response.status_code == 200
    record = AuditRecord.objects.get(action=AuditAction.EXPORTED)
    assert record.username == "root"
    assert record.count == 2
    assert record.details == {
        "format": "csv",
        "filters": {"country__exact": "NL", "q": "Utrecht"},
    }


def test_the_page_export_of_contacts_is_audited_with_its_filter_and_rows(
    crm_admin_client,
):
    CompanyFactory(city="Utrecht")
    CompanyFactory(city="Delft")

    response = crm_admin_client.get(
        reverse("crm:contact_export", args=["csv"]) + "?city=Utrecht"
    )
    b"".join(response.streaming_content)

    record = AuditRecord.objects.get(action=AuditAction.EXPORTED)
    assert record.count == 1
    assert record.details["filters"] == {"city": "Utrecht"}
