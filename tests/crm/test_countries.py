"""A contact's country is NAV's Land/regio code: stored as the ISO code, typed as
the code or the name in Dutch or English, chosen by its name on the contact form,
found by either in the list's filter (crm.countries)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from crm import services
from crm.countries import country_choices, country_code, country_name
from crm.models import Contact
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("NL", "NL"),
        ("nl", "NL"),
        ("Nederland", "NL"),
        (" netherlands ", "NL"),
        ("België", "BE"),
        ("belgie", "BE"),
        ("Belgium", "BE"),
        ("Duitsland", "DE"),
        ("Verenigd Koninkrijk", "GB"),
        ("United Kingdom", "GB"),
        ("Atlantis", None),
        ("EU", None),  # a union, not a country one writes to
        ("", None),
    ],
)
def test_a_country_is_known_by_its_code_or_its_name(typed, code):
    assert country_code(typed) == code


def test_names_and_choices_in_the_users_language():
    with translation.override("nl"):
        assert country_name("DE") == "Duitsland"
        choices = dict(country_choices())
        assert choices["NL"] == "Nederland"
        names = [name for _code, name in country_choices()]
        assert names.index("België") < names.index("Duitsland") < names.index("Zweden")
    with translation.override("en"):
        assert country_name("DE") == "Germany"
    assert country_name("Holland") == "Holland"  # stored before codes: as it is
    assert "EU" not in dict(country_choices())


@pytest.mark.django_db
def test_the_service_stores_the_code_and_refuses_what_is_no_country(marketing_setup):
    contact = services.create_contact(
        user=None, type="person", name="Noëlle de Wit", country="Nederland"
    )
    assert Contact.objects.get(pk=contact.pk).country == "NL"
    services.update_contact(contact, user=None, country="belgië")
    assert Contact.objects.get(pk=contact.pk).country == "BE"
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        services.update_contact(contact, user=None, country="Atlantis")
    assert refused.value.message_dict == {
        "country": [
            "“Atlantis” is geen land: vul de code in, zoals NL, of de naam, "
            "zoals Nederland."
        ]
    }
    assert Contact.objects.get(pk=contact.pk).country == "BE"


@pytest.mark.django_db
def test_the_form_chooses_a_country_by_its_dutch_name(sales_client, marketing_setup):
    page = sales_client.get(
        reverse("crm:contact_create"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert '<option value="NL">Nederland</option>' in page
    assert '<option value="" selected>(geen)</option>' in page
    # A value stored before countries were codes stays on the form until replaced.
    old = PersonFactory(country="Holland")
    page = sales_client.get(
        reverse("crm:contact_update", args=[old.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert '<option value="Holland" selected>Holland</option>' in page


@pytest.mark.django_db
def test_the_list_finds_a_country_by_its_name(sales_client):
    dutch = PersonFactory(country="NL")
    PersonFactory(country="BE")
    for typed in ("NL", "nl", "Nederland", "netherlands"):
        response = sales_client.get(
            reverse("crm:contact_list"), {"country": typed, "type": "person"}
        )
        assert list(response.context["object_list"]) == [dutch], typed


@pytest.mark.django_db
def test_the_card_names_the_country(sales_client):
    contact = PersonFactory(country="BE")
    page = sales_client.get(
        contact.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert '<dd class="col-sm-8">België</dd>' in page
