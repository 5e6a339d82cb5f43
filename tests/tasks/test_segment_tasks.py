import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditRecord
from crm.models import NumberSeries
from tasks.models import Task
from tasks.services import create_tasks_for_segment
from tests.factories import (
    CompanyFactory,
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


def test_one_task_per_line_numbered_in_line_order(user):
    segment = SegmentFactory(no="SM00007")
    company = CompanyFactory()
    lines = [SegmentLineFactory(segment=segment) for _ in range(3)]
    lines.append(SegmentLineFactory(segment=segment, contact=company))
    made = create_tasks_for_segment(
        segment,
        user=user,
        description="Nabellen mailing",
        date=datetime.date(2026, 12, 10),
        type="phone_call",
        priority="high",
    )
    assert made == 4
    tasks = list(Task.objects.order_by("no"))
    assert [task.no for task in tasks] == ["TK00001", "TK00002", "TK00003", "TK00004"]
    assert [(task.contact, task.salesperson) for task in tasks] == [
        (line.contact, line.salesperson) for line in lines
    ]
    # A company is its own contact company; a person has its company.
    assert tasks[0].contact_company == lines[0].contact.company
    assert tasks[3].contact_company == company
    assert {
        (task.segment_no, task.description, task.priority, task.type) for task in tasks
    } == {("SM00007", "Nabellen mailing", "high", "phone_call")}
    assert {(task.date, task.ending_date, task.created_by) for task in tasks} == {
        (datetime.date(2026, 12, 10), datetime.date(2026, 12, 10), user)
    }
    assert NumberSeries.objects.get(code="TASK").next_number == 5
    record = AuditRecord.objects.get(object_type="task")
    assert (record.action, record.count, record.details["segment"]) == (
        "created",
        4,
        "SM00007",
    )


def test_a_given_salesperson_takes_every_task(user):
    segment = SegmentFactory()
    SegmentLineFactory.create_batch(2, segment=segment)
    chosen = SalespersonFactory(code="BK")
    create_tasks_for_segment(segment, user=user, description="x", salesperson=chosen)
    assert {task.salesperson for task in Task.objects.all()} == {chosen}


def test_the_rules_of_one_task_hold(user):
    segment = SegmentFactory()
    SegmentLineFactory(segment=segment)
    with pytest.raises(ValidationError, match=r"You must fill in a description\."):
        create_tasks_for_segment(segment, user=user, description="")
    with pytest.raises(ValidationError, match="no contacts to make tasks for"):
        create_tasks_for_segment(SegmentFactory(), user=user, description="x")
    assert not Task.objects.exists()
    assert NumberSeries.objects.get(code="TASK").next_number == 1


def test_a_logged_segment_gives_one_task_per_contact(user):
    logged = LoggedSegmentFactory(segment_no="SM00003")
    entry = InteractionLogEntryFactory(logged_segment=logged)
    InteractionLogEntryFactory(logged_segment=logged, contact=entry.contact)
    other = InteractionLogEntryFactory(logged_segment=logged)
    InteractionLogEntryFactory()
    assert create_tasks_for_segment(logged, user=user, description="Opvolgen") == 2
    assert {(task.contact, task.segment_no) for task in Task.objects.all()} == {
        (entry.contact, "SM00003"),
        (other.contact, "SM00003"),
    }


def test_segment_tasks_take_constant_queries(user, django_assert_max_num_queries):
    segment = SegmentFactory()
    SegmentLineFactory(segment=segment)
    # 13: one of them looks for privacy blocked contacts among the lines.
    with django_assert_max_num_queries(13) as captured:
        create_tasks_for_segment(segment, user=user, description="x")
    SegmentLineFactory.create_batch(50, segment=segment)
    Task.objects.all().delete()
    with django_assert_max_num_queries(len(captured)):
        assert create_tasks_for_segment(segment, user=user, description="x") == 51


def test_numbers_grow_past_the_series_width_as_next_no_does(user, task_setup):
    NumberSeries.objects.filter(code="TASK").update(width=2, next_number=99)
    segment = SegmentFactory()
    SegmentLineFactory.create_batch(3, segment=segment)
    create_tasks_for_segment(segment, user=user, description="x")
    assert sorted(Task.objects.values_list("no", flat=True)) == [
        "TK100",
        "TK101",
        "TK99",
    ]
