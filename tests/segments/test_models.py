from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from segments.models import LoggedSegment, Segment, SegmentLine
from tests.factories import (
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    SegmentFactory,
    SegmentLineFactory,
)

pytestmark = pytest.mark.django_db


def test_segment_str_and_defaults():
    segment = SegmentFactory(no="SM00007", description="Spring mailing")

    assert str(segment) == "SM00007 Spring mailing"
    assert segment.date is not None
    assert segment.unit_cost == Decimal("0")
    assert segment.information_flow == ""


def test_segment_line_str():
    line = SegmentLineFactory(segment__no="SM00001", contact__no="CT000009")

    assert str(line) == f"SM00001 CT000009 {line.contact.name}"


def test_segment_line_is_unique_per_segment_and_contact():
    line = SegmentLineFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SegmentLineFactory(segment=line.segment, contact=line.contact)


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Segment, {"unit_cost": Decimal("-1")}),
        (Segment, {"unit_duration": -1}),
        (Segment, {"information_flow": "sideways"}),
        (Segment, {"initiated_by": "nobody"}),
        (Segment, {"correspondence_type": "fax"}),
        (SegmentLine, {"cost": Decimal("-0.01")}),
        (SegmentLine, {"information_flow": "sideways"}),
        (SegmentLine, {"initiated_by": "nobody"}),
        (SegmentLine, {"correspondence_type": "fax"}),
    ],
)
def test_database_refuses_invalid_values(model, values):
    obj = SegmentLineFactory()
    target = obj.segment if model is Segment else obj

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=target.pk).update(**values)


def test_deleting_a_segment_deletes_its_lines():
    line = SegmentLineFactory()

    line.segment.delete()

    assert not SegmentLine.objects.exists()


def test_segment_statistics_count_lines_and_sum_cost_and_duration():
    segment = SegmentFactory()
    SegmentLineFactory(segment=segment, cost=Decimal("1.50"), duration=10)
    SegmentLineFactory(segment=segment, cost=Decimal("2.00"), duration=5)
    empty = SegmentFactory()

    rows = {s.pk: s for s in Segment.objects.with_statistics()}

    assert (
        rows[segment.pk].line_count,
        rows[segment.pk].planned_cost,
        rows[segment.pk].planned_duration,
    ) == (2, Decimal("3.50"), 15)
    assert (rows[empty.pk].line_count, rows[empty.pk].planned_cost) == (
        0,
        Decimal("0"),
    )


def test_logged_segment_counts_entries_with_its_own_canceled_flag():
    logged = LoggedSegmentFactory(canceled=True)
    InteractionLogEntryFactory(logged_segment=logged, canceled=True)
    InteractionLogEntryFactory(logged_segment=logged, canceled=False)

    counted = LoggedSegment.objects.with_interaction_count().get()

    assert counted.interaction_count == 1
