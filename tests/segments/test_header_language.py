"""The segment header's default language ("Taalcode (standaard)") and subject
("Onderwerp (standaard)"): the defaults for contacts whose own language has no
version of the template."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from segments import services
from tests.factories import InteractionTemplateFactory, PersonFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("segments:segment_create")


@pytest.fixture
def offer():
    return InteractionTemplateFactory(code="OFFER", description="Offer")


def header_data(template, **overrides):
    return {
        "description": "Spring mailing",
        "date": "2026-11-21",
        "salesperson": "",
        "template": template.pk,
        "language_code": "",
        "subject": "",
        "unit_cost": "0",
        "unit_duration": "0",
        "information_flow": "",
        "initiated_by": "",
        "correspondence_type": "",
        **overrides,
    }


def test_create_segment_takes_a_default_language(marketing_setup, offer):
    segment = services.create_segment(
        user=None, description="Spring", template=offer, language_code="en"
    )

    segment.refresh_from_db()
    assert segment.language_code == "en"


def test_update_header_changes_the_default_language_and_not_the_lines(
    marketing_setup, offer
):
    segment = services.create_segment(
        user=None, description="Spring", template=offer, subject="Spring offer"
    )
    services.add_contacts(segment, [PersonFactory()])

    services.update_header(
        segment, user=None, update_lines=True, language_code="de", subject="Angebot"
    )

    segment.refresh_from_db()
    line = segment.lines.get()
    assert (segment.language_code, segment.subject) == ("de", "Angebot")
    assert line.subject == "Angebot"  # a line that kept the header's subject follows


def test_an_unknown_language_is_refused(marketing_setup, offer):
    with pytest.raises(ValidationError) as refused:
        services.create_segment(
            user=None, description="Spring", template=offer, language_code="xx"
        )

    assert list(refused.value.message_dict) == ["language_code"]


def test_the_header_form_shows_and_saves_both_defaults(
    sales_client, marketing_setup, offer
):
    sales_client.cookies["django_language"] = "nl"
    page = sales_client.get(CREATE_URL).content.decode()
    assert "Taalcode (standaard)" in page
    assert "Onderwerp (standaard)" in page

    response = sales_client.post(
        CREATE_URL, header_data(offer, language_code="en", subject="Our offer")
    )

    assert response.status_code == 302
    segment = offer.segments.get()
    assert (segment.language_code, segment.subject) == ("en", "Our offer")
    detail = sales_client.get(segment.get_absolute_url()).content.decode()
    assert "Engels" in detail


def test_the_htmx_refill_keeps_the_chosen_language(
    sales_client, marketing_setup, offer
):
    response = sales_client.get(
        reverse("segments:segment_form_fields"),
        header_data(offer, language_code="fr"),
    )

    assert response.context["form"].initial["language_code"] == "fr"


def test_a_bad_language_on_the_form_is_an_error(sales_client, marketing_setup, offer):
    response = sales_client.post(CREATE_URL, header_data(offer, language_code="xx"))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["language_code"]
