import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from crm import services
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from tests.factories import (
    CompanyFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)
from web.versions import row_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return UserFactory()


def contact_series_next_number():
    return NumberSeries.objects.get(code="CONTACT").next_number


def test_create_contact_takes_numbers_from_the_contact_series(marketing_setup, user):
    first = services.create_contact(user=user, type="company", name="Acme B.V.")
    second = services.create_contact(user=user, type="company", name="Globex Ltd")

    assert (first.no, second.no) == ("CT00001", "CT00002")
    assert Contact.objects.get(pk=second.pk).no == "CT00002"
    assert contact_series_next_number() == 3


def test_create_contact_passes_over_numbers_in_use_after_the_series_was_set_back(
    marketing_setup, user
):
    # An administrator set the series' next number back to 5 at month end; CT00005
    # and CT00006 exist. A contact with its number left blank still gets one.
    for no in ("CT00005", "CT00006"):
        services.create_contact(user=user, no=no, type="company", name=no)
    NumberSeries.objects.filter(code="CONTACT").update(next_number=5)

    contact = services.create_contact(user=user, type="company", name="Acme B.V.")

    assert contact.no == "CT00007"
    assert contact_series_next_number() == 8


def test_create_contact_keeps_an_explicit_number(marketing_setup, user):
    contact = services.create_contact(
        user=user, no="KLANT-7", type="company", name="Acme"
    )

    assert contact.no == "KLANT-7"
    assert contact_series_next_number() == 1


def test_create_contact_without_contact_series_fails_and_saves_nothing(user):
    MarketingSetup.load()

    with pytest.raises(ValidationError) as caught:
        services.create_contact(user=user, type="company", name="Acme")

    assert caught.value.messages == [
        "Set up a number series for contacts in Marketing setup."
    ]
    assert not Contact.objects.exists()


def test_create_person_with_a_company(marketing_setup, user):
    company = CompanyFactory()

    person = services.create_contact(
        user=user, type="person", name="Jan Visser", company=company
    )

    assert person.company == company
    assert list(company.persons.all()) == [person]


def test_create_contact_refuses_a_person_as_company_and_gives_the_number_back(
    marketing_setup, user
):
    other_person = PersonFactory()

    with pytest.raises(ValidationError) as caught:
        services.create_contact(
            user=user, type="person", name="Piet", company=other_person
        )

    assert caught.value.message_dict == {
        "company": ["The company must be a contact of type company."]
    }
    assert not Contact.objects.filter(name="Piet").exists()
    # The failed create rolled back, so the series has no gap.
    assert contact_series_next_number() == 1


def test_create_contact_refuses_a_company_that_belongs_to_a_company(
    marketing_setup, user
):
    parent = CompanyFactory()

    with pytest.raises(ValidationError) as caught:
        services.create_contact(user=user, type="company", name="Sub", company=parent)

    assert caught.value.message_dict == {
        "company": ["A company cannot belong to another company."]
    }
    assert not Contact.objects.filter(name="Sub").exists()


def test_create_contact_refuses_an_invalid_email(marketing_setup, user):
    with pytest.raises(ValidationError) as caught:
        services.create_contact(
            user=user, type="company", name="Acme", email="not-an-email"
        )

    assert caught.value.message_dict == {"email": ["Enter a valid email address."]}
    assert not Contact.objects.exists()


def test_create_contact_refuses_an_empty_name(marketing_setup, user):
    with pytest.raises(ValidationError) as caught:
        services.create_contact(user=user, type="company", name="")

    assert caught.value.message_dict == {"name": ["This field cannot be blank."]}


def test_create_contact_refuses_a_number_in_use(marketing_setup, user):
    CompanyFactory(no="CT00001")

    # Typed by hand; a blank number passes over it (the test above).
    with pytest.raises(ValidationError) as caught:
        services.create_contact(user=user, no="CT00001", type="company", name="Acme")

    assert caught.value.message_dict == {"no": ["No. CT00001 already exists."]}


def test_update_contact_changes_the_given_fields(user):
    company = CompanyFactory(name="Old name", city="Utrecht")

    services.update_contact(company, user=user, name="New name")

    company.refresh_from_db()
    assert (company.name, company.city) == ("New name", "Utrecht")


def test_update_contact_refuses_a_form_opened_before_another_change(user):
    """Two users open the same card; the second save must not undo the first."""
    company = CompanyFactory(name="Visgroothandel", phone="070 1", email="a@x.nl")
    seen = row_version(company)
    services.update_contact(
        Contact.objects.get(pk=company.pk),
        user=user,
        seen_version=seen,
        phone="020 555",
    )

    with pytest.raises(ValidationError) as caught:
        services.update_contact(
            Contact.objects.get(pk=company.pk),
            user=user,
            seen_version=seen,
            email="nieuw@voorbeeld.nl",
        )

    assert caught.value.code == "stale"
    assert caught.value.messages == [
        "Someone else changed contact "
        f"{company.no} Visgroothandel after you opened this page, so your changes "
        "have not been saved. Now stored: Phone “020 555”. Open the page again "
        "to see the current values, then make your changes there."
    ]
    company.refresh_from_db()
    assert (company.phone, company.email) == ("020 555", "a@x.nl")


def test_update_contact_saves_a_form_of_the_stored_version(user):
    company = CompanyFactory(phone="070 1")
    seen = row_version(company)

    services.update_contact(company, user=user, seen_version=seen, phone="020 555")
    company.refresh_from_db()
    # The timestamps a save moves are not part of the version: saving anew works.
    services.update_contact(
        company, user=user, seen_version=row_version(company), phone="020 556"
    )

    company.refresh_from_db()
    assert company.phone == "020 556"


def test_update_contact_refuses_a_contact_deleted_meanwhile(user):
    company = CompanyFactory(name="Weg B.V.")
    stale = Contact.objects.get(pk=company.pk)
    services.delete_contact(company, user=user)

    with pytest.raises(ValidationError, match="has been deleted by someone else"):
        services.update_contact(stale, user=user, phone="020 555")

    assert not Contact.objects.filter(name="Weg B.V.").exists()


def test_update_contact_refuses_a_person_as_company(user):
    person = PersonFactory()
    other_person = PersonFactory()

    with pytest.raises(ValidationError) as caught:
        services.update_contact(person, user=user, company=other_person)

    assert caught.value.message_dict == {
        "company": ["The company must be a contact of type company."]
    }
    person.refresh_from_db()
    assert person.company != other_person


def test_update_contact_refuses_a_person_as_its_own_company(user):
    person = PersonFactory()

    with pytest.raises(ValidationError) as caught:
        services.update_contact(person, user=user, company=person)

    assert caught.value.message_dict == {
        "company": ["The company must be a contact of type company."]
    }


def test_update_contact_refuses_to_turn_a_company_with_persons_into_a_person(user):
    person = PersonFactory()
    company = person.company

    with pytest.raises(ValidationError) as caught:
        services.update_contact(company, user=user, type=Contact.Type.PERSON)

    assert caught.value.message_dict == {
        "type": ["This company has persons; it cannot become a person."]
    }
    company.refresh_from_db()
    assert company.type == Contact.Type.COMPANY


def test_update_contact_turns_a_company_without_persons_into_a_person(user):
    company = CompanyFactory()
    employer = CompanyFactory()

    services.update_contact(
        company, user=user, type=Contact.Type.PERSON, company=employer
    )

    company.refresh_from_db()
    assert (company.type, company.company) == (Contact.Type.PERSON, employer)


def test_delete_contact_is_refused_while_persons_refer_to_the_company(user):
    company = CompanyFactory(no="CT00001", name="Acme B.V.")
    PersonFactory(company=company)
    PersonFactory(company=company)

    with pytest.raises(ValidationError) as caught:
        services.delete_contact(company, user=user)

    assert caught.value.messages == [
        "CT00001 Acme B.V. cannot be deleted because it is used by: 2 contacts."
    ]
    assert caught.value.code == "protected"
    assert Contact.objects.filter(pk=company.pk).exists()


def test_delete_contact_names_a_single_referring_person_in_the_singular(user):
    person = PersonFactory(company__no="CT00002", company__name="Globex")

    with pytest.raises(ValidationError) as caught:
        services.delete_contact(person.company, user=user)

    assert caught.value.messages == [
        "CT00002 Globex cannot be deleted because it is used by: 1 contact."
    ]


def test_delete_contact_deletes_an_unreferenced_contact(user):
    person = PersonFactory()
    company = person.company

    services.delete_contact(person, user=user)
    services.delete_contact(company, user=user)

    assert not Contact.objects.exists()


def test_save_salesperson_validates_before_saving(user):
    SalespersonFactory(code="JV")

    with pytest.raises(ValidationError) as caught:
        services.save_salesperson(Salesperson(code="JV", name="Jan"), user=user)

    assert caught.value.message_dict == {"code": ["Code JV already exists."]}
    assert Salesperson.objects.filter(code="JV").count() == 1


def test_save_salesperson_names_the_salesperson_a_user_is_linked_to(user, sales_user):
    SalespersonFactory(code="JV", name="Jan Visser", user=sales_user)
    other = Salesperson(code="AV", name="Anna Visser", user=sales_user)

    with pytest.raises(ValidationError) as caught, translation.override("nl"):
        services.save_salesperson(other, user=user)
    with translation.override("nl"):
        messages = caught.value.message_dict

    assert messages == {
        "user": [
            "Gebruiker sales is al gekoppeld aan verkoper JV \N{EN DASH} Jan Visser."
        ]
    }


def test_save_salesperson_refuses_a_form_opened_before_another_change(user):
    stored = SalespersonFactory(code="JV", name="Jan Visser", phone="")
    seen = row_version(stored)
    first = Salesperson.objects.get(pk=stored.pk)
    first.phone = "06 1234 5678"
    services.save_salesperson(first, user=user, seen_version=seen)
    second = Salesperson.objects.get(pk=stored.pk)
    second.name = "Jan Visser (verkoop)"
    # The form of the second user still shows the phone as it was.
    second.phone = ""

    with pytest.raises(ValidationError, match="Phone “06 1234 5678”"):
        services.save_salesperson(second, user=user, seen_version=seen)

    stored.refresh_from_db()
    assert (stored.name, stored.phone) == ("Jan Visser", "06 1234 5678")


def test_delete_salesperson_is_refused_while_contacts_refer_to_it(user):
    person = PersonFactory(salesperson=SalespersonFactory(code="JV", name="Jan"))

    with pytest.raises(ValidationError) as error:
        services.delete_salesperson(person.salesperson, user=user)

    assert error.value.messages == [
        "JV \N{EN DASH} Jan cannot be deleted because it is used by: 1 contact."
    ]


def test_save_number_series_refuses_a_zero_width(user):
    with pytest.raises(ValidationError) as error:
        services.save_number_series(NumberSeries(code="X", width=0), user=user)

    assert "width" in error.value.message_dict
    assert not NumberSeries.objects.exists()


def test_save_number_series_refuses_a_form_opened_before_a_number_was_taken(
    marketing_setup, user
):
    """The page showed next number 1; a contact took it meanwhile. Saving the
    description as the page has it would set the series back to 1."""
    series = marketing_setup.contact_nos
    seen = row_version(series)
    services.create_contact(user=user, type="company", name="Jansen BV")
    edited = NumberSeries.objects.get(pk=series.pk)
    edited.description = "Contacten"
    edited.next_number = 1  # as the page showed it

    with pytest.raises(ValidationError, match="Next number “2”"):
        services.save_number_series(edited, user=user, seen_version=seen)

    series.refresh_from_db()
    assert series.next_number == 2
    assert series.description != "Contacten"


def test_delete_number_series_is_refused_while_the_setup_uses_it(marketing_setup, user):
    with pytest.raises(ValidationError, match="used by: 1 marketing setup"):
        services.delete_number_series(marketing_setup.contact_nos, user=user)


def test_save_marketing_setup_keeps_the_single_row(user):
    series = NumberSeriesFactory(code="CONTACT")

    setup = services.save_marketing_setup(MarketingSetup(contact_nos=series), user=user)

    assert setup.pk == 1
    assert MarketingSetup.objects.get().contact_nos == series


def test_save_marketing_setup_refuses_a_form_opened_before_another_change(
    marketing_setup, user
):
    seen = row_version(MarketingSetup.load())
    first = MarketingSetup.load()
    first.default_correspondence_type = "email"
    services.save_marketing_setup(first, user=user, seen_version=seen)
    second = MarketingSetup.load()
    second.default_correspondence_type = ""
    second.home_country = "BE"

    with pytest.raises(ValidationError, match="changed Marketing setup after you"):
        services.save_marketing_setup(second, user=user, seen_version=seen)

    stored = MarketingSetup.load()
    assert stored.default_correspondence_type == "email"
    assert stored.home_country != "BE"


def test_active_salespeople_are_those_not_blocked():
    SalespersonFactory(code="A")
    SalespersonFactory(code="B", blocked=True)

    assert [s.code for s in Salesperson.objects.active()] == ["A"]
