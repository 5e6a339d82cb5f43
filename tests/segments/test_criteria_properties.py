"""Properties of criteria actions over any sequence of them
(tests/segments/criteria_world.py): going back restores the exact earlier lines, keys
and personalised values included, and saved criteria replayed on an empty segment
give the same contacts as the actions did."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segments import services
from segments.models import SegmentHistory
from tests.factories import SegmentFactory
from tests.segments.criteria_world import build_world

pytestmark = pytest.mark.django_db

CRITERIA = [
    {},
    {"city": "Utrecht"},
    {"type": "person"},
    {"type": "company"},
    {"q": "ACME"},
    {"entries": {"has": True}},
    {"entries": {"has": False, "template": "LETTER"}},
]

add_actions = st.tuples(
    st.just("add"),
    st.sampled_from(CRITERIA),
    st.fixed_dictionaries(
        {
            name: st.booleans()
            for name in (
                "allow_existing",
                "expand_contact",
                "allow_company_with_persons",
                "ignore_exclusion",
            )
        }
    ),
)
remove_actions = st.tuples(
    st.sampled_from(["reduce", "refine"]),
    st.sampled_from(CRITERIA),
    st.fixed_dictionaries({"entire_companies": st.booleans()}),
)
SERVICES = {
    "add": services.add_contacts_by_criteria,
    "reduce": services.reduce_contacts,
    "refine": services.refine_contacts,
}


class Rollback(Exception):
    """Ends an example, undoing what it wrote."""


@pytest.fixture
def world():
    return build_world()


def snapshot(segment):
    return sorted(segment.lines.values(), key=lambda line: line["id"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(actions=st.lists(st.one_of(add_actions, remove_actions), max_size=6))
def test_go_back_restores_every_earlier_state(world, actions):
    contacts = world["contacts"]
    try:
        with transaction.atomic():
            segment = SegmentFactory()
            services.add_contacts(segment, [contacts["ANNA"], contacts["BETA"]])
            # A personalised line, and one of a contact marked "exclude from segment".
            services.update_line(
                segment.lines.get(contact=contacts["ANNA"]),
                user=None,
                subject="Voor Anna",
                cost="7.25",
                correspondence_type="email",
            )
            services.add_contacts(segment, [contacts["EVA"]], ignore_exclusion=True)
            states = []
            for kind, criteria, options in actions:
                states.append(snapshot(segment))
                SERVICES[kind](segment, criteria, user=None, **options)
            saved_contacts = {line["contact_id"] for line in snapshot(segment)}
            if actions:
                saved = services.save_criteria(
                    segment, code="P", description="", user=None
                )
                replayed = SegmentFactory()
                services.add_contacts(
                    replayed,
                    [contacts["ANNA"], contacts["BETA"], contacts["EVA"]],
                    ignore_exclusion=True,
                )
                services.reuse_criteria(replayed, saved, user=None)
                assert {
                    line["contact_id"] for line in snapshot(replayed)
                } == saved_contacts
            for state in reversed(states):
                services.go_back(segment, user=None)
                assert snapshot(segment) == state
            assert not SegmentHistory.objects.filter(action__segment=segment).exists()
            raise Rollback
    except Rollback:
        pass
