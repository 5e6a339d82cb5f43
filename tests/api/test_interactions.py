"""/api/v1/interactions/: create an interaction (POST), list log entries (GET)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions import services
from interactions.models import InteractionLogEntry
from tests.factories import (
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_today"),
    # Pages of an unordered list may repeat and skip rows.
    pytest.mark.filterwarnings(
        "error::django.core.paginator.UnorderedObjectListWarning"
    ),
]

URL = reverse("api:interaction_list")


def log(contact, template, user, **values):
    return services.create_interaction(
        contact=contact, template=template, user=user, **values
    )


class TestCreate:
    def test_left_out_values_come_from_the_template_and_the_contact(
        self, api, contact, call_template, sales_user
    ):
        response = api.post(
            URL, {"contact": "CT00010", "template": "CALL"}, format="json"
        )

        assert response.status_code == 201
        entry = InteractionLogEntry.objects.get()
        body = response.json()
        assert body["entry_no"] == entry.entry_no
        assert {
            key: body[key]
            for key in (
                "contact",
                "template",
                "group",
                "description",
                "salesperson",
                "cost",
                "duration",
                "information_flow",
                "initiated_by",
                "date",
                "attempt_failed",
            )
        } == {
            "contact": "CT00010",
            "template": "CALL",
            "group": "PHONE",
            "description": "Phone call",
            "salesperson": "AV",
            "cost": 2.5,
            "duration": 15,
            "information_flow": "outbound",
            "initiated_by": "us",
            "date": timezone.localdate().isoformat(),
            "attempt_failed": False,
        }
        assert entry.created_by == sales_user
        assert not entry.postponed

    def test_blank_optional_values_take_the_templates_too(
        self, api, contact, call_template
    ):
        response = api.post(
            URL,
            {
                "contact": "CT00010",
                "template": "CALL",
                "description": "",
                "cost": None,
                "duration": None,
                "information_flow": "",
                "salesperson": None,
                "date": None,
                "time": None,
            },
            format="json",
        )

        assert response.status_code == 201
        body = response.json()
        assert (body["description"], body["cost"], body["duration"]) == (
            "Phone call",
            2.5,
            15,
        )
        assert body["information_flow"] == "outbound"
        assert body["salesperson"] == "AV"
        assert body["time"] is not None

    def test_given_values_are_stored(self, api, contact, call_template, sales_user):
        own = SalespersonFactory(code="JB", user=sales_user)

        response = api.post(
            URL,
            {
                "contact": "CT00010",
                "template": "CALL",
                "description": "Called about the offer",
                "salesperson": "JB",
                "date": "2026-11-20",
                "time": "10:42",
                "correspondence_type": "email",
                "information_flow": "inbound",
                "initiated_by": "them",
                "evaluation": "positive",
                "cost": "7.25",
                "duration": 30,
                "subject": "Offer",
                "interaction_successful": False,
            },
            format="json",
        )

        assert response.status_code == 201
        entry = InteractionLogEntry.objects.get()
        assert entry.salesperson == own
        assert entry.date == datetime.date(2026, 11, 20)
        assert entry.time == datetime.time(10, 42)
        assert (entry.description, entry.subject) == ("Called about the offer", "Offer")
        assert (entry.cost, entry.duration) == (Decimal("7.25"), 30)
        assert (entry.correspondence_type, entry.information_flow) == (
            "email",
            "inbound",
        )
        assert (entry.initiated_by, entry.evaluation) == ("them", "positive")
        assert entry.attempt_failed

    def test_the_same_template_again_that_day_is_logged_without_asking(
        self, api, contact, call_template, sales_user
    ):
        # The page asks "log anyway?"; an integration cannot answer, so the API
        # logs it as it did before the warning existed (issue 8).
        earlier = log(contact, call_template, sales_user)

        response = api.post(
            URL, {"contact": "CT00010", "template": "CALL"}, format="json"
        )

        assert response.status_code == 201
        assert response.json()["entry_no"] != earlier.pk
        assert InteractionLogEntry.objects.count() == 2

    @pytest.mark.parametrize(
        ("overrides", "errors"),
        [
            (
                {"contact": None, "template": None},
                {
                    "contact": ["This field may not be null."],
                    "template": ["This field may not be null."],
                },
            ),
            (
                {"contact": "CT99999"},
                {"contact": ["There is no contact with the number CT99999."]},
            ),
            (
                {"template": "LETTER"},
                {
                    "template": [
                        "There is no interaction template with the code LETTER."
                    ]
                },
            ),
            ({"cost": "-1"}, {"cost": ["The cost cannot be negative."]}),
            ({"duration": -5}, {"duration": ["The duration cannot be negative."]}),
            (
                {"evaluation": "great"},
                {"evaluation": ['"great" is not a valid choice.']},
            ),
            (
                {"duration": 2**40},
                {
                    "duration": [
                        "Ensure this value is less than or equal to 2147483647."
                    ]
                },
            ),
        ],
    )
    def test_bad_input_answers_400_with_the_field_errors(
        self, api, contact, call_template, overrides, errors
    ):
        body = {"contact": "CT00010", "template": "CALL", **overrides}

        response = api.post(URL, body, format="json")

        assert response.status_code == 400
        assert response.json() == errors
        assert not InteractionLogEntry.objects.exists()

    def test_a_blocked_template_is_refused_by_the_service(self, api, contact):
        InteractionTemplateFactory(code="OLD", blocked=True)

        response = api.post(
            URL, {"contact": "CT00010", "template": "OLD"}, format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"template": ["Interaction template OLD is blocked."]}

    def test_without_any_salesperson_the_service_asks_for_one(self, api, call_template):
        PersonFactory(no="CT00020", salesperson=None)

        response = api.post(
            URL, {"contact": "CT00020", "template": "CALL"}, format="json"
        )

        assert response.status_code == 400
        assert response.json() == {"salesperson": ["You must select a salesperson."]}

    def test_anonymous_is_401_and_without_the_add_permission_403(
        self, anonymous_api, api_without_permissions, contact, call_template
    ):
        body = {"contact": "CT00010", "template": "CALL"}

        assert anonymous_api.post(URL, body, format="json").status_code == 401
        assert api_without_permissions.post(URL, body, format="json").status_code == 403
        assert not InteractionLogEntry.objects.exists()


class TestList:
    @pytest.fixture
    def entries(self, contact, call_template, invoice_template, sales_user):
        other = PersonFactory(no="CT00020", salesperson=contact.salesperson)
        return [
            log(contact, call_template, sales_user, date=datetime.date(2026, 1, 5)),
            log(contact, invoice_template, sales_user, date=datetime.date(2026, 2, 5)),
            log(other, call_template, sales_user, date=datetime.date(2026, 3, 5)),
        ]

    def test_lists_logged_entries_newest_first_without_postponed_ones(
        self, api, entries, contact, sales_user
    ):
        services.postpone_interaction(contact=contact, user=sales_user)

        response = api.get(URL, {"count": "true"})

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        assert [row["entry_no"] for row in body["results"]] == [
            entries[2].pk,
            entries[1].pk,
            entries[0].pk,
        ]
        assert body["results"][0]["contact"] == "CT00020"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"contact": "ct00010"}, [1, 0]),
            ({"date_from": "2026-02-01"}, [2, 1]),
            ({"date_from": "2026-01-01", "date_to": "2026-02-28"}, [1, 0]),
            ({"q": "sales invoice"}, [1]),
            ({"ordering": "date"}, [0, 1, 2]),
            # An empty ordering keeps the default order, so pages stay stable.
            ({"ordering": ","}, [2, 1, 0]),
            ({"canceled": "true"}, []),
        ],
    )
    def test_filters_are_those_of_the_page(self, api, entries, query, expected):
        response = api.get(URL, query)

        assert response.status_code == 200
        assert [row["entry_no"] for row in response.json()["results"]] == [
            entries[index].pk for index in expected
        ]

    def test_amounts_are_json_numbers_and_read_as_programs_write_them_in_any_language(
        self, api, entries
    ):
        # A Dutch Accept-Language changes the messages, never the numbers: cost is a
        # JSON number, and `1.250` is 1.25 (in a Dutch form it would be 1250).
        entries[2].cost = Decimal("1250.50")
        entries[2].save(update_fields=["cost"])

        response = api.get(URL, {"cost_from": "1.250"}, HTTP_ACCEPT_LANGUAGE="nl")

        assert response.status_code == 200
        rows = response.json()["results"]
        assert [(row["entry_no"], row["cost"]) for row in rows] == [
            (entries[2].pk, 1250.5),
            (entries[0].pk, 2.5),
        ]
        assert api.get(URL, {"cost_from": "1.250,50"}).status_code == 400

    def test_filters_by_template_group_and_salesperson_by_key(
        self, api, entries, call_template
    ):
        salesperson = entries[0].salesperson

        response = api.get(
            URL,
            {
                "template": call_template.pk,
                "group": call_template.group_id,
                "salesperson": salesperson.pk,
                "count": "true",
            },
        )

        assert response.json()["count"] == 2

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"date_from": "yesterday"}, "date_from"),
            ({"salesperson": "NOBODY"}, "salesperson"),
            ({"evaluation": "great"}, "evaluation"),
            ({"ordering": "password"}, "ordering"),
            ({"q": "call\x00"}, "q"),
            ({"contact": "\x00"}, "contact"),
        ],
    )
    def test_invalid_filter_values_answer_400(self, api, entries, query, field):
        response = api.get(URL, query)

        assert response.status_code == 400
        assert list(response.json()) == [field]

    def test_pages_of_25_or_as_many_as_asked_up_to_500(
        self, api, contact, call_template, sales_user
    ):
        for _ in range(27):
            log(contact, call_template, sales_user)

        first = api.get(URL).json()
        second = api.get(first["next"]).json()
        asked = api.get(URL, {"page_size": 10}).json()
        too_many = api.get(URL, {"page_size": 100000}).json()

        assert (first["count"], len(first["results"])) == (None, 25)
        assert (len(second["results"]), second["next"]) == (2, None)
        assert len(asked["results"]) == 10
        assert len(too_many["results"]) == 27

    def test_anonymous_is_401_and_without_the_view_permission_403(
        self, anonymous_api, api_without_permissions
    ):
        assert anonymous_api.get(URL).status_code == 401
        assert api_without_permissions.get(URL).status_code == 403

    def test_query_count_does_not_grow_with_rows(
        self,
        api,
        salesperson,
        call_template,
        sales_user,
        django_assert_max_num_queries,
    ):
        log(PersonFactory(salesperson=salesperson), call_template, sales_user)
        with CaptureQueriesContext(connection) as one:
            api.get(URL)
        for _ in range(50):
            log(PersonFactory(salesperson=salesperson), call_template, sales_user)

        with django_assert_max_num_queries(len(one)):
            response = api.get(URL, {"page_size": 100})

        assert len(response.json()["results"]) == 51
