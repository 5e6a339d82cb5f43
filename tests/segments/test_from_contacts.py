"""Log an interaction for these contacts: from the filtered contact list, a segment
of the matching contacts whose Log dialog opens."""

from decimal import Decimal

import pytest
from django.urls import reverse

from segments.models import Segment
from tests.factories import (
    CompanyFactory,
    InteractionTemplateFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("segments:segment_from_contacts")


@pytest.fixture
def letter():
    return InteractionTemplateFactory(
        code="LETTER", description="Spring letter", unit_cost=Decimal("1.20")
    )


@pytest.fixture
def utrecht():
    company = CompanyFactory(no="CT00001", name="Bakkerij Utrecht", city="Utrecht")
    PersonFactory(no="CT00011", company=company, city="Utrecht")
    PersonFactory(no="CT00012", city="Utrecht", exclude_from_segment=True)
    PersonFactory(no="CT00020", city="Amsterdam")
    return company


def header(letter, **overrides):
    return {
        "description": "Utrecht call",
        "date": "2026-11-21",
        "template": letter.code,
        "unit_cost": "1.20",
        "unit_duration": "5",
        **overrides,
    }


def test_the_contact_list_links_here_with_its_filters(sales_client, utrecht):
    response = sales_client.get(reverse("crm:contact_list"), {"city": "Utrecht"})

    assert f'href="{URL}?city=Utrecht"' in response.content.decode()
    assert "Log an interaction for these contacts" in response.content.decode()


def test_the_page_counts_the_matching_contacts_and_names_the_filters(
    sales_client, utrecht
):
    response = sales_client.get(URL, {"city": "Utrecht", "ordering": "name"})

    assert response.status_code == 200
    assert response.context["preview"] == {
        "matching": 3,
        "already": 0,
        "excluded": 1,
        "blocked": 0,
        "to_add": 2,
    }
    assert response.context["contact_filter"].applied() == [("City", "Utrecht")]
    assert "Create segment with 2 contacts and log" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?ordering=name"])
def test_without_a_filter_the_page_sends_to_the_contact_list_first(
    sales_client, utrecht, query
):
    # Sorting is no filter: "these contacts" would still be every contact.
    response = sales_client.get(f"{URL}{query}", HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert (
        "Geen filter: er zou voor elk contact een interactie worden geregistreerd. "
        "Filter eerst de contactenlijst"
    ) in html
    contacts = f"{reverse('crm:contact_list')}?{query.lstrip('?')}"
    assert (
        f'<a class="btn btn-primary" href="{contacts}">Contacten filteren</a>' in html
    )
    assert 'id="segment-form"' not in html
    assert "registreren</button>" not in html


def test_without_a_filter_nothing_is_created(sales_client, marketing_setup, letter):
    PersonFactory(city="Utrecht")

    response = sales_client.post(URL, header(letter))

    assert response.status_code == 400
    assert "Filter the contact list first" in response.content.decode()
    assert not Segment.objects.exists()


def test_creating_makes_the_segment_and_opens_its_log_dialog(
    sales_client, marketing_setup, utrecht, letter
):
    response = sales_client.post(f"{URL}?city=Utrecht", header(letter), follow=True)

    segment = Segment.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "segments:segment_log", args=[segment.no]
    )
    assert set(segment.lines.values_list("contact__no", flat=True)) == {
        "CT00001",
        "CT00011",
    }
    assert segment.template == letter
    assert "Segment SM00001 has been created with 2 contacts." in (
        response.content.decode()
    )
    assert "Log one interaction for each of the 2 contacts" in (
        response.content.decode()
    )


def test_invalid_filters_create_nothing(sales_client, marketing_setup, letter):
    response = sales_client.post(f"{URL}?type=robot", header(letter))

    assert response.status_code == 400
    assert "The contact filters are not valid." in response.content.decode()
    assert not Segment.objects.exists()


def test_no_contact_to_add_creates_nothing(sales_client, marketing_setup, letter):
    PersonFactory(city="Zwolle", exclude_from_segment=True)

    response = sales_client.post(f"{URL}?city=Zwolle", header(letter))

    assert "No contacts to add match these filters." in response.content.decode()
    assert not Segment.objects.exists()


def test_a_refused_header_creates_no_segment(sales_client, utrecht, letter):
    # No segment number series in Marketing setup: the service refuses.
    response = sales_client.post(f"{URL}?city=Utrecht", header(letter))

    assert response.status_code == 400
    assert not Segment.objects.exists()
    assert "Set up a number series for segments" in response.content.decode()


def test_a_segment_to_log_needs_its_template_here(
    sales_client, marketing_setup, utrecht, letter
):
    # The Log dialog comes next: without a template nothing could be logged.
    response = sales_client.post(f"{URL}?city=Utrecht", header(letter, template=""))

    assert response.status_code == 400
    assert response.context["form"].errors["template"] == ["This field is required."]
    assert not Segment.objects.exists()


def test_without_the_permission_to_log_the_page_is_403(client, utrecht):
    client.force_login(UserFactory(username="viewer", groups=[]))

    assert client.get(URL).status_code == 403


def test_the_filter_is_the_segments_first_criteria_action(
    sales_client, marketing_setup, utrecht, letter
):
    sales_client.post(f"{URL}?city=Utrecht&type=person", header(letter))

    action = Segment.objects.get().criteria_actions.get()
    assert (action.action, action.criteria) == (
        "add",
        {"city": "Utrecht", "type": "person"},
    )
