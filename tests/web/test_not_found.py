"""handler404: a form sent for a record deleted since its page was opened says
that nothing was saved; a page asked for that does not exist says "not found"."""

import pytest
from django.urls import reverse

from crm import services
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_saving_a_contact_someone_else_deleted_says_it_was_not_saved(
    sales_client, sales_user
):
    company = CompanyFactory(name="Weg B.V.")
    url = reverse("crm:contact_update", args=[company.pk])
    services.delete_contact(company, user=sales_user)

    response = sales_client.post(
        url,
        {"type": "company", "name": "Weg B.V.", "phone": "020"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 404
    content = response.content.decode()
    assert "Niet opgeslagen" in content
    assert (
        "Wat u wilde wijzigen bestaat niet meer: een andere gebruiker heeft het "
        "verwijderd nadat u de pagina opende"
    ) in content


def test_opening_a_page_that_does_not_exist_says_not_found(sales_client):
    response = sales_client.get(
        reverse("crm:contact_update", args=[999999]), HTTP_ACCEPT_LANGUAGE="nl"
    )

    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    assert "Niet opgeslagen" not in response.content.decode()
