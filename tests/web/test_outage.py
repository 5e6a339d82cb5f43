"""With the database unreachable, pages answer a friendly 503 and recover by
themselves (bench/db_outage.py does the same against a stopped PostgreSQL)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

CONTACTS = reverse("crm:contact_list")


def unreachable(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def client_seeing_errors(sales_client):
    sales_client.raise_request_exception = False
    return sales_client


def test_a_page_answers_a_friendly_503_while_the_database_is_down(
    client_seeing_errors,
):
    with connection.execute_wrapper(unreachable):
        response = client_seeing_errors.get(CONTACTS)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "The CRM is temporarily unavailable" in content
    assert "Traceback" not in content
    assert "Connection refused" not in content


def test_the_page_works_again_once_the_database_is_back(client_seeing_errors):
    with connection.execute_wrapper(unreachable):
        assert client_seeing_errors.get(CONTACTS).status_code == 503
    assert client_seeing_errors.get(CONTACTS).status_code == 200


def test_the_api_answers_503_in_json(client_seeing_errors):
    with connection.execute_wrapper(unreachable):
        response = client_seeing_errors.get(reverse("api:contact_list"))
    assert response.status_code == 503
    assert "database cannot be reached" in response.json()["detail"]


def test_the_503_page_is_in_the_users_language(client_seeing_errors):
    with connection.execute_wrapper(unreachable):
        response = client_seeing_errors.get(CONTACTS, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 503
    assert "tijdelijk niet beschikbaar" in response.content.decode()


def test_other_errors_stay_a_500(client_seeing_errors, monkeypatch):
    from crm import views

    def broken(self, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views.ContactListView, "get_context_data", broken)
    response = client_seeing_errors.get(CONTACTS)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
