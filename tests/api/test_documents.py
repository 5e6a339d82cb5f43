"""POST /api/v1/documents/: automatic recording of documents by other systems."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions import services
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplateSetup,
)
from tests.factories import PersonFactory, SalespersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = reverse("api:document_create")


def invoice(contact="CT00010", **overrides):
    body = {
        "document_type": "sales_invoice",
        "document_no": "SI-1001",
        "contact": contact,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


class TestLogged:
    def test_a_new_document_is_logged_and_answered_201_with_the_entry(
        self, api, contact, invoice_setup, sales_user
    ):
        response = api.post(URL, invoice(), format="json")

        assert response.status_code == 201
        entry = InteractionLogEntry.objects.get()
        assert response.json() == {
            "entry_no": entry.entry_no,
            "date": timezone.localdate().isoformat(),
            "time": entry.time.isoformat(),
            "contact": "CT00010",
            "contact_company": contact.company.no,
            "template": "INVOICE",
            "group": "DOCS",
            "description": "Sales invoice sent",
            "subject": "",
            "document_type": "sales_invoice",
            "document_no": "SI-1001",
            "salesperson": "AV",
            "information_flow": "outbound",
            "initiated_by": "us",
            "correspondence_type": "",
            "evaluation": "",
            "attempt_failed": False,
            "cost": 0.5,
            "duration": 1,
            "segment_no": "",
            "canceled": False,
            "created_at": response.json()["created_at"],
            "language_code": "",
            "delivery_status": "",
            "delivery_error": "",
            "logged": True,
            "duplicate": False,
        }
        assert entry.created_by == sales_user

    def test_description_date_and_salesperson_given_are_used(
        self, api, contact, invoice_setup
    ):
        SalespersonFactory(code="JB")

        response = api.post(
            URL,
            invoice(description="Invoice SI-1001", date="2026-03-02", salesperson="JB"),
            format="json",
        )

        assert response.status_code == 201
        entry = InteractionLogEntry.objects.get()
        assert (entry.description, entry.date, entry.salesperson.code) == (
            "Invoice SI-1001",
            datetime.date(2026, 3, 2),
            "JB",
        )

    def test_the_contact_may_be_given_by_e_mail_in_any_case(
        self, api, contact, invoice_setup
    ):
        response = api.post(
            URL,
            invoice(contact=None, contact_email="SANNE@Example.com"),
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["contact"] == "CT00010"

    def test_a_logged_in_session_may_post_too(
        self, sales_client, contact, invoice_setup
    ):
        response = sales_client.post(URL, invoice(), content_type="application/json")

        assert response.status_code == 201


class TestNotLogged:
    def test_without_a_template_set_up_nothing_is_logged_and_the_answer_says_why(
        self, api, contact
    ):
        InteractionTemplateSetup.objects.update_or_create(
            document_type=DocumentType.SALES_INVOICE, defaults={"template": None}
        )

        response = api.post(URL, invoice(), format="json")

        assert response.status_code == 200
        assert response.json() == {
            "logged": False,
            "reason": "No interaction template is set up for Sales invoice.",
        }
        assert not InteractionLogEntry.objects.exists()

    def test_the_reason_and_errors_are_in_dutch_for_dutch_requests(self, api, contact):
        InteractionTemplateSetup.objects.update_or_create(
            document_type=DocumentType.SALES_INVOICE, defaults={"template": None}
        )

        response = api.post(URL, invoice(), format="json", HTTP_ACCEPT_LANGUAGE="nl")
        blank = api.post(
            URL, invoice(document_no=""), format="json", HTTP_ACCEPT_LANGUAGE="nl"
        )

        assert response.json()["reason"] == (
            "Er is geen interactiesjabloon ingesteld voor Verkoopfactuur."
        )
        assert blank.status_code == 400
        assert "Dit veld" in blank.json()["document_no"][0]

    def test_the_same_document_within_ten_minutes_answers_200_with_the_first_entry(
        self, api, contact, invoice_setup
    ):
        first = api.post(URL, invoice(), format="json")

        again = api.post(URL, invoice(), format="json")

        assert again.status_code == 200
        assert again.json()["entry_no"] == first.json()["entry_no"]
        assert again.json()["duplicate"] is True
        assert again.json()["logged"] is True
        assert InteractionLogEntry.objects.count() == 1

    def test_the_same_document_after_ten_minutes_is_logged_again(
        self, api, contact, invoice_setup
    ):
        first = api.post(URL, invoice(), format="json")
        InteractionLogEntry.objects.filter(pk=first.json()["entry_no"]).update(
            created_at=timezone.now() - datetime.timedelta(minutes=11)
        )

        again = api.post(URL, invoice(), format="json")

        assert again.status_code == 201
        assert again.json()["entry_no"] != first.json()["entry_no"]
        assert again.json()["duplicate"] is False
        assert InteractionLogEntry.objects.count() == 2


class TestInvalid:
    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            (
                invoice(document_type="letter"),
                {"document_type": ['"letter" is not a valid choice.']},
            ),
            (
                invoice(document_type=""),
                {"document_type": ['"" is not a valid choice.']},
            ),
            (
                invoice(document_no=None),
                {"document_no": ["This field is required."]},
            ),
            (
                invoice(document_no="X" * 21),
                {"document_no": ["Ensure this field has no more than 20 characters."]},
            ),
            (
                invoice(date="2 March"),
                {
                    "date": [
                        "Date has wrong format. Use one of these formats instead: "
                        "YYYY-MM-DD."
                    ]
                },
            ),
            (
                invoice(salesperson="NOBODY"),
                {"salesperson": ["There is no salesperson with the code NOBODY."]},
            ),
            (
                invoice(contact="CT\x00"),
                {"contact": ["Null characters are not allowed."]},
            ),
        ],
    )
    def test_bad_input_answers_400_with_the_field_errors(
        self, api, contact, invoice_setup, body, errors
    ):
        response = api.post(URL, body, format="json")

        assert response.status_code == 400
        assert response.json() == errors
        assert not InteractionLogEntry.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [
            invoice(contact=None),
            invoice(contact_email="sanne@example.com"),
        ],
    )
    def test_exactly_one_of_contact_and_contact_email_is_given(
        self, api, contact, invoice_setup, body
    ):
        response = api.post(URL, body, format="json")

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": [
                "Give either the contact's number (contact) or its e-mail address "
                "(contact_email), not both."
            ]
        }

    def test_an_e_mail_address_shared_by_several_contacts_is_refused(
        self, api, contact, invoice_setup
    ):
        PersonFactory(email="Sanne@example.com")

        response = api.post(
            URL, invoice(contact=None, contact_email="sanne@example.com"), format="json"
        )

        assert response.status_code == 400
        assert response.json() == {
            "contact_email": [
                "Several contacts have the e-mail address sanne@example.com; give "
                "the contact's number (contact) instead."
            ]
        }

    def test_a_blocked_salesperson_is_refused_by_the_service(
        self, api, contact, invoice_setup
    ):
        SalespersonFactory(code="OLD", blocked=True)

        response = api.post(URL, invoice(salesperson="OLD"), format="json")

        assert response.status_code == 400
        assert response.json() == {"salesperson": ["Salesperson OLD is blocked."]}

    def test_errors_follow_the_request_language(self, api, contact, invoice_setup):
        response = api.post(
            URL,
            invoice(document_type="letter", document_no=None),
            format="json",
            HTTP_ACCEPT_LANGUAGE="nl",
        )

        assert response.status_code == 400
        assert response["Content-Language"] == "nl"
        errors = response.json()
        assert set(errors) == {"document_type", "document_no"}
        assert all(
            isinstance(message, str) and message
            for messages in errors.values()
            for message in messages
        )


class TestNotFoundAndRefused:
    def test_an_unknown_contact_number_answers_404(self, api, invoice_setup):
        response = api.post(URL, invoice(contact="CT99999"), format="json")

        assert response.status_code == 404
        assert response.json() == {
            "detail": "There is no contact with the number CT99999."
        }

    def test_an_unknown_contact_e_mail_answers_404(self, api, invoice_setup):
        response = api.post(
            URL,
            invoice(contact=None, contact_email="nobody@example.com"),
            format="json",
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": "There is no contact with the e-mail address nobody@example.com."
        }

    def test_without_a_token_the_answer_is_401(
        self, anonymous_api, contact, invoice_setup
    ):
        response = anonymous_api.post(URL, invoice(), format="json")

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert not InteractionLogEntry.objects.exists()

    def test_an_unknown_token_is_401(self, anonymous_api, contact, invoice_setup):
        anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

        response = anonymous_api.post(URL, invoice(), format="json")

        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}

    def test_a_user_without_the_add_permission_gets_403(
        self, api_without_permissions, contact, invoice_setup
    ):
        response = api_without_permissions.post(URL, invoice(), format="json")

        assert response.status_code == 403
        assert not InteractionLogEntry.objects.exists()

    def test_get_is_not_allowed(self, api):
        assert api.get(URL).status_code == 405


def test_an_invoice_posted_to_the_api_shows_on_the_contact_card_and_in_the_log(
    api, crm_admin_client, admin_user_crm, contact, invoice_template
):
    """The issue's "Done when": set up the template, post twice, read both pages."""
    services.update_template_setup(
        {DocumentType.SALES_INVOICE: invoice_template}, user=admin_user_crm
    )

    first = api.post(URL, invoice(), format="json")
    again = api.post(URL, invoice(), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    entry = InteractionLogEntry.objects.get()
    card = crm_admin_client.get(reverse("crm:contact_detail", args=[contact.pk]))
    assert card.context["timeline"].items == [entry]
    assert "Sales invoice sent" in card.content.decode()
    log = crm_admin_client.get(reverse("interactions:entry_list"))
    assert list(log.context["page_obj"].object_list) == [entry]
    assert "Sales invoice sent" in log.content.decode()
