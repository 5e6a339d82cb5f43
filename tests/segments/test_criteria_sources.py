"""Which contacts criteria name: contact filters, interactions (has / has no), other
segments; and the criteria in words (tests/segments/criteria_world.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from segments import services
from tests.factories import SegmentFactory, SegmentLineFactory, UserFactory
from tests.segments.criteria_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def named(criteria):
    return {contact.no for contact in services.criteria_contacts(criteria)}


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ({}, {"ANNA", "COR", "DIRK"}),
        ({"has": False}, {"ACME", "BERT", "BETA", "GAMMA", "EVA"}),
        ({"template": "LETTER"}, {"ANNA", "DIRK"}),
        (
            {"has": "false", "template": "LETTER"},
            {"ACME", "BERT", "BETA", "COR", "GAMMA", "EVA"},
        ),
        ({"group": "CALLS"}, {"COR"}),
        ({"salesperson": "ANNE"}, {"ANNA"}),
        ({"date_from": "2026-04-01"}, {"COR", "DIRK"}),
        ({"date_from": "2026-03-15", "date_to": "2026-04-15"}, {"COR"}),
        ({"evaluation": "positive"}, {"ANNA"}),
        ({"canceled": "true"}, {"COR"}),
        ({"canceled": False}, {"ANNA", "DIRK"}),
        ({"information_flow": "inbound"}, {"COR"}),
        ({"correspondence_type": "hard_copy"}, {"DIRK"}),
        ({"cost_from": "1.50", "cost_to": "5"}, {"DIRK"}),
        ({"duration_from": 30}, {"ANNA", "COR"}),
        ({"duration_to": "10"}, {"DIRK"}),
        ({"segment_no": "LS1"}, {"ANNA"}),
    ],
)
def test_interaction_criteria(world, entries, expected):
    assert named({"entries": entries}) == expected


def test_amounts_are_read_in_the_users_language_and_stored_plain(world):
    user = UserFactory()
    segment = SegmentFactory()
    with translation.override("nl"):
        services.add_contacts_by_criteria(
            segment, {"entries": {"cost_from": "1,50"}}, user=user
        )
    action = segment.criteria_actions.get()
    assert action.criteria == {"entries": {"has": True, "cost_from": "1.50"}}
    with translation.override("nl"):
        assert named(action.criteria) == {"ANNA", "DIRK"}
    assert named(action.criteria) == {"ANNA", "DIRK"}


def test_criteria_combine_contact_and_interaction_filters(world):
    assert named({"city": "Amsterdam", "entries": {"has": True}}) == {"COR", "DIRK"}
    assert named({"type": "company", "entries": {"has": False}}) == {
        "ACME",
        "BETA",
        "GAMMA",
    }


def test_set_operations_between_segments(world):
    contacts = world["contacts"]
    other = SegmentFactory()
    for no in ("ANNA", "BETA", "EVA"):
        SegmentLineFactory(segment=other, contact=contacts[no])
    assert named({"segment": other.pk}) == {"ANNA", "BETA", "EVA"}
    assert named({"segment": str(other.pk), "type": "person"}) == {"ANNA", "EVA"}
    assert named({"logged_segment": world["logged"].pk}) == {"ANNA"}

    user = UserFactory()
    segment = SegmentFactory()
    services.add_contacts_by_criteria(
        segment, {}, user=user, allow_company_with_persons=True
    )
    # Remove the other segment's contacts, keep only those in both, add them back.
    services.reduce_contacts(segment, {"segment": other.pk}, user=user)
    assert not segment.lines.filter(contact__no__in=["ANNA", "BETA"]).exists()
    services.go_back(segment, user=user)
    services.refine_contacts(segment, {"segment": other.pk}, user=user)
    assert set(segment.lines.values_list("contact__no", flat=True)) == {
        "ANNA",
        "BETA",
    }


@pytest.mark.parametrize(
    "entries",
    [
        {"date_from": "2026-02-30"},
        {"cost_from": "twelve"},
        {"duration_from": "-5"},
        {"template": "NOSUCH"},
        {"canceled": "perhaps"},
    ],
)
def test_bad_interaction_values_are_refused(world, entries):
    with pytest.raises(ValidationError) as error:
        named({"entries": entries})
    assert error.value.messages


def test_criteria_in_words_reads_as_one_line(world):
    criteria = {
        "city": "Utrecht",
        "entries": {"has": True, "evaluation": "positive"},
        "segment": SegmentFactory(no="SG8", description="Beurs").pk,
    }
    assert services.criteria_in_words(criteria) == (
        "city starts with Utrecht, has interactions with evaluation = Positive, "
        "in segment = SG8 Beurs"
    )
    with translation.override("nl"):
        assert services.criteria_in_words(criteria) == (
            "plaats begint met Utrecht, heeft interacties met evaluatie = Positief, "
            "in segment = SG8 Beurs"
        )
        assert services.criteria_in_words({"entries": {"has": False}}) == (
            "geen interacties"
        )
        assert services.criteria_in_words({}) == "alle contacten"


def test_every_kind_of_criteria_in_words(world):
    criteria = {
        "city": "Utrecht",
        "language_code": "nl",
        "type": "person",
        "entries": {"has": False, "template": "LETTER", "canceled": "true"},
    }
    assert services.criteria_in_words(criteria) == (
        "city starts with Utrecht, language = Dutch, type = Person, "
        "no interactions with template = LETTER, canceled = Yes"
    )
    with translation.override("nl"):
        described = services.criteria_in_words(criteria)
    assert described.startswith("plaats begint met Utrecht, taal = Nederlands, ")
    with translation.override("nl"):
        assert services.criteria_in_words(
            {"q": "jan", "country": "NL", "entries": {"has": True, "q": "offerte"}}
        ) == (
            'zoeken naar "jan", land = NL, heeft interacties met zoeken naar "offerte"'
        )
    assert services.criteria_in_words({}) == "all contacts"
    segment = SegmentFactory(no="SG7", description="Beurs")
    assert (
        services.criteria_in_words(
            {"segment": segment.pk, "logged_segment": world["logged"].pk}
        )
        == f"in segment = SG7 Beurs, in logged segment = {world['logged']}"
    )


def test_amounts_dates_and_durations_in_words_as_the_language_writes_them(world):
    """A Dutch marketer typed "12,50" and "1.250,50"; the Segmentcriteria page reads
    them back so, not as the stored `12.50` and `1250.50` with an "=" between."""
    criteria = {
        "entries": {
            "has": True,
            "cost_from": "12,50",
            "cost_to": "1250.50",
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "duration_from": "1500",
        }
    }
    with translation.override("nl"):
        described = services.criteria_in_words(criteria)
    assert described == (
        "heeft interacties met kosten van 12,50, kosten tot 1.250,50, "
        "van 1-3-2026, tot en met 31-3-2026, duur van 1.500"
    )
    with translation.override("en"):
        assert services.criteria_in_words(
            {"entries": {"cost_from": "12.50", "cost_to": "1250.50"}}
        ) == ("has interactions with cost from 12.50, cost to 1,250.50")
