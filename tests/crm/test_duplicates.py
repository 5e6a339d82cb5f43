"""The new-contact page asks before making a contact that may exist already (the
same type and name, or the same e-mail address): a resent form or a second
colleague typing the same company in gets the existing card offered first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Contact
from crm.selectors import DUPLICATES_SHOWN, possible_duplicates
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("crm:contact_create")


def names(contacts):
    return [contact.name for contact in contacts]


def test_the_same_name_of_the_same_type_whatever_its_case_and_spaces():
    company = CompanyFactory(name="Bakkerij Jansen B.V.")
    CompanyFactory(name="Bakkerij Jansen")

    found = possible_duplicates(type="company", name="  bakkerij JANSEN b.v. ")

    assert found == [company]


def test_a_person_of_the_same_name_as_a_company_is_no_duplicate():
    CompanyFactory(name="Jan Visser")

    assert possible_duplicates(type="person", name="Jan Visser") == []


def test_the_same_email_address_of_any_name_or_type():
    person = PersonFactory(name="J. Visser", email="Jan.Visser@Example.nl")

    found = possible_duplicates(
        type="company", name="Visser Advies", email=" jan.visser@example.NL"
    )

    assert found == [person]


def test_a_blank_email_address_matches_nothing():
    CompanyFactory(name="Acme", email="")

    assert possible_duplicates(type="company", name="Other", email="") == []


def test_anonymised_contacts_are_left_out():
    CompanyFactory(name="Acme", erased_at=timezone.now())

    assert possible_duplicates(type="company", name="Acme") == []


def test_at_most_a_few_newest_first_in_one_query():
    made = [CompanyFactory(name="Acme") for _ in range(DUPLICATES_SHOWN + 2)]

    with CaptureQueriesContext(connection) as queries:
        found = possible_duplicates(type="company", name="Acme")
        [contact.company for contact in found]

    assert found == made[::-1][:DUPLICATES_SHOWN]
    assert len(queries) == 1


def form(**values):
    data = {"type": "company", "name": "Bakkerij Jansen", "correspondence_type": ""}
    data.update(values)
    return {key: value for key, value in data.items() if value != ""}


def test_a_new_name_is_made_at_once(sales_client, marketing_setup):
    response = sales_client.post(URL, form())

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response.url == contact.get_absolute_url()


def test_a_possible_duplicate_is_asked_about_and_nothing_is_made(
    sales_client, marketing_setup
):
    existing = CompanyFactory(
        name="Bakkerij Jansen", city="Utrecht", email="info@jansen.example"
    )

    response = sales_client.post(URL, form(name="bakkerij jansen"))

    assert response.status_code == 200
    assert Contact.objects.get() == existing
    html = response.content.decode()
    assert "A contact with this name or e-mail address exists already." in html
    assert (
        f'<a href="{existing.get_absolute_url()}">{existing.no} Bakkerij Jansen</a>'
        f" · Utrecht · info@jansen.example" in html
    )
    assert f'name="duplicate_of" value="{existing.pk}"' in html
    # The form keeps what was typed.
    assert 'value="bakkerij jansen"' in html


def test_create_anyway_makes_it(sales_client, marketing_setup):
    existing = CompanyFactory(name="Bakkerij Jansen")

    response = sales_client.post(URL, form(duplicate_of=existing.pk))

    assert response.status_code == 302
    assert Contact.objects.filter(name="Bakkerij Jansen").count() == 2


def test_one_made_in_the_meantime_is_asked_about_in_turn(sales_client, marketing_setup):
    seen = CompanyFactory(name="Bakkerij Jansen")
    newer = CompanyFactory(name="Bakkerij Jansen")

    response = sales_client.post(URL, form(duplicate_of=seen.pk))

    assert response.status_code == 200
    assert Contact.objects.count() == 2
    assert f'name="duplicate_of" value="{newer.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "9" * 30, "1 OR 1=1"])
def test_a_confirmation_of_nothing_seen_asks_again(
    sales_client, marketing_setup, value
):
    CompanyFactory(name="Bakkerij Jansen")

    response = sales_client.post(URL, form(duplicate_of=value))

    assert response.status_code == 200
    assert Contact.objects.count() == 1


def test_a_resent_form_after_going_back_asks_first(sales_client, marketing_setup):
    """The browser's Back after saving, then Save again: the second is asked."""
    sales_client.post(URL, form(email="info@jansen.example"))

    response = sales_client.post(URL, form(email="info@jansen.example"))

    assert response.status_code == 200
    assert Contact.objects.count() == 1
    assert "Create anyway" in response.content.decode()


def test_a_form_with_errors_shows_them_without_asking(sales_client, marketing_setup):
    CompanyFactory(name="Bakkerij Jansen")

    response = sales_client.post(URL, form(email="not an address"))

    assert response.status_code == 400
    assert "Create anyway" not in response.content.decode()
