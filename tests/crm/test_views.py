from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from tests.factories import (
    CompanyFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(db):
    """One of everything a crm URL can point at."""
    person = PersonFactory()
    return {
        "company": person.company,
        "person": person,
        "salesperson": SalespersonFactory(),
        "series": NumberSeriesFactory(),
    }


# (URL name, the object whose pk it takes or None)
SALES_PAGES = [
    ("home", None),
    ("crm:contact_list", None),
    ("crm:contact_create", None),
    ("crm:contact_detail", "company"),
    ("crm:contact_detail", "person"),
    ("crm:contact_update", "person"),
    ("crm:contact_delete", "person"),
    ("crm:salesperson_list", None),
    ("crm:salesperson_detail", "salesperson"),
]
ADMIN_ONLY_PAGES = [
    ("crm:salesperson_create", None),
    ("crm:salesperson_update", "salesperson"),
    ("crm:marketing_setup", None),
    ("crm:numberseries_list", None),
    ("crm:numberseries_create", None),
    ("crm:numberseries_update", "series"),
]
ALL_PAGES = SALES_PAGES + ADMIN_ONLY_PAGES


def url_of(name, key, objects):
    return reverse(name, args=[objects[key].pk] if key else [])


def post_data(**values):
    """A complete contact form submission; blank values stay out of the POST."""
    data = {"type": "company", "name": "Acme B.V.", "correspondence_type": ""}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(("name", "key"), ALL_PAGES)
def test_anonymous_user_is_sent_to_the_login_page(client, objects, name, key):
    url = url_of(name, key, objects)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={quote(url)}"


@pytest.mark.parametrize(("name", "key"), SALES_PAGES)
def test_sales_user_opens_contact_and_salesperson_pages(
    sales_client, objects, name, key
):
    response = sales_client.get(url_of(name, key, objects))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "key"), ADMIN_ONLY_PAGES)
def test_sales_user_gets_403_on_setup_and_salesperson_changes(
    sales_client, objects, name, key
):
    response = sales_client.get(url_of(name, key, objects))

    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


@pytest.mark.parametrize(("name", "key"), ALL_PAGES)
def test_crm_admin_opens_every_crm_page(crm_admin_client, objects, name, key):
    response = crm_admin_client.get(url_of(name, key, objects))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["crm:contact_detail", "crm:contact_update", "crm:contact_delete"]
)
def test_unknown_contact_gives_404(sales_client, name):
    response = sales_client.get(reverse(name, args=[999999]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_salesperson_gives_404(sales_client):
    response = sales_client.get(reverse("crm:salesperson_detail", args=[999999]))

    assert response.status_code == 404


# Contact list


def test_contact_list_shows_contacts_linked_to_their_cards(sales_client):
    person = PersonFactory(
        no="CT00002", name="Jan Visser", company__no="CT00001", company__name="Acme"
    )

    response = sales_client.get(reverse("crm:contact_list"))

    html = response.content.decode()
    assert f'<a href="{person.get_absolute_url()}">Jan Visser</a>' in html
    assert f'href="{person.company.get_absolute_url()}">Acme</a>' in html
    assert list(response.context["contact_list"]) == [person.company, person]


def test_contact_list_shows_the_new_button_only_with_the_add_permission(
    client, sales_client
):
    assert (
        "New contact" in sales_client.get(reverse("crm:contact_list")).content.decode()
    )
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(viewer)

    response = client.get(reverse("crm:contact_list"))

    assert response.status_code == 200
    assert "New contact" not in response.content.decode()


def test_contact_list_empty_state(sales_client):
    html = sales_client.get(reverse("crm:contact_list")).content.decode()

    assert "There are no contacts yet." in html
    assert "Create the first contact" in html


def test_contact_list_empty_state_for_filters_that_match_nothing(sales_client):
    CompanyFactory()

    response = sales_client.get(reverse("crm:contact_list"), {"q": "nothing-like-it"})

    assert "No contacts match these filters." in response.content.decode()


@pytest.fixture
def filter_contacts(db):
    north = SalespersonFactory(code="NORTH")
    acme = CompanyFactory(
        no="CT00001", name="Acme B.V.", city="Utrecht", country="NL", salesperson=north
    )
    globex = CompanyFactory(
        no="CT00002", name="Globex Ltd", city="London", country="GB", email="hi@gx.uk"
    )
    jan = PersonFactory(
        no="CT00003", name="Jan Visser", company=acme, city="Utrecht", salesperson=north
    )
    emma = PersonFactory(
        no="CT00004", name="Emma Wilson", company=globex, city="London", country="GB"
    )
    return {"acme": acme, "globex": globex, "jan": jan, "emma": emma, "north": north}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "visser"}, ["jan"]),
        ({"q": "CT00002"}, ["globex"]),
        ({"q": "gx.uk"}, ["globex"]),
        ({"type": "person"}, ["jan", "emma"]),
        ({"type": "company"}, ["acme", "globex"]),
        ({"company": "acme b.v."}, ["jan"]),
        ({"company": "CT00002"}, ["emma"]),
        ({"city": "utrecht"}, ["acme", "jan"]),
        # The beginning of the name, as a user types it; not the middle.
        ({"city": "utr"}, ["acme", "jan"]),
        ({"city": "trecht"}, []),
        ({"country": "GB"}, ["globex", "emma"]),
        ({"type": "person", "city": "London"}, ["emma"]),
    ],
)
def test_contact_list_filters(sales_client, filter_contacts, params, expected):
    response = sales_client.get(reverse("crm:contact_list"), params)

    assert list(response.context["contact_list"]) == [
        filter_contacts[key] for key in expected
    ]


def test_contact_list_filters_by_salesperson(sales_client, filter_contacts):
    response = sales_client.get(
        reverse("crm:contact_list"), {"salesperson": filter_contacts["north"].pk}
    )

    assert list(response.context["contact_list"]) == [
        filter_contacts["acme"],
        filter_contacts["jan"],
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["acme", "emma", "globex", "jan"]),
        ("-name", ["jan", "globex", "emma", "acme"]),
        ("-no", ["emma", "jan", "globex", "acme"]),
    ],
)
def test_contact_list_sorts_by_the_chosen_column(
    sales_client, filter_contacts, ordering, expected
):
    response = sales_client.get(reverse("crm:contact_list"), {"ordering": ordering})

    assert list(response.context["contact_list"]) == [
        filter_contacts[key] for key in expected
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("city", ["London", "London", "Utrecht", "Utrecht"]),
        ("-country", ["NL", "NL", "GB", "GB"]),
        ("type", ["company", "company", "person", "person"]),
    ],
)
def test_contact_list_sorts_by_city_and_country(
    sales_client, filter_contacts, ordering, expected
):
    response = sales_client.get(reverse("crm:contact_list"), {"ordering": ordering})

    column = ordering.lstrip("-")
    assert [getattr(c, column) for c in response.context["contact_list"]] == expected


def test_contact_list_sorts_by_salesperson_code(sales_client, filter_contacts):
    response = sales_client.get(
        reverse("crm:contact_list"), {"ordering": "-salesperson"}
    )

    contacts = list(response.context["contact_list"])
    # Descending puts the NULLs first on PostgreSQL and last on SQLite.
    with_salesperson = [c for c in contacts if c.salesperson_id]
    assert with_salesperson == [filter_contacts["acme"], filter_contacts["jan"]]


def test_contact_list_sorts_persons_by_company_name(sales_client, filter_contacts):
    response = sales_client.get(
        reverse("crm:contact_list"), {"type": "person", "ordering": "company"}
    )

    assert list(response.context["contact_list"]) == [
        filter_contacts["jan"],
        filter_contacts["emma"],
    ]


def test_contact_list_sort_header_links_keep_the_filter(sales_client, filter_contacts):
    response = sales_client.get(
        reverse("crm:contact_list"), {"type": "person", "ordering": "name"}
    )

    html = response.content.decode()
    # The active column flips to descending; the filter stays in the link.
    assert 'href="?type=person&amp;ordering=-name"' in html
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize(
    "name",
    [
        "crm:contact_list",
        "interactions:entry_list",
        "segments:segment_list",
        "segments:loggedsegment_list",
    ],
)
def test_a_sort_order_that_cannot_be_read_is_named_and_dropped(sales_client, name):
    response = sales_client.get(reverse(name), {"ordering": "bogus", "q": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Sort by: Select a valid choice. bogus is not one of the available choices."
    ) in html
    assert 'name="ordering"' not in html  # filtering again sorts as usual
    assert 'name="q"' in html


def test_contact_list_paginates(sales_client):
    CompanyFactory.create_batch(30)

    first = sales_client.get(reverse("crm:contact_list"))
    second = sales_client.get(reverse("crm:contact_list"), {"page": 2})

    assert len(first.context["contact_list"]) == 25
    assert len(second.context["contact_list"]) == 5
    assert "26\N{EN DASH}30 of 30" in second.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_contact_list_query_count_is_the_same_for_1_and_51_rows(sales_client):
    url = f"{reverse('crm:contact_list')}?type=person"
    company = CompanyFactory()
    PersonFactory(company=company, salesperson=SalespersonFactory())
    one_row = count_queries(sales_client, url)

    PersonFactory.create_batch(50, salesperson=SalespersonFactory())

    assert Contact.objects.filter(type="person").count() == 51
    assert count_queries(sales_client, url) == one_row


def test_salesperson_list_query_count_is_the_same_for_1_and_51_rows(sales_client):
    url = reverse("crm:salesperson_list")
    # Users without a password: hashing 51 passwords would only slow the test down.
    users = User.objects.bulk_create(User(username=f"sp{n}") for n in range(51))
    SalespersonFactory(user=users[0])
    one_row = count_queries(sales_client, url)

    for user in users[1:]:
        SalespersonFactory(user=user)

    assert Salesperson.objects.count() == 51
    assert count_queries(sales_client, url) == one_row


def test_company_card_query_count_does_not_grow_with_its_persons(sales_client):
    company = CompanyFactory()
    PersonFactory(company=company, salesperson=SalespersonFactory())
    url = company.get_absolute_url()
    one_person = count_queries(sales_client, url)

    PersonFactory.create_batch(20, company=company, salesperson=SalespersonFactory())

    assert count_queries(sales_client, url) == one_person


# Contact card


def test_company_card_lists_its_persons_and_offers_a_new_person(sales_client):
    person = PersonFactory(name="Jan Visser")
    company = person.company

    response = sales_client.get(company.get_absolute_url())

    html = response.content.decode()
    assert list(response.context["persons"]) == [person]
    assert f'<a href="{person.get_absolute_url()}">Jan Visser</a>' in html
    new_person_url = f"{reverse('crm:contact_create')}?company={company.pk}"
    assert f'href="{new_person_url}">New person</a>' in html
    assert 'id="interactions"' in html


def test_person_card_links_to_its_company(sales_client):
    person = PersonFactory(company__name="Acme B.V.")

    html = sales_client.get(person.get_absolute_url()).content.decode()

    assert f'<a href="{person.company.get_absolute_url()}">Acme B.V.</a>' in html
    assert "New person" not in html


def test_contact_card_shows_edit_and_delete_for_sales(sales_client):
    company = CompanyFactory()

    html = sales_client.get(company.get_absolute_url()).content.decode()

    assert f'href="{reverse("crm:contact_update", args=[company.pk])}"' in html
    assert f'href="{reverse("crm:contact_delete", args=[company.pk])}"' in html


def test_contact_card_hides_edit_and_delete_without_permission(client):
    company = CompanyFactory()
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(viewer)

    html = client.get(company.get_absolute_url()).content.decode()

    assert reverse("crm:contact_update", args=[company.pk]) not in html
    assert reverse("crm:contact_delete", args=[company.pk]) not in html


# Contact create / update


def test_create_contact_numbers_it_and_redirects_to_the_card(
    sales_client, marketing_setup
):
    response = sales_client.post(
        reverse("crm:contact_create"), post_data(email="info@acme.example"), follow=True
    )

    contact = Contact.objects.get()
    assert contact.no == "CT00001"
    assert contact.email == "info@acme.example"
    assert response.redirect_chain == [(contact.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Contact CT00001 Acme B.V. has been created."
    ]


def test_create_person_from_the_company_card_prefills_the_company(sales_client):
    company = CompanyFactory()

    response = sales_client.get(reverse("crm:contact_create"), {"company": company.pk})

    form = response.context["form"]
    assert form.initial["type"] == "person"
    assert form.initial["company"] == company
    # The text box names the company by number and name, not by its key.
    shown = f'value="{company.no} \N{EN DASH} {company.name}"'
    assert shown in response.content.decode()


def test_a_person_from_the_company_card_takes_its_address_salesperson_and_language(
    sales_client,
):
    """As NAV's inheritance: a letter to the person then has the company's address."""
    north = SalespersonFactory(code="NORTH")
    company = CompanyFactory(
        salesperson=north,
        language_code="nl",
        address="Oudegracht 123",
        post_code="3511 AB",
        city="Utrecht",
        country="NL",
        email="info@bakkerij.example",
        phone="030 234 56 78",
    )

    response = sales_client.get(reverse("crm:contact_create"), {"company": company.pk})

    initial = response.context["form"].initial
    assert initial["salesperson"] == north
    assert (initial["address"], initial["post_code"], initial["city"]) == (
        "Oudegracht 123",
        "3511 AB",
        "Utrecht",
    )
    assert (initial["country"], initial["language_code"]) == ("NL", "nl")
    # The person's own e-mail and phone are not the company's.
    assert "email" not in initial
    assert "phone" not in initial
    html = response.content.decode()
    assert 'value="Oudegracht 123"' in html
    assert 'value="NORTH \N{EN DASH} ' in html


def test_a_new_contact_starts_with_marketing_setups_defaults(
    sales_client, sales_user, marketing_setup
):
    marketing_setup.default_salesperson = SalespersonFactory(code="DEFAULT")
    marketing_setup.default_correspondence_type = "email"
    marketing_setup.save()

    initial = sales_client.get(reverse("crm:contact_create")).context["form"].initial

    assert initial["salesperson"].code == "DEFAULT"
    assert initial["correspondence_type"] == "email"

    # The user's own salesperson comes before the setup's default.
    own = SalespersonFactory(code="OWN", user=sales_user)
    initial = sales_client.get(reverse("crm:contact_create")).context["form"].initial
    assert initial["salesperson"] == own


def test_a_new_contact_without_marketing_setup_starts_blank(sales_client):
    response = sales_client.get(reverse("crm:contact_create"))

    initial = response.context["form"].initial
    assert "salesperson" not in initial
    assert "correspondence_type" not in initial
    # Reading the defaults does not make the setup row.
    assert not MarketingSetup.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"type": "person", "company": "person"},
            "company",
            "The company must be a contact of type company.",
        ),
        (
            {"type": "company", "company": "company"},
            "company",
            "A company cannot belong to another company.",
        ),
    ],
)
def test_create_contact_with_bad_input_shows_the_error_next_to_the_field(
    sales_client, marketing_setup, objects, values, field, message
):
    if "company" in values:
        values = {**values, "company": objects[values["company"]].pk}
    before = Contact.objects.count()

    response = sales_client.post(reverse("crm:contact_create"), post_data(**values))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    # crispy puts the message right under the field, tied to it by its id.
    html = response.content.decode()
    assert f"<strong>{message}</strong>" in html
    assert f'id="error_1_id_{field}"' in html
    assert Contact.objects.count() == before
    assert NumberSeries.objects.get(code="CONTACT").next_number == 1


def test_create_contact_without_contact_series_shows_the_error_at_the_top(
    sales_client,
):
    MarketingSetup.load()

    response = sales_client.post(reverse("crm:contact_create"), post_data())

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Set up a number series for contacts in Marketing setup."
    ]
    html = response.content.decode()
    assert '<div class="alert alert-danger" role="alert">' in html
    assert "Set up a number series for contacts in Marketing setup." in html
    assert not Contact.objects.exists()


def test_update_contact_saves_and_keeps_the_number(sales_client):
    company = CompanyFactory(no="CT00007", name="Old name")

    response = sales_client.post(
        reverse("crm:contact_update", args=[company.pk]),
        post_data(no="HACKED", name="New name", city="Delft"),
        follow=True,
    )

    company.refresh_from_db()
    assert (company.no, company.name, company.city) == ("CT00007", "New name", "Delft")
    assert response.redirect_chain == [(company.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Contact CT00007 New name has been saved."
    ]


def test_update_company_with_persons_to_person_is_refused(sales_client):
    person = PersonFactory()
    company = person.company

    response = sales_client.post(
        reverse("crm:contact_update", args=[company.pk]),
        post_data(type="person", name=company.name),
    )

    assert response.context["form"].errors == {
        "type": ["This company has persons; it cannot become a person."]
    }
    company.refresh_from_db()
    assert company.type == "company"


# Contact delete


def test_delete_contact_asks_for_confirmation_naming_the_contact(sales_client):
    company = CompanyFactory(no="CT00001", name="Acme B.V.")

    response = sales_client.get(reverse("crm:contact_delete", args=[company.pk]))

    html = response.content.decode()
    assert "<strong>CT00001 Acme B.V.</strong>" in html
    assert f'href="{company.get_absolute_url()}">Cancel</a>' in html
    assert "csrfmiddlewaretoken" in html


def test_delete_contact_deletes_and_returns_to_the_list(sales_client):
    company = CompanyFactory(no="CT00001", name="Acme B.V.")

    response = sales_client.post(
        reverse("crm:contact_delete", args=[company.pk]), follow=True
    )

    assert not Contact.objects.filter(pk=company.pk).exists()
    assert response.redirect_chain == [(reverse("crm:contact_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Contact CT00001 Acme B.V. has been deleted."
    ]


def test_delete_company_with_persons_shows_why_and_keeps_it(sales_client):
    company = CompanyFactory(no="CT00001", name="Acme B.V.")
    PersonFactory(company=company)

    response = sales_client.post(
        reverse("crm:contact_delete", args=[company.pk]), follow=True
    )

    assert Contact.objects.filter(pk=company.pk).exists()
    assert response.redirect_chain == [(company.get_absolute_url(), 302)]
    message = "CT00001 Acme B.V. cannot be deleted because it is used by: 1 contact."
    assert [str(m) for m in response.context["messages"]] == [message]
    assert "alert-danger" in response.content.decode()


# Salespeople


def test_salesperson_list_filters_by_search_and_blocked(sales_client):
    active = SalespersonFactory(code="JV", name="Jan Visser")
    blocked = SalespersonFactory(code="RH", name="Richard Hughes", blocked=True)
    url = reverse("crm:salesperson_list")

    assert list(sales_client.get(url, {"q": "visser"}).context["salesperson_list"]) == [
        active
    ]
    assert list(sales_client.get(url, {"blocked": "true"}).context["object_list"]) == [
        blocked
    ]
    assert list(sales_client.get(url, {"blocked": "false"}).context["object_list"]) == [
        active
    ]
    assert len(sales_client.get(url, {"blocked": ""}).context["object_list"]) == 2


def test_salesperson_card_counts_and_links_its_contacts(sales_client):
    salesperson = SalespersonFactory()
    CompanyFactory.create_batch(3, salesperson=salesperson)
    CompanyFactory()

    response = sales_client.get(salesperson.get_absolute_url())

    assert response.context["contact_count"] == 3
    html = response.content.decode()
    assert "contacts are assigned to this salesperson." in html
    contacts_url = reverse("crm:contact_list")
    assert f'href="{contacts_url}?salesperson={salesperson.code}"' in html


def test_a_blocked_salespersons_card_offers_no_new_work_and_says_why(sales_client):
    active = SalespersonFactory()
    blocked = SalespersonFactory(blocked=True)
    create_interaction = reverse("interactions:entry_create") + "?salesperson="
    create_task = reverse("tasks:task_create") + "?salesperson="

    html = sales_client.get(active.get_absolute_url()).content.decode()
    assert create_interaction in html
    assert create_task in html
    html = sales_client.get(blocked.get_absolute_url()).content.decode()
    # The form would open locked to them and refuse them when saved.
    assert create_interaction not in html
    assert create_task not in html
    assert "Blocked: no new interactions or tasks for this salesperson." in html


def test_crm_admin_creates_a_salesperson_with_an_uppercase_code(crm_admin_client):
    response = crm_admin_client.post(
        reverse("crm:salesperson_create"),
        {"code": "jv", "name": "Jan Visser", "email": "jan@example.com"},
    )

    salesperson = Salesperson.objects.get()
    assert salesperson.code == "JV"
    assert response.status_code == 302
    assert response.url == salesperson.get_absolute_url()


def test_salesperson_form_shows_field_errors(crm_admin_client):
    response = crm_admin_client.post(
        reverse("crm:salesperson_create"), {"code": "", "name": "X", "email": "bad"}
    )

    assert response.context["form"].errors == {
        "code": ["This field is required."],
        "email": ["Enter a valid email address."],
    }
    assert not Salesperson.objects.exists()


def test_a_taken_salesperson_code_is_named_in_dutch(crm_admin_client):
    SalespersonFactory(code="JV")

    response = crm_admin_client.post(
        reverse("crm:salesperson_create"),
        {"code": "jv", "name": "Jan"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 400
    assert "Code JV bestaat al." in response.content.decode()
    assert Salesperson.objects.count() == 1


def user_choices(response):
    """The labels of the salesperson form's user select, its empty choice left out."""
    _empty, *choices = response.context["form"].fields["user"].choices
    return [label for _value, label in choices]


def test_the_user_select_names_people_and_leaves_out_other_salespeoples_users(
    crm_admin_client,
):
    jan = UserFactory(username="sales", first_name="Jan", last_name="Visser")
    linked = SalespersonFactory(code="JV", name="Jan Visser", user=jan)
    UserFactory(username="anna", first_name="Anna", last_name="de Vries")
    UserFactory(username="admin")

    new = crm_admin_client.get(reverse("crm:salesperson_create"))
    edit = crm_admin_client.get(reverse("crm:salesperson_update", args=[linked.pk]))

    # The client's user is crmadmin, without a full name.
    assert user_choices(new) == ["admin", "crmadmin", "Anna de Vries (anna)"]
    assert user_choices(edit) == [
        "admin",
        "crmadmin",
        "Anna de Vries (anna)",
        "Jan Visser (sales)",
    ]


# Setup


def test_number_series_list_shows_the_next_number_formatted(crm_admin_client):
    NumberSeriesFactory(code="CONTACT", prefix="CT", width=5, next_number=12)

    html = crm_admin_client.get(reverse("crm:numberseries_list")).content.decode()

    assert "<code>CT00012</code>" in html


def test_crm_admin_creates_and_edits_a_number_series(crm_admin_client):
    response = crm_admin_client.post(
        reverse("crm:numberseries_create"),
        {
            "code": "inv",
            "description": "Invoices",
            "prefix": "IN",
            "width": 4,
            "next_number": 10,
        },
    )
    series = NumberSeries.objects.get()
    assert (series.code, series.next_no_preview) == ("INV", "IN0010")
    assert response.url == reverse("crm:numberseries_list")

    page = crm_admin_client.get(reverse("crm:numberseries_update", args=[series.pk]))
    assert '<h1 class="h3 mb-1">Number series INV</h1>' in page.content.decode()


def test_number_series_form_rejects_a_zero_width(crm_admin_client):
    response = crm_admin_client.post(
        reverse("crm:numberseries_create"),
        {"code": "X", "prefix": "X", "width": 0, "next_number": 1},
    )

    assert response.context["form"].errors == {
        "width": ["Ensure this value is greater than or equal to 1."]
    }


def test_number_series_form_rejects_a_width_past_ten_digits(crm_admin_client):
    # The fuzzer's huge width once padded a number with gigabytes of zeros.
    response = crm_admin_client.post(
        reverse("crm:numberseries_create"),
        {"code": "X", "prefix": "X", "width": 10**12, "next_number": 1},
    )

    assert response.context["form"].errors == {
        "width": ["Ensure this value is less than or equal to 10."]
    }
    assert not NumberSeries.objects.filter(code="X").exists()


def test_a_taken_number_series_code_is_named_in_dutch(crm_admin_client):
    NumberSeriesFactory(code="CONTACT")

    response = crm_admin_client.post(
        reverse("crm:numberseries_create"),
        {"code": "contact", "prefix": "C", "width": 5, "next_number": 1},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 400
    assert "Code CONTACT bestaat al." in response.content.decode()


def test_crm_admin_saves_the_marketing_setup(crm_admin_client):
    series = NumberSeriesFactory(code="CONTACT")
    salesperson = SalespersonFactory()

    response = crm_admin_client.post(
        reverse("crm:marketing_setup"),
        {
            "contact_nos": series.pk,
            "segment_nos": "",
            "default_salesperson": salesperson.pk,
            "default_correspondence_type": "email",
        },
        follow=True,
    )

    setup = MarketingSetup.load()
    assert (setup.contact_nos, setup.default_salesperson) == (series, salesperson)
    assert setup.default_correspondence_type == "email"
    assert [str(m) for m in response.context["messages"]] == [
        "Marketing setup has been saved."
    ]
    assert '<h1 class="h3 mb-1">Marketing setup</h1>' in response.content.decode()


def test_marketing_setup_without_number_series_says_where_to_make_them(
    crm_admin_client,
):
    """Day one: the series lists hold nothing, and the page leads to making one."""
    response = crm_admin_client.get(reverse("crm:marketing_setup"))

    html = response.content.decode()
    assert "There are no number series yet" in html
    assert f'href="{reverse("crm:numberseries_create")}"' in html

    NumberSeriesFactory(code="CONTACT")
    html = crm_admin_client.get(reverse("crm:marketing_setup")).content.decode()
    assert "There are no number series yet" not in html


def test_sales_user_cannot_post_to_the_marketing_setup(sales_client):
    response = sales_client.post(
        reverse("crm:marketing_setup"), {"default_correspondence_type": "email"}
    )

    assert response.status_code == 403
    assert MarketingSetup.load().default_correspondence_type == ""


def test_an_empty_sort_choice_keeps_the_default_order(sales_client):
    for name in ("Cas", "Ada", "Bob"):
        PersonFactory(name=name)
    response = sales_client.get(reverse("crm:contact_list"), {"ordering": ","})
    assert response.context["filter"].qs.ordered


def test_marketing_setup_pages_do_not_write_on_get(crm_admin_client, admin_client):
    assert crm_admin_client.get(reverse("crm:marketing_setup")).status_code == 200
    response = admin_client.get(reverse("admin:crm_marketingsetup_changelist"))
    assert response.url == reverse("admin:crm_marketingsetup_add")
    assert not MarketingSetup.objects.exists()
    response = crm_admin_client.post(
        reverse("crm:marketing_setup"), {"default_correspondence_type": "email"}
    )
    assert response.status_code == 302
    assert MarketingSetup.objects.get().default_correspondence_type == "email"
