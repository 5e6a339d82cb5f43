"""Criteria actions on hand-built data where the right answer is plain to see
(tests/segments/criteria_world.py)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditRecord
from segments import services
from segments.models import CriteriaActionKind, SegmentCriteriaAction, SegmentHistory
from tests.factories import InteractionTemplateFactory, SegmentFactory, UserFactory
from tests.segments.criteria_world import build_world

pytestmark = pytest.mark.django_db

UTRECHT = {"city": "Utrecht"}


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def segment():
    return SegmentFactory(no="SG1", description="Mailing")


def numbers(segment):
    return set(segment.lines.values_list("contact__no", flat=True))


def lines(segment):
    """Every value of every line, the key included."""
    return sorted(segment.lines.values(), key=lambda line: line["id"])


def test_criteria_contacts_is_one_statement(world, django_assert_num_queries):
    criteria = {"city": "utrecht", "type": "person"}
    contacts = services.criteria_contacts(criteria)
    with django_assert_num_queries(1):
        found = {contact.no for contact in contacts}
    assert found == {"ANNA", "EVA"}


@pytest.mark.parametrize(
    "criteria",
    [
        {"town": "Utrecht"},
        {"type": "robot"},
        {"entries": {"evaluation": "superb"}},
        {"entries": {"planet": "Mars"}},
        {"entries": {"has": "maybe"}},
        {"city": ["Utrecht", "Zeist"]},
        {"segment": "SG1"},
        {"segment": 999999},
        {"logged_segment": 999999},
        "city=Utrecht",
    ],
)
def test_bad_criteria_are_refused_with_a_message(world, segment, user, criteria):
    with pytest.raises(ValidationError) as error:
        services.add_contacts_by_criteria(segment, criteria, user=user)
    assert error.value.messages
    assert not segment.lines.exists()
    assert not SegmentCriteriaAction.objects.exists()


def test_add_skips_excluded_and_companies_represented_by_their_persons(
    world, segment, user
):
    added = services.add_contacts_by_criteria(segment, UTRECHT, user=user)
    # ACME is represented by Anna; Eva is excluded.
    assert numbers(segment) == {"ANNA", "BETA"}
    assert added == 2
    action = segment.criteria_actions.get()
    assert action.sequence == 1
    assert action.action == CriteriaActionKind.ADD
    assert action.criteria == UTRECHT
    assert action.options == {
        "allow_existing": False,
        "expand_contact": False,
        "allow_company_with_persons": False,
        "ignore_exclusion": False,
    }
    assert (action.lines_before, action.lines_after, action.changed) == (0, 2, 2)
    assert action.created_by == user
    assert set(
        SegmentHistory.objects.filter(action=action, added=True).values_list(
            "contact__no", flat=True
        )
    ) == {"ANNA", "BETA"}
    record = AuditRecord.objects.get(action=AuditAction.CONTACTS_ADDED)
    assert (record.object_id, record.count) == ("SG1", 2)
    assert record.details["criteria"] == UTRECHT


def test_add_options(world, segment, user):
    added = services.add_contacts_by_criteria(
        segment,
        UTRECHT,
        user=user,
        allow_company_with_persons=True,
        ignore_exclusion=True,
    )
    assert numbers(segment) == {"ACME", "ANNA", "BETA", "EVA"}
    assert added == 4


def test_add_expand_contact_brings_companies_and_persons(world, segment, user):
    services.add_contacts_by_criteria(
        segment, {"q": "DIRK"}, user=user, expand_contact=True
    )
    # Dirk's company is represented by him.
    assert numbers(segment) == {"DIRK"}
    services.add_contacts_by_criteria(
        segment,
        {"q": "BETA"},
        user=user,
        expand_contact=True,
        allow_company_with_persons=True,
    )
    assert numbers(segment) == {"DIRK", "BETA", "COR"}


def test_add_skips_or_renews_existing_lines(world, segment, user):
    services.add_contacts_by_criteria(segment, {"q": "ANNA"}, user=user)
    line = segment.lines.get()
    line.description = "Personal"
    line.save()
    assert services.add_contacts_by_criteria(segment, {"q": "ANNA"}, user=user) == 0
    assert segment.lines.get().description == "Personal"
    before = lines(segment)
    assert (
        services.add_contacts_by_criteria(
            segment, {"q": "ANNA"}, user=user, allow_existing=True
        )
        == 1
    )
    assert segment.lines.get().description == "Mailing"
    services.go_back(segment, user=user)
    assert lines(segment) == before


def test_reduce_and_refine(world, segment, user):
    services.add_contacts_by_criteria(
        segment, {}, user=user, allow_company_with_persons=True
    )
    everyone = {"ACME", "ANNA", "BERT", "BETA", "COR", "GAMMA", "DIRK"}
    assert numbers(segment) == everyone
    assert services.reduce_contacts(segment, {"city": "Amsterdam"}, user=user) == 3
    assert numbers(segment) == {"ACME", "ANNA", "BERT", "BETA"}
    assert services.refine_contacts(segment, {"type": "person"}, user=user) == 2
    assert numbers(segment) == {"ANNA", "BERT"}
    assert [a.action for a in segment.criteria_actions.order_by("sequence")] == [
        "add",
        "reduce",
        "refine",
    ]


def test_entire_companies(world, segment, user):
    services.add_contacts_by_criteria(
        segment, {}, user=user, allow_company_with_persons=True
    )
    assert (
        services.reduce_contacts(
            segment, {"q": "ACME"}, user=user, entire_companies=True
        )
        == 3
    )
    assert "ANNA" not in numbers(segment)
    services.go_back(segment, user=user)
    assert (
        services.refine_contacts(
            segment, {"q": "GAMMA"}, user=user, entire_companies=True
        )
        == 5
    )
    assert numbers(segment) == {"GAMMA", "DIRK"}


def test_preview_counts_without_writing(world, segment, user):
    preview = services.preview_action(segment, "add", UTRECHT)
    assert preview == 2
    assert not segment.lines.exists()
    assert services.preview_action(segment, "add", UTRECHT, ignore_exclusion=True) == 3
    services.add_contacts_by_criteria(segment, UTRECHT, user=user)
    assert services.preview_action(segment, "add", UTRECHT) == 0
    assert services.preview_action(segment, "add", UTRECHT, allow_existing=True) == 2
    assert services.preview_action(segment, "reduce", {"type": "company"}) == 1
    assert services.preview_action(segment, "refine", {"type": "company"}) == 1
    with pytest.raises(ValidationError):
        services.preview_action(segment, "shrink", UTRECHT)
    with pytest.raises(ValidationError):
        services.preview_action(segment, "reduce", UTRECHT, expand_contact=True)
    assert not SegmentCriteriaAction.objects.filter(action="reduce").exists()


def test_go_back_restores_personalised_lines_exactly(world, segment, user):
    other = InteractionTemplateFactory(code="VISIT")
    services.add_contacts_by_criteria(
        segment, {}, user=user, allow_company_with_persons=True
    )
    line = segment.lines.get(contact__no="ANNA")
    services.update_line(
        line, user=user, template=other, description="Bel Anna", cost="12.50"
    )
    before = lines(segment)
    services.reduce_contacts(segment, {"city": "Utrecht"}, user=user)
    services.refine_contacts(segment, {"type": "company"}, user=user)
    services.go_back(segment, user=user)
    services.go_back(segment, user=user)
    assert lines(segment) == before
    services.go_back(segment, user=user)
    assert not segment.lines.exists()
    assert not SegmentHistory.objects.exists()
    with pytest.raises(ValidationError, match="no criteria action left"):
        services.go_back(segment, user=user)


def test_go_back_refused_once_logged(world, segment, user):
    services.add_contacts_by_criteria(segment, UTRECHT, user=user)
    segment.delete()
    with pytest.raises(ValidationError, match="logged or deleted"):
        services.go_back(segment, user=user)


def test_a_removed_lines_own_file_stays_for_going_back(
    world, segment, user, media_root, django_capture_on_commit_callbacks
):
    own = media_root / "attachments/2026/03/anna.pdf"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"%PDF")
    services.add_contacts_by_criteria(segment, {"q": "ANNA"}, user=user)
    segment.lines.update(attachment="attachments/2026/03/anna.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.reduce_contacts(segment, {"q": "ANNA"}, user=user)
    assert own.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.go_back(segment, user=user)
    assert segment.lines.get().attachment.name == "attachments/2026/03/anna.pdf"
    # Going back from the Add removes the line, and its file with it.
    with django_capture_on_commit_callbacks(execute=True):
        services.go_back(segment, user=user)
    assert not own.exists()


def test_a_contact_deleted_since_is_not_restored(world, segment, user):
    services.add_contacts_by_criteria(
        segment, {"q": "EVA"}, user=user, ignore_exclusion=True
    )
    services.reduce_contacts(segment, {"q": "EVA"}, user=user)
    world["contacts"]["EVA"].delete()  # its history row goes with it
    services.go_back(segment, user=user)
    assert not segment.lines.exists()
