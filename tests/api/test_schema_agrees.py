"""The OpenAPI schema says what the API does (issue 16, finding 16): one test per
disagreement schemathesis found, each reading the schema and the API's answer.
bench/schema_check.py runs schemathesis itself against a live server in CI."""

import re

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from tests.factories import (
    CompanyFactory,
    InteractionLogEntryFactory,
    SalespersonFactory,
)
from web.dates import FIRST_DATE, LAST_DATE

pytestmark = pytest.mark.django_db

CONTACTS = reverse("api:contact_list")
INTERACTIONS = reverse("api:interaction_list")
DOCUMENTS = reverse("api:document_create")


@pytest.fixture
def schema(api):
    return api.get(reverse("api:schema"), {"format": "json"}).json()


def component(schema, name):
    return schema["components"]["schemas"][name]["properties"]


def query_parameter(schema, path, name):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(parameter for parameter in parameters if parameter["name"] == name)


def request_body(schema, path, name):
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    return content, schema["components"]["schemas"][name]


def test_contact_company_salesperson_email_and_language_may_be_empty(api, schema):
    CompanyFactory(no="CT00001", email="", language_code="")

    contact = api.get(CONTACTS).json()["results"][0]
    properties = component(schema, "Contact")

    assert contact["company"] is None
    assert contact["salesperson"] is None
    assert properties["company"]["nullable"] is True
    assert properties["salesperson"]["nullable"] is True
    assert contact["email"] == ""
    assert contact["language_code"] == ""
    assert {"maxLength": 0} in properties["email"]["anyOf"]
    assert "format" not in properties["email"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in properties["language_code"][
        "oneOf"
    ]


def test_entry_codes_are_nullable(schema):
    properties = component(schema, "InteractionLogEntry")

    for name in ("contact_company", "template", "group", "salesperson"):
        assert properties[name]["nullable"] is True, name
    assert "nullable" not in properties["contact"]


def test_time_format_has_no_offset_and_the_api_refuses_one(
    api, schema, contact, call_template
):
    InteractionLogEntryFactory(contact=contact, time="10:42")
    pattern = re.compile(component(schema, "InteractionLogEntry")["time"]["pattern"])
    accepted = api.post(
        INTERACTIONS,
        {"contact": "CT00010", "template": "CALL", "time": "09:05"},
        format="json",
    )
    with_offset = api.post(
        INTERACTIONS,
        {"contact": "CT00010", "template": "CALL", "time": "10:42:00+05:00"},
        format="json",
    )

    # OpenAPI's `format: time` is RFC 3339's, which requires an offset.
    assert "format" not in component(schema, "InteractionLogEntry")["time"]
    assert pattern.fullmatch(api.get(INTERACTIONS).json()["results"][0]["time"])
    assert accepted.status_code == 201
    assert accepted.json()["time"] == "09:05:00"
    assert with_offset.status_code == 400
    assert with_offset.json() == {
        "time": [
            "Time has wrong format. Use one of these formats instead: "
            "hh:mm[:ss[.uuuuuu]]."
        ]
    }
    assert not pattern.fullmatch("10:42:00+05:00")
    assert not pattern.fullmatch("1042")


def test_request_bodies_are_json_only_so_null_means_null(
    api, schema, contact, call_template
):
    content, _body = request_body(schema, INTERACTIONS, "InteractionCreate")
    # A form body read "" as null for contact and "null" as a salesperson code:
    # schema-valid requests answered 400.
    form = api.post(
        INTERACTIONS, {"contact": "CT00010", "template": "CALL"}, format="multipart"
    )
    nulls = api.post(
        INTERACTIONS,
        {
            "contact": "CT00010",
            "template": "CALL",
            "salesperson": None,
            "date": None,
            "time": None,
            "cost": None,
            "duration": None,
        },
        format="json",
    )

    assert set(content) == {"application/json"}
    assert set(request_body(schema, DOCUMENTS, "Document")[0]) == {"application/json"}
    assert form.status_code == 415
    assert nulls.status_code == 201
    assert InteractionLogEntry.objects.count() == 1


def test_codes_in_a_body_are_not_blank(api, schema):
    _content, body = request_body(schema, INTERACTIONS, "InteractionCreate")

    response = api.post(INTERACTIONS, {"contact": "", "template": ""}, format="json")

    assert body["properties"]["contact"]["minLength"] == 1
    assert body["properties"]["template"]["minLength"] == 1
    assert response.status_code == 400


def test_a_body_that_is_not_json_gets_a_detail_the_schema_describes(api, schema):
    response = api.post(INTERACTIONS, "\x00", content_type="application/json")
    bad_request = schema["paths"][INTERACTIONS]["post"]["responses"]["400"]

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    body = bad_request["content"]["application/json"]["schema"]
    assert body["properties"]["detail"] == {"type": "string"}


def test_a_page_past_the_end_is_a_documented_404(api, schema):
    response = api.get(CONTACTS, {"page": 2})

    assert response.status_code == 404
    assert "404" in schema["paths"][CONTACTS]["get"]["responses"]
    assert query_parameter(schema, CONTACTS, "page")["schema"]["minimum"] == 1


def test_the_entries_page_by_a_cursor_the_schema_describes(api, schema):
    response = api.get(INTERACTIONS, {"cursor": "nonsense"})
    parameters = {
        parameter["name"]
        for parameter in schema["paths"][INTERACTIONS]["get"]["parameters"]
    }

    assert response.status_code == 400
    assert "400" in schema["paths"][INTERACTIONS]["get"]["responses"]
    assert {"cursor", "page_size", "count"} <= parameters
    assert "page" not in parameters
    assert query_parameter(schema, INTERACTIONS, "count")["schema"] == {
        "type": "boolean"
    }


@pytest.mark.parametrize("page_size", ["0", "abc", "-1", "²"])
def test_a_wrong_page_size_is_an_error_not_25_rows(api, schema, page_size):
    response = api.get(CONTACTS, {"page_size": page_size})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number of 1 or more."]}
    assert query_parameter(schema, CONTACTS, "page_size")["schema"]["minimum"] == 1


def test_page_size_left_blank_or_too_large(api):
    CompanyFactory.create_batch(2)

    assert api.get(CONTACTS, {"page_size": ""}).status_code == 200
    assert len(api.get(CONTACTS, {"page_size": "501"}).json()["results"]) == 2
    assert len(api.get(CONTACTS, {"page_size": "1"}).json()["results"]) == 1


def test_blank_filters_mean_no_filter_as_the_schema_says(api, schema):
    InteractionLogEntryFactory()

    response = api.get(
        INTERACTIONS,
        {"date_to": "", "canceled": "", "cost_from": "", "count": "true"},
    )

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert query_parameter(schema, INTERACTIONS, "date_to")["allowEmptyValue"] is True


@pytest.mark.parametrize("canceled", ["abc", "-58800", "maybe"])
def test_canceled_is_true_or_false(api, schema, canceled):
    response = api.get(INTERACTIONS, {"canceled": canceled})

    assert response.status_code == 400
    assert response.json() == {"canceled": ["Enter true or false."]}
    assert query_parameter(schema, INTERACTIONS, "canceled")["schema"] == {
        "type": "boolean"
    }


def test_date_filters_state_the_years_they_take(api, schema):
    pattern = re.compile(
        query_parameter(schema, INTERACTIONS, "date_from")["schema"]["pattern"]
    )

    too_early = api.get(INTERACTIONS, {"date_from": "0002-03-02"})

    assert too_early.status_code == 400
    assert not pattern.match("0002-03-02")
    assert not pattern.match("1899-12-31")
    assert not pattern.match("9999-01-01")
    assert pattern.match(FIRST_DATE.isoformat())
    assert pattern.match(LAST_DATE.isoformat())
    assert api.get(INTERACTIONS, {"date_from": "1900-01-01"}).status_code == 200


def test_amount_filters_state_the_plain_form_they_read(api, schema):
    pattern = re.compile(
        query_parameter(schema, INTERACTIONS, "cost_from")["schema"]["pattern"]
    )

    exponent = api.get(INTERACTIONS, {"cost_from": "1.71341211701784e+16"})

    assert exponent.status_code == 400
    assert not pattern.fullmatch("1.71341211701784e+16")
    assert not pattern.fullmatch("-1")
    assert not pattern.fullmatch("6.")
    assert api.get(INTERACTIONS, {"cost_from": "6."}).status_code == 400
    assert pattern.fullmatch("1250.50")
    assert api.get(INTERACTIONS, {"cost_from": "1250.50"}).status_code == 200


def test_cost_and_duration_state_their_bounds(api, schema, contact, call_template):
    properties = component(schema, "InteractionCreate")
    negative = api.post(
        INTERACTIONS,
        {"contact": "CT00010", "template": "CALL", "cost": -1},
        format="json",
    )
    third_decimal = api.post(
        INTERACTIONS,
        {"contact": "CT00010", "template": "CALL", "cost": 1.125},
        format="json",
    )

    assert properties["cost"]["minimum"] == 0
    assert properties["cost"]["multipleOf"] == 0.01
    assert properties["duration"]["minimum"] == 0
    assert negative.status_code == 400
    assert third_decimal.status_code == 400


def test_a_document_names_its_contact_once(api, schema, contact, invoice_setup):
    SalespersonFactory(code="JB")
    both = api.post(
        DOCUMENTS,
        {
            "document_type": "sales_invoice",
            "document_no": "SI-1",
            "contact": "CT00010",
            "contact_email": "sanne@example.com",
        },
        format="json",
    )

    assert request_body(schema, DOCUMENTS, "Document")[1]["oneOf"] == [
        {"required": ["contact"]},
        {"required": ["contact_email"]},
    ]
    assert both.status_code == 400
    assert list(both.json()) == ["non_field_errors"]


def test_a_document_number_and_contact_are_not_blank(api, schema, invoice_setup):
    properties = request_body(schema, DOCUMENTS, "Document")[1]["properties"]

    response = api.post(
        DOCUMENTS,
        {"document_type": "sales_quote", "document_no": "", "contact": ""},
        format="json",
    )

    assert properties["document_no"]["minLength"] == 1
    assert properties["contact"]["minLength"] == 1
    assert response.status_code == 400
    assert response.json() == {
        "document_no": ["This field may not be blank."],
        "contact": ["This field may not be blank."],
    }
