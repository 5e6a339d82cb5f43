"""A contact's country is NAV's Land/regio code: stored as the ISO code, typed as
the code or the name in Dutch or English, chosen by its name on the contact form,
found by either in the list's filter (crm.countries)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from crm import services
from crm.countries import country_choices, country_code, country_name
from crm.models import Contact, MarketingSetup
from tests.factories import CompanyFactory, InteractionTemplateFactory, PersonFactory


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


@pytest.mark.django_db
def test_a_letter_names_the_country_in_capitals_unless_it_is_the_own_country():
    company = CompanyFactory(name="Brouwerij De Klok BV")
    person = PersonFactory(
        name="Els Peeters",
        company=company,
        address="Grote Markt 1",
        post_code="2000",
        city="Antwerpen",
        country="BE",
    )
    with translation.override("nl"):
        assert person.address_lines("NL") == [
            "Brouwerij De Klok BV",
            "Els Peeters",
            "Grote Markt 1",
            "2000 Antwerpen",
            "BELGIË",
        ]
        assert person.address_lines("BE")[-1] == "2000 Antwerpen"
        assert person.address_lines("")[-1] == "BELGIË"
    with translation.override("en"):
        assert person.address_lines("NL")[-1] == "BELGIUM"
    alone = PersonFactory(name="Piet", company=None, address="", post_code="", city="")
    alone.country = "NL"
    assert alone.address_lines("NL") == ["Piet"]


@pytest.mark.django_db
def test_the_letter_page_and_the_letters_pdf_leave_out_the_own_country(
    sales_client, marketing_setup, monkeypatch
):
    from segments.services import printing

    template = InteractionTemplateFactory(letter_text="Beste {{ contact.name }},")
    dutch = PersonFactory(name="Anouk Smit", company=None, city="Utrecht", country="NL")
    belgian = PersonFactory(name="Els Peeters", company=None, city="Gent", country="BE")
    url = reverse("interactions:letter")

    def recipient(contact):
        page = sales_client.get(
            url,
            {"contact": contact.no, "template": template.pk},
            HTTP_ACCEPT_LANGUAGE="nl",
        ).content.decode()
        return page.split('<address class="letter-recipient mb-4">')[1].split(
            "</address>"
        )[0]

    assert recipient(dutch).strip() == "Anouk Smit<br>Utrecht"
    assert recipient(belgian).strip().endswith("<br>BELGIË")

    # The PDF with Helvetica and uncompressed pages: its text is there to read.
    class PlainPDF(printing.FPDF):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.set_compression(False)

    monkeypatch.setattr(printing, "FPDF", PlainPDF)
    monkeypatch.setattr(printing, "UNICODE_FONTS", ())
    with translation.override("nl"):
        pdf = printing.letters_pdf([(dutch, "Beste Anouk,"), (belgian, "Beste Els,")])
    assert b"(BELGI\xcb)" in pdf
    assert b"NEDERLAND" not in pdf
    assert b"(Utrecht)" in pdf

    # Marketing setup's own country, chosen by its Dutch name.
    MarketingSetup.objects.update(home_country="BE")
    assert recipient(belgian).strip() == "Els Peeters<br>Gent"
    assert recipient(dutch).strip().endswith("<br>NEDERLAND")


@pytest.mark.django_db
def test_the_marketing_setup_chooses_the_own_country_by_its_name(crm_admin_client):
    url = reverse("crm:marketing_setup")
    page = crm_admin_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<option value="NL" selected>Nederland</option>' in page
    assert "Eigen land/regio" in page
    response = crm_admin_client.post(url, {"home_country": "BE"})
    assert response.status_code == 302
    assert MarketingSetup.load().home_country == "BE"
    response = crm_admin_client.post(url, {"home_country": "XX"})
    assert response.status_code == 400
    assert MarketingSetup.load().home_country == "BE"
