"""The admin's change forms cannot overwrite a newer change either (web.versions,
as the CRM's own edit pages): the form carries the version of the row it was
opened on, and saving after someone else's change is refused with the message."""

import pytest
from django.urls import reverse

from crm import services
from crm.models import Salesperson
from tests.factories import SalespersonFactory
from web.versions import row_version

pytestmark = pytest.mark.django_db


def form_data(response):
    """What the change form would send as it is shown (hidden version included)."""
    form = response.context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None
    }
    if response.context.get("row_version"):
        data["version"] = response.context["row_version"]
    return data


@pytest.fixture
def page(admin_client):
    salesperson = SalespersonFactory(code="AV", name="Anna Visser", phone="")
    url = reverse("admin:crm_salesperson_change", args=[salesperson.pk])
    return salesperson, url, admin_client.get(url)


def test_the_change_form_carries_the_rows_version(page):
    salesperson, _url, response = page

    assert (
        f'<input type="hidden" name="version" value="{row_version(salesperson)}">'
        in response.content.decode()
    )


def test_an_unchanged_row_is_saved(admin_client, page):
    salesperson, url, response = page

    saved = admin_client.post(url, {**form_data(response), "name": "Anna de Vries"})

    assert saved.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.name == "Anna de Vries"


def test_a_row_changed_since_the_page_opened_is_refused(admin_client, page):
    salesperson, url, response = page
    other = Salesperson.objects.get(pk=salesperson.pk)
    other.phone = "030 123 45 67"
    services.save_salesperson(other, user=None)

    refused = admin_client.post(url, {**form_data(response), "name": "Anna de Vries"})

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else changed salesperson" in html
    assert "030 123 45 67" in html
    salesperson.refresh_from_db()
    assert (salesperson.name, salesperson.phone) == ("Anna Visser", "030 123 45 67")
    # Shown again, the form keeps the version it was opened on: saving once more
    # is refused too, until the page is opened again.
    again = admin_client.post(url, form_data(refused))
    assert again.status_code == 200
    assert "Someone else changed salesperson" in again.content.decode()
    reopened = admin_client.get(url)
    assert admin_client.post(url, form_data(reopened)).status_code == 302


def test_a_form_without_a_version_is_saved_as_before(admin_client, page):
    _salesperson, url, response = page
    data = form_data(response)
    del data["version"]

    assert admin_client.post(url, {**data, "name": "Anna de Vries"}).status_code == 302


def test_the_add_form_carries_none(admin_client):
    html = admin_client.get(reverse("admin:crm_salesperson_add")).content.decode()

    assert 'name="version"' not in html
