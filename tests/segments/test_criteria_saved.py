"""Saved criteria, dynamic segments at log, and query counts that do not grow with
the lines (tests/segments/criteria_world.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditRecord
from segments import services
from segments.models import SavedSegmentCriteria, SegmentHistory
from tests.factories import CompanyFactory, PersonFactory
from tests.segments.criteria_world import build_world
from web.versions import row_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(marketing_setup):
    return build_world()


@pytest.fixture
def new_segment(user, world, salesperson):
    def make(**values):
        return services.create_segment(
            user=user,
            description="Mailing",
            template=world["letter"],
            salesperson=salesperson,
            **values,
        )

    return make


def numbers(segment):
    return set(segment.lines.values_list("contact__no", flat=True))


def build(segment, user):
    services.add_contacts_by_criteria(
        segment, {}, user=user, allow_company_with_persons=True
    )
    services.refine_contacts(segment, {"city": "Utrecht"}, user=user)
    services.reduce_contacts(segment, {"type": "company"}, user=user)
    services.add_contacts_by_criteria(segment, {"entries": {"has": True}}, user=user)


def test_save_and_reuse_gives_the_same_lines(new_segment, user):
    first = new_segment()
    build(first, user)
    assert numbers(first) == {"ANNA", "COR", "DIRK"}
    saved = services.save_criteria(
        first, code="UTRECHT", description="Utrecht + contacted", user=user
    )
    assert saved.owner == user
    assert saved.action_count == 4
    assert SavedSegmentCriteria.objects.with_action_count().get().action_count == 4
    assert [(a.sequence, a.action) for a in saved.actions.order_by("sequence")] == [
        (1, "add"),
        (2, "refine"),
        (3, "reduce"),
        (4, "add"),
    ]

    second = new_segment()
    assert services.reuse_criteria(second, saved, user=user) == 3
    assert numbers(second) == numbers(first)
    assert second.criteria_actions.count() == 4

    # Replace empties first (undoable); add keeps what is there.
    third = new_segment()
    services.add_contacts_by_criteria(third, {"q": "BERT"}, user=user)
    # Bert (Amersfoort) is refined away when added to.
    assert services.reuse_criteria(third, saved, user=user) == 3
    assert services.reuse_criteria(third, saved, user=user, replace=True) == 3
    assert numbers(third) == numbers(first)
    for _action in range(5):
        services.go_back(third, user=user)
    assert numbers(third) == numbers(first)
    for _action in range(4):
        services.go_back(third, user=user)
    assert numbers(third) == {"BERT"}
    assert AuditRecord.objects.filter(action=AuditAction.CRITERIA_REUSED).count() == 3


def test_save_refusals(new_segment, user):
    segment = new_segment()
    with pytest.raises(ValidationError, match="no criteria to save"):
        services.save_criteria(segment, code="X", description="", user=user)
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=user)
    services.save_criteria(segment, code="X", description="", user=user)
    with pytest.raises(ValidationError) as error:
        services.save_criteria(segment, code="X", description="", user=user)
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_criteria(segment, code="X" * 21, description="", user=user)
    assert "code" in error.value.message_dict


def test_update_saved_criteria_refuses_a_form_opened_before_another_change(
    new_segment, user
):
    segment = new_segment()
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=user)
    saved = services.save_criteria(segment, code="U", description="Old", user=user)
    seen = row_version(saved)
    services.update_saved_criteria(
        saved, user=user, description="Utrecht", seen_version=seen
    )

    with pytest.raises(ValidationError, match="Description “Utrecht”"):
        services.update_saved_criteria(
            saved, user=user, description="Stad Utrecht", seen_version=seen
        )

    saved.refresh_from_db()
    assert saved.description == "Utrecht"


def test_update_and_delete_saved_criteria(new_segment, user):
    segment = new_segment()
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=user)
    saved = services.save_criteria(segment, code="U", description="Old", user=user)
    services.update_saved_criteria(saved, user=user, description="New")
    saved.refresh_from_db()
    assert saved.description == "New"
    with pytest.raises(ValidationError):
        services.update_saved_criteria(saved, user=user, description="x" * 101)
    services.delete_saved_criteria(saved, user=user)
    assert not SavedSegmentCriteria.objects.exists()
    with pytest.raises(ValidationError, match="deleted"):
        services.delete_saved_criteria(saved, user=user)
    assert list(
        AuditRecord.objects.filter(object_type="saved_segment_criteria")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["created", "changed", "deleted"]


def test_dynamic_segment_is_refreshed_when_logged(new_segment, user, world):
    segment = new_segment(reapply_criteria=True)
    services.add_contacts_by_criteria(segment, {"city": "Utrecht"}, user=user)
    services.refine_contacts(segment, {"type": "person"}, user=user)
    assert numbers(segment) == {"ANNA"}
    line = segment.lines.get()
    line.subject = "Personal"
    line.save()
    # Since: Anna moved away, two new people came to Utrecht (one excluded).
    anna = world["contacts"]["ANNA"]
    anna.city = "Zeist"
    anna.save()
    PersonFactory(no="FEM", city="Utrecht", company=CompanyFactory(city="Zeist"))
    PersonFactory(no="GIJS", city="Utrecht", company=None, exclude_from_segment=True)
    bert = world["contacts"]["BERT"]
    bert.city = "Utrecht"
    bert.save()
    assert services.dynamic_changes(segment) == (2, 1)
    logged, _follow_up = services.log_segment(segment, user=user)
    assert set(logged.log_entries.values_list("contact__no", flat=True)) == {
        "BERT",
        "FEM",
    }
    record = AuditRecord.objects.get(action=AuditAction.SEGMENT_LOGGED)
    assert record.details["reapplied"] == "+2 / -1"
    assert not SegmentHistory.objects.exists()


def test_dynamic_segment_keeps_personalised_lines(new_segment, user):
    segment = new_segment(reapply_criteria=True)
    services.add_contacts_by_criteria(segment, {"q": "ANNA"}, user=user)
    segment.lines.update(subject="Personal")
    assert services.dynamic_changes(segment) == (0, 0)
    logged, _follow_up = services.log_segment(segment, user=user)
    assert logged.log_entries.get().subject == "Personal"


def test_static_segment_is_logged_as_it_is(new_segment, user, world):
    segment = new_segment()
    services.add_contacts_by_criteria(segment, {"q": "ANNA"}, user=user)
    anna = world["contacts"]["ANNA"]
    anna.name = "Anna Jansen"
    anna.save()
    services.add_contacts_by_criteria(segment, {"q": "BERT"}, user=user)
    services.reduce_contacts(segment, {"q": "Bakker"}, user=user)
    # BERT's add was undone by a reduce; a manual line stays in a static segment.
    logged, _follow_up = services.log_segment(segment, user=user)
    assert set(logged.log_entries.values_list("contact__no", flat=True)) == {"ANNA"}
    with pytest.raises(ValidationError, match="logged"):
        services.go_back(segment, user=user)


def grow(segment, size):
    """Give `segment` `size` more lines of new persons in Utrecht."""
    company = CompanyFactory(city="Rhenen")
    people = PersonFactory.create_batch(size, city="Utrecht", company=company)
    services.add_contacts(segment, people)


ACTIONS = [
    (
        "add",
        lambda s, u: services.add_contacts_by_criteria(s, {"city": "Utrecht"}, user=u),
    ),
    (
        "add renewing",
        lambda s, u: services.add_contacts_by_criteria(
            s, {"city": "Utrecht"}, user=u, allow_existing=True, expand_contact=True
        ),
    ),
    ("reduce", lambda s, u: services.reduce_contacts(s, {"type": "company"}, user=u)),
    (
        "refine",
        lambda s, u: services.refine_contacts(
            s, {"entries": {"has": False}}, user=u, entire_companies=True
        ),
    ),
    ("go back", lambda s, u: services.go_back(s, user=u)),
    ("preview", lambda s, u: services.preview_action(s, "refine", {"city": "Utrecht"})),
    ("dynamic changes", lambda s, u: services.dynamic_changes(s)),
]


@pytest.mark.parametrize(("name", "act"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_query_count_does_not_grow_with_lines(new_segment, user, name, act):
    counts = []
    for size in (3, 30):
        segment = new_segment()
        grow(segment, size)
        services.add_contacts_by_criteria(segment, {}, user=user)
        with CaptureQueriesContext(connection) as queries:
            act(segment, user)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
