"""The log entries' language and delivery in the API: shown read-only, filterable."""

import pytest
from django.urls import reverse

from tests.factories import InteractionLogEntryFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:interaction_list")


@pytest.fixture
def entries():
    return {
        "sent": InteractionLogEntryFactory(language_code="en", delivery_status="sent"),
        "error": InteractionLogEntryFactory(
            delivery_status="error", delivery_error="550 mailbox unavailable"
        ),
        "none": InteractionLogEntryFactory(),
    }


def test_entries_show_their_language_and_delivery(api, entries):
    rows = {row["entry_no"]: row for row in api.get(URL).json()["results"]}

    shown = {
        name: {
            key: rows[entry.pk][key]
            for key in ("language_code", "delivery_status", "delivery_error")
        }
        for name, entry in entries.items()
    }
    assert shown == {
        "sent": {
            "language_code": "en",
            "delivery_status": "sent",
            "delivery_error": "",
        },
        "error": {
            "language_code": "",
            "delivery_status": "error",
            "delivery_error": "550 mailbox unavailable",
        },
        "none": {"language_code": "", "delivery_status": "", "delivery_error": ""},
    }


@pytest.mark.parametrize("status", ["sent", "error"])
def test_the_list_filters_on_delivery_status(api, entries, status):
    response = api.get(URL, {"delivery_status": status})

    assert [row["entry_no"] for row in response.json()["results"]] == [
        entries[status].pk
    ]


def test_an_unknown_delivery_status_answers_400(api, entries):
    response = api.get(URL, {"delivery_status": "lost"})

    assert response.status_code == 400
    assert "delivery_status" in response.json()


def test_the_schema_names_the_fields_and_the_filter(api):
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()

    entry = schema["components"]["schemas"]["InteractionLogEntry"]["properties"]
    assert {"language_code", "delivery_status", "delivery_error"} <= set(entry)
    assert all(
        entry[name].get("readOnly")
        for name in ("language_code", "delivery_status", "delivery_error")
    )
    parameters = schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    assert "delivery_status" in {parameter["name"] for parameter in parameters}
