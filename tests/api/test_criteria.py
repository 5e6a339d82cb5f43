"""Add / Reduce / Refine by criteria and Go back through the HTTP API."""

import pytest
from django.urls import reverse

from segments.models import SegmentCriteriaAction
from tests.factories import CompanyFactory, PersonFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    acme = CompanyFactory(no="ACME", city="Utrecht")
    PersonFactory(no="ANNA", company=acme, city="Utrecht")
    PersonFactory(no="EVA", city="Utrecht", exclude_from_segment=True)
    PersonFactory(no="DIRK", city="Amsterdam")


@pytest.fixture
def segment():
    return SegmentFactory(no="SG1")


def url(name, number="SG1"):
    return reverse(f"api:{name}", args=[number])


def numbers(segment):
    return set(segment.lines.values_list("contact__no", flat=True))


def test_add_with_options(api, world, segment):
    response = api.post(
        url("segment_add_contacts"),
        {
            "criteria": {"city": "Utrecht"},
            "ignore_exclusion": True,
            "allow_company_with_persons": True,
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "segment": "SG1",
        "action": "add",
        "changed": 3,
        "line_count": 3,
    }
    assert numbers(segment) == {"ACME", "ANNA", "EVA"}


def test_reduce_refine_and_go_back(api, world, segment):
    api.post(
        url("segment_add_contacts"),
        {"criteria": {"city": "Utrecht"}, "allow_company_with_persons": True},
        format="json",
    )
    assert numbers(segment) == {"ACME", "ANNA"}

    response = api.post(
        url("segment_reduce"), {"criteria": {"type": "company"}}, format="json"
    )
    assert response.json()["changed"] == 1
    response = api.post(
        url("segment_refine"),
        {"criteria": {"type": "person"}, "entire_companies": True},
        format="json",
    )
    assert response.json() == {
        "segment": "SG1",
        "action": "refine",
        "changed": 0,
        "line_count": 1,
    }

    response = api.post(url("segment_go_back"), format="json")

    assert response.status_code == 200
    assert response.json()["undone"] == {
        "sequence": 3,
        "action": "refine",
        "criteria": {"type": "person"},
        "options": {"entire_companies": True},
        "lines_before": 1,
        "lines_after": 1,
    }
    assert SegmentCriteriaAction.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "criteria"),
        ({"criteria": "city=Utrecht"}, "criteria"),
        ({"criteria": {"town": "Utrecht"}}, "non_field_errors"),
        ({"criteria": {"type": "robot"}}, "non_field_errors"),
        ({"criteria": {"entries": {"has": "maybe"}}}, "non_field_errors"),
        ({"criteria": {}, "ignore_exclusion": "perhaps"}, "ignore_exclusion"),
    ],
)
def test_bad_criteria_are_a_400_that_says_why(api, world, segment, body, field):
    response = api.post(url("segment_add_contacts"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]
    assert not segment.lines.exists()


def test_an_option_of_another_action_is_ignored_not_applied(api, world, segment):
    response = api.post(
        url("segment_reduce"),
        {"criteria": {}, "ignore_exclusion": True},
        format="json",
    )

    assert response.status_code == 200
    assert SegmentCriteriaAction.objects.get().options == {"entire_companies": False}


def test_go_back_with_nothing_to_undo_is_a_400(api, segment):
    response = api.post(url("segment_go_back"), format="json")

    assert response.status_code == 400
    assert "no criteria action left to undo" in (response.json()["non_field_errors"][0])


def test_an_unknown_segment_is_a_404(api, world):
    response = api.post(
        url("segment_add_contacts", "NO-SUCH"), {"criteria": {}}, format="json"
    )

    assert response.status_code == 404


def test_without_the_permission_it_is_403(api_without_permissions, segment):
    response = api_without_permissions.post(url("segment_go_back"), {}, format="json")

    assert response.status_code == 403
