"""GET /api/v1/contacts/: the contact list with the page's filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory

pytestmark = [
    pytest.mark.django_db,
    # Pages of an unordered list may repeat and skip rows.
    pytest.mark.filterwarnings(
        "error::django.core.paginator.UnorderedObjectListWarning"
    ),
]

URL = reverse("api:contact_list")


@pytest.fixture
def contacts(salesperson):
    company = CompanyFactory(no="CT00001", name="Zuidas BV", city="Amsterdam")
    return [
        company,
        PersonFactory(
            no="CT00002",
            name="Piet Jansen",
            company=company,
            city="Utrecht",
            email="piet@zuidas.example",
            salesperson=salesperson,
        ),
        CompanyFactory(no="CT00003", name="Noord NV", city="Groningen"),
    ]


def numbers(response):
    return [row["no"] for row in response.json()["results"]]


def test_lists_contacts_by_number_with_company_and_salesperson_codes(api, contacts):
    response = api.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 3
    person = response.json()["results"][1]
    assert {
        key: person[key]
        for key in ("no", "type", "name", "company", "salesperson", "email", "city")
    } == {
        "no": "CT00002",
        "type": "person",
        "name": "Piet Jansen",
        "company": "CT00001",
        "salesperson": "AV",
        "email": "piet@zuidas.example",
        "city": "Utrecht",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "jansen"}, ["CT00002"]),
        ({"q": "zuidas.example"}, ["CT00002"]),
        ({"type": "company"}, ["CT00001", "CT00003"]),
        ({"company": "CT00001"}, ["CT00002"]),
        # A company by its number or its exact name, as the page's lookup takes it.
        ({"company": "zuidas bv"}, ["CT00002"]),
        ({"salesperson": "AV"}, ["CT00002"]),
        ({"city": "groningen"}, ["CT00003"]),
        ({"ordering": "-name"}, ["CT00001", "CT00002", "CT00003"]),
        ({"ordering": "name"}, ["CT00003", "CT00002", "CT00001"]),
        # An empty ordering keeps the default order, so pages stay stable.
        ({"ordering": ","}, ["CT00001", "CT00002", "CT00003"]),
    ],
)
def test_filters_are_those_of_the_contact_list_page(api, contacts, query, expected):
    response = api.get(URL, query)

    assert response.status_code == 200
    assert numbers(response) == expected


def test_filters_by_salesperson_key(api, contacts, salesperson):
    assert numbers(api.get(URL, {"salesperson": salesperson.pk})) == ["CT00002"]


@pytest.mark.parametrize(
    "query",
    [
        {"type": "robot"},
        {"salesperson": "NOBODY"},
        {"company": "zuid"},
        {"language_code": "xx"},
        {"ordering": "email"},
        {"city": "Amster\x00dam"},
    ],
)
def test_invalid_filter_values_answer_400(api, contacts, query):
    response = api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_anonymous_is_401_and_without_the_view_permission_403(
    anonymous_api, api_without_permissions
):
    assert anonymous_api.get(URL).status_code == 401
    assert api_without_permissions.get(URL).status_code == 403


def test_a_logged_in_session_may_read_too(sales_client, contacts):
    assert sales_client.get(URL).status_code == 200


def test_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    PersonFactory(salesperson=SalespersonFactory())
    with CaptureQueriesContext(connection) as one:
        api.get(URL)
    for _ in range(50):
        PersonFactory(salesperson=SalespersonFactory())

    with django_assert_max_num_queries(len(one)):
        response = api.get(URL, {"page_size": 200})

    # Every person comes with its own company.
    assert len(response.json()["results"]) == 102
