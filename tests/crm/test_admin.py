import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm import services
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from interactions.models import DocumentType, InteractionTemplateSetup
from tests.factories import (
    CompanyFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    person = PersonFactory(salesperson=SalespersonFactory())
    return {
        "contact": person,
        "salesperson": person.salesperson,
        "numberseries": NumberSeriesFactory(),
        "marketingsetup": MarketingSetup.load(),
    }


@pytest.mark.parametrize("model", ["contact", "salesperson", "numberseries"])
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_superuser_opens_every_crm_admin_page(admin_client, rows, model, view):
    args = [rows[model].pk] if view == "change" else []

    response = admin_client.get(reverse(f"admin:crm_{model}_{view}", args=args))

    assert response.status_code == 200


def test_contact_changelist_searches_no_name_and_email(admin_client):
    CompanyFactory(no="CT00001", name="Acme", email="info@acme.example")
    CompanyFactory(no="CT00002", name="Globex", email="info@globex.example")
    url = reverse("admin:crm_contact_changelist")

    for term in ("CT00001", "acm", "acme.example"):
        result = admin_client.get(url, {"q": term}).context["cl"].result_list
        assert [contact.name for contact in result] == ["Acme"]


def test_contact_changelist_has_a_creation_date_range_and_filters(admin_client, rows):
    response = admin_client.get(reverse("admin:crm_contact_changelist"))

    changelist = response.context["cl"]
    # A range, not a date hierarchy: its list of days reads every contact.
    assert changelist.date_hierarchy is None
    assert ("created_at", admin.DateFieldListFilter) in changelist.list_filter
    assert "type" in changelist.list_filter
    assert "salesperson" in changelist.list_filter


def test_marketing_setup_changelist_goes_straight_to_the_single_row(admin_client):
    MarketingSetup.load()
    response = admin_client.get(reverse("admin:crm_marketingsetup_changelist"))

    assert response.status_code == 302
    assert response.url == reverse("admin:crm_marketingsetup_change", args=[1])
    assert admin_client.get(response.url).status_code == 200


def test_marketing_setup_cannot_be_added_twice_or_deleted(admin_client, rows):
    add = admin_client.get(reverse("admin:crm_marketingsetup_add"))
    delete = admin_client.get(reverse("admin:crm_marketingsetup_delete", args=[1]))

    assert add.status_code == 403
    assert delete.status_code == 403
    assert MarketingSetup.objects.count() == 1


def test_marketing_setup_can_be_added_when_there_is_none(admin_client):
    series = NumberSeriesFactory(code="CONTACT")

    response = admin_client.post(
        reverse("admin:crm_marketingsetup_add"),
        {"contact_nos": series.pk, "default_correspondence_type": ""},
    )

    assert response.status_code == 302
    setup = MarketingSetup.objects.get()
    assert (setup.pk, setup.contact_nos) == (1, series)


def admin_contact_data(**values):
    data = {"no": "", "type": "company", "name": "Acme B.V.", "correspondence_type": ""}
    data.update(values)
    return data


def test_adding_a_contact_with_a_blank_no_numbers_it_from_the_series(
    admin_client, marketing_setup
):
    response = admin_client.post(
        reverse("admin:crm_contact_add"), admin_contact_data(city="Utrecht")
    )

    contact = Contact.objects.get()
    assert (contact.no, contact.name, contact.city) == (
        "CT00001",
        "Acme B.V.",
        "Utrecht",
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:crm_contact_changelist")
    assert NumberSeries.objects.get(code="CONTACT").next_number == 2


def test_adding_a_contact_with_its_own_no_keeps_it(admin_client, marketing_setup):
    admin_client.post(reverse("admin:crm_contact_add"), admin_contact_data(no="K-1"))

    assert Contact.objects.get().no == "K-1"
    assert NumberSeries.objects.get(code="CONTACT").next_number == 1


def test_adding_a_contact_without_contact_series_shows_the_error_at_the_no(
    admin_client,
):
    MarketingSetup.load()

    response = admin_client.post(reverse("admin:crm_contact_add"), admin_contact_data())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "no": ["Set up a number series for contacts in Marketing setup."]
    }
    assert not Contact.objects.exists()


def test_adding_a_company_with_a_company_shows_the_error(admin_client, marketing_setup):
    parent = CompanyFactory()

    response = admin_client.post(
        reverse("admin:crm_contact_add"), admin_contact_data(company=parent.pk)
    )

    assert response.context["adminform"].form.errors == {
        "company": ["A company cannot belong to another company."]
    }
    assert Contact.objects.count() == 1
    assert NumberSeries.objects.get(code="CONTACT").next_number == 1


def test_changing_a_contact_in_the_admin_keeps_its_number(admin_client):
    company = CompanyFactory(no="CT00009", name="Old")

    response = admin_client.post(
        reverse("admin:crm_contact_change", args=[company.pk]),
        admin_contact_data(no="CT00009", name="New"),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.no, company.name) == ("CT00009", "New")


def test_company_autocomplete_offers_only_companies(admin_client):
    person = PersonFactory(name="Jan Visser", company__name="Visser Elektro")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "crm",
            "model_name": "contact",
            "field_name": "company",
            "term": "visser",
        },
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(person.company.pk)]


# Input that once made the admin fail (tests/test_fuzz_forms.py) --------------------

AUTOCOMPLETE_FIELDS = [
    pytest.param(model, name, id=f"{model._meta.label}.{name}")
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in ("audit", "crm", "interactions", "segments")
    for name in model_admin.autocomplete_fields
]


@pytest.mark.parametrize(("model", "field"), AUTOCOMPLETE_FIELDS)
@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_an_autocomplete_field_given_no_key_shows_the_form_with_its_error(
    admin_client, model, field, value
):
    # Django's widget looks the value up to show it again, and failed on it.
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    if model is MarketingSetup:  # the singleton is changed, never added
        url = reverse(
            "admin:crm_marketingsetup_change", args=[MarketingSetup.load().pk]
        )
    if model is InteractionTemplateSetup:  # a row per document type, changed
        row, _created = InteractionTemplateSetup.objects.get_or_create(
            document_type=DocumentType.values[1]
        )
        url = reverse(
            "admin:interactions_interactiontemplatesetup_change", args=[row.pk]
        )

    response = admin_client.post(url, {field: value})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def test_a_segment_line_given_no_contact_key_shows_the_segment_form_again(
    admin_client, marketing_setup
):
    response = admin_client.post(
        reverse("admin:segments_segment_add"),
        {
            "description": "Spring mailing",
            "date": "2026-11-21",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-contact": "abc",
        },
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["contact"]


@pytest.mark.parametrize("query", [{"language_code": "\x00"}, {"\x00": "x"}])
def test_a_list_filter_with_a_nul_character_shows_the_list_again(admin_client, query):
    # PostgreSQL refuses NUL in text: the admin treats it as any wrong filter.
    url = reverse("admin:crm_contact_changelist")

    response = admin_client.get(url, query)

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_a_search_with_a_nul_character_is_refused_with_a_message(admin_client):
    CompanyFactory(name="Acme")

    changelist = admin_client.get(
        reverse("admin:crm_contact_changelist"), {"q": "A\x00"}
    )
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "crm",
            "model_name": "contact",
            "field_name": "company",
            "term": "A\x00",
        },
    )

    assert changelist.status_code == 200
    assert "Null characters are not allowed." in changelist.content.decode()
    assert autocomplete.status_code == 200
    assert autocomplete.json()["results"] == []


# Admin writes go through the services the pages call (issue 17).


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_an_admin_add_without_no_takes_the_next_number_through_the_service(
    admin_client, marketing_setup, monkeypatch
):
    calls = []
    create_contact = services.create_contact

    def spy(**values):
        calls.append(values["no"])
        return create_contact(**values)

    monkeypatch.setattr(services, "create_contact", spy)

    admin_client.post(reverse("admin:crm_contact_add"), admin_contact_data())
    admin_client.post(reverse("admin:crm_contact_add"), admin_contact_data())

    assert calls == ["", ""]
    assert sorted(Contact.objects.values_list("no", flat=True)) == [
        "CT00001",
        "CT00002",
    ]


def test_deleting_a_protected_contact_in_the_admin_shows_the_services_message(
    admin_client,
):
    person = PersonFactory(company__no="CT00001", company__name="Acme")
    company = person.company

    response = admin_client.post(
        reverse("admin:crm_contact_delete", args=[company.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("admin:crm_contact_change", args=[company.pk]), 302)
    ]
    assert messages_of(response) == [
        "CT00001 Acme cannot be deleted because it is used by: 1 contact."
    ]
    assert Contact.objects.filter(pk=company.pk).exists()
    assert not LogEntry.objects.exists()


def test_the_delete_page_still_lists_what_protects_a_contact(admin_client):
    person = PersonFactory()

    response = admin_client.get(
        reverse("admin:crm_contact_delete", args=[person.company.pk])
    )

    assert response.context["protected"]


def test_deleting_selected_contacts_with_a_protected_one_deletes_none(admin_client):
    person = PersonFactory(company__no="CT00001", company__name="Acme")
    loose = CompanyFactory(no="CT00002")

    response = admin_client.post(
        reverse("admin:crm_contact_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [loose.pk, person.company.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "CT00001 Acme cannot be deleted because it is used by: 1 contact."
    ]
    assert Contact.objects.count() == 3
    assert not LogEntry.objects.exists()


def test_deleting_selected_contacts_deletes_them_through_the_service(
    admin_client, monkeypatch
):
    contacts = [CompanyFactory(), CompanyFactory()]
    deleted = []
    delete_contact = services.delete_contact

    def spy(contact, *, user):
        deleted.append(contact.pk)
        delete_contact(contact, user=user)

    monkeypatch.setattr(services, "delete_contact", spy)

    admin_client.post(
        reverse("admin:crm_contact_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [contact.pk for contact in contacts],
            "post": "yes",
        },
    )

    assert sorted(deleted) == sorted(contact.pk for contact in contacts)
    assert not Contact.objects.exists()


def test_an_admin_change_the_service_refuses_shows_its_message_in_the_form(
    admin_client, monkeypatch
):
    company = CompanyFactory(no="CT00009", name="Old")

    def refuse(contact, *, user, **values):
        raise ValidationError("Refused by the service.")

    monkeypatch.setattr(services, "update_contact", refuse)

    response = admin_client.post(
        reverse("admin:crm_contact_change", args=[company.pk]),
        admin_contact_data(no="CT00009", name="New"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Refused by the service."
    ]
    company.refresh_from_db()
    assert company.name == "Old"


def test_the_admin_names_the_salesperson_a_user_is_linked_to(admin_client):
    user = UserFactory(username="sales")
    SalespersonFactory(code="JV", name="Jan Visser", user=user)

    response = admin_client.post(
        reverse("admin:crm_salesperson_add"),
        {"code": "AV", "name": "Anna Visser", "user": user.pk},
    )

    assert response.context["adminform"].form.errors == {
        "user": [
            "User sales is already linked to salesperson JV \N{EN DASH} Jan Visser."
        ]
    }
    assert Salesperson.objects.count() == 1


def test_deleting_a_salesperson_with_contacts_in_the_admin_is_refused(admin_client):
    person = PersonFactory(salesperson=SalespersonFactory(code="JV", name="Jan"))

    response = admin_client.post(
        reverse("admin:crm_salesperson_delete", args=[person.salesperson.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert messages_of(response) == [
        "JV \N{EN DASH} Jan cannot be deleted because it is used by: 1 contact."
    ]
    assert Salesperson.objects.filter(code="JV").exists()


def test_deleting_a_number_series_the_setup_uses_is_refused(
    admin_client, marketing_setup
):
    series = marketing_setup.contact_nos

    response = admin_client.post(
        reverse("admin:crm_numberseries_delete", args=[series.pk]),
        {"post": "yes"},
        follow=True,
    )

    assert messages_of(response) == [
        "CONTACT (CT00001…) cannot be deleted because it is used by: 1 marketing setup."
    ]
    assert NumberSeries.objects.filter(pk=series.pk).exists()


@pytest.mark.parametrize(
    ("url", "data", "service"),
    [
        (
            "admin:crm_salesperson_add",
            {"code": "JV", "name": "Jan"},
            "save_salesperson",
        ),
        (
            "admin:crm_numberseries_add",
            {"code": "X", "width": "5", "next_number": "1"},
            "save_number_series",
        ),
        (
            "admin:crm_marketingsetup_add",
            {"default_correspondence_type": ""},
            "save_marketing_setup",
        ),
    ],
)
def test_admin_adds_of_setup_rows_go_through_their_service(
    admin_client, monkeypatch, url, data, service
):
    saved = []
    original = getattr(services, service)

    def spy(obj, *, user):
        saved.append(type(obj).__name__)
        return original(obj, user=user)

    monkeypatch.setattr(services, service, spy)

    response = admin_client.post(reverse(url), data)

    assert response.status_code == 302
    assert len(saved) == 1


def test_the_admin_index_names_number_series_in_the_plural(admin_client):
    page = admin_client.get(
        reverse("admin:index"), headers={"Accept-Language": "nl"}
    ).content.decode()
    assert ">Nummerreeksen</a>" in page
