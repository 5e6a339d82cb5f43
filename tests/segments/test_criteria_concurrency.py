"""Two users acting on one segment's criteria at once, on PostgreSQL: the segment's
row lock puts one after the other, so the history tells the same story as the
lines (tests/test_concurrency.py runs the callers)."""

import itertools

import pytest

from segments import services
from segments.models import Segment
from tests.factories import SegmentFactory
from tests.segments.criteria_world import build_world
from tests.test_concurrency import RACES, run_first_holding_locks, run_together

pytestmark = RACES


def add_utrecht(segment):
    return lambda: services.add_contacts_by_criteria(
        segment, {"city": "Utrecht"}, user=None, allow_company_with_persons=True
    )


def reduce_companies(segment):
    return lambda: services.reduce_contacts(segment, {"type": "company"}, user=None)


def go_back(segment):
    return lambda: services.go_back(segment, user=None).sequence


def assert_consistent(segment):
    actions = list(segment.criteria_actions.order_by("sequence"))
    assert [action.sequence for action in actions] == list(range(1, len(actions) + 1))
    for earlier, later in itertools.pairwise(actions):
        assert later.lines_before == earlier.lines_after
    assert segment.lines.count() == (actions[-1].lines_after if actions else 0)


@pytest.mark.parametrize(
    "order", ["together", "add_writes_first", "reduce_writes_first"]
)
def test_two_actions_at_once_stay_consistent(order):
    build_world()
    segment = SegmentFactory()
    add, reduce = add_utrecht(segment), reduce_companies(segment)
    if order == "together":
        outcomes = run_together(add, reduce)
    elif order == "add_writes_first":
        outcomes = run_first_holding_locks(add, reduce, pause_after="INSERT INTO")
    else:
        outcomes = run_first_holding_locks(reduce, add, pause_after="INSERT INTO")
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    segment = Segment.objects.get(pk=segment.pk)
    assert_consistent(segment)
    kinds = [action.action for action in segment.criteria_actions.order_by("sequence")]
    if order == "add_writes_first":
        assert kinds == ["add", "reduce"]
        assert set(segment.lines.values_list("contact__no", flat=True)) == {"ANNA"}
    # Going back twice empties it, whichever came first.
    services.go_back(segment, user=None)
    services.go_back(segment, user=None)
    assert not segment.lines.exists()


def test_two_go_backs_at_once_undo_two_actions():
    build_world()
    segment = SegmentFactory()
    add_utrecht(segment)()
    reduce_companies(segment)()
    outcomes = run_together(go_back(segment), go_back(segment))
    assert sorted(outcomes) == [1, 2]
    assert not segment.lines.exists()
    assert not segment.criteria_actions.exists()
