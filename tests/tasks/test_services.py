import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditRecord
from interactions.models import InteractionLogEntry
from tasks.models import Task
from tasks.services import (
    cancel_task,
    complete_task,
    create_task,
    postpone_task,
    reassign_tasks,
    update_task,
)
from tests.factories import (
    InteractionTemplateFactory,
    SalespersonFactory,
    SalesUserFactory,
    TaskFactory,
)
from web.versions import row_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


def make(user, default_contact, **values):
    values = {"contact": default_contact, "description": "Bellen", **values}
    return create_task(user=user, **values)


def test_create_task_numbers_from_the_task_series_and_audits(
    user, contact, salesperson
):
    first = make(user, contact)
    second = make(user, contact)
    assert (first.no, second.no) == ("TK00001", "TK00002")
    assert first.salesperson == salesperson
    assert first.contact_company == contact.company
    assert first.status == Task.Status.NOT_STARTED
    assert first.priority == Task.Priority.NORMAL
    record = AuditRecord.objects.filter(object_type="task").first()
    assert (record.action, record.object_id, record.user) == (
        "created",
        "TK00002",
        user,
    )


def test_create_task_passes_over_numbers_in_use(user, contact, task_setup):
    numbers = [make(user, contact).no for _ in range(2)]
    task_setup.task_nos.next_number = 1
    task_setup.task_nos.save()

    assert make(user, contact).no == "TK00003"
    assert numbers == ["TK00001", "TK00002"]


def test_create_task_without_a_series_says_to_set_one_up(user, contact, no_task_series):
    with pytest.raises(ValidationError, match="Set up a number series for tasks"):
        make(user, contact)
    assert not Task.objects.exists()


def test_create_task_defaults_to_today(user, contact, frozen_today):
    assert make(user, contact).date == frozen_today


def test_create_task_salesperson_is_the_contacts_when_the_user_has_none(contact):
    other = SalesUserFactory()
    assert make(other, contact).salesperson == contact.salesperson


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"description": ""}, "description", "You must fill in a description."),
        (
            {"type": "phone_call", "contact": None},
            "contact",
            "A phone call needs a contact to call.",
        ),
        (
            {"type": "meeting"},
            "start_time",
            "A meeting needs a start time, unless it is an all-day event.",
        ),
        ({"status": "completed"}, "status", "Use Complete to complete a task."),
        ({"priority": "urgent"}, "priority", "Value 'urgent' is not a valid choice."),
        ({"type": "visit"}, "type", "Value 'visit' is not a valid choice."),
        (
            {"recurring": True},
            "recurring_date_interval",
            "A recurring task needs a recurring date interval.",
        ),
        (
            {"recurring": True, "recurring_date_interval": "-1W"},
            "recurring_date_interval",
            "The recurring date interval -1W must lead to a later date.",
        ),
        (
            {"recurring": True, "recurring_date_interval": "1X"},
            "recurring_date_interval",
            "The date formula 1X is not valid",
        ),
        (
            {"recurring_date_interval": "1X"},
            "recurring_date_interval",
            "The date formula 1X is not valid",
        ),
    ],
)
def test_create_task_refuses_what_breaks_a_rule(user, contact, values, field, message):
    with pytest.raises(ValidationError) as error:
        make(user, contact, **values)
    assert error.value.message_dict[field][0].startswith(message)
    assert not Task.objects.exists()


def test_create_task_refuses_blocked_salesperson_and_template(user, contact):
    blocked = SalespersonFactory(code="OLD", blocked=True)
    template = InteractionTemplateFactory(code="CALL", blocked=True)
    with pytest.raises(ValidationError) as error:
        make(user, contact, salesperson=blocked, template=template)
    assert error.value.message_dict == {
        "salesperson": ["Salesperson OLD is blocked."],
        "template": ["Interaction template CALL is blocked."],
    }


def test_a_template_needs_a_contact(user):
    with pytest.raises(ValidationError, match="needs a contact"):
        create_task(user=user, description="x", template=InteractionTemplateFactory())


def test_only_meetings_have_attendees(user, contact, salesperson):
    with pytest.raises(ValidationError, match=r"Only meetings have attendees\."):
        make(user, contact, attendee_salespeople=[salesperson])
    meeting = make(
        user,
        contact,
        type="meeting",
        start_time=datetime.time(23, 30),
        duration=90,
        attendee_salespeople=[salesperson],
        attendee_contacts=[contact],
    )
    assert list(meeting.attendee_salespeople.all()) == [salesperson]
    assert list(meeting.attendee_contacts.all()) == [contact]
    # The ending follows from start and duration, over midnight too.
    assert meeting.ending_date == meeting.date + datetime.timedelta(days=1)
    assert meeting.ending_time == datetime.time(1, 0)


def test_unknown_values_are_a_programming_error(user, contact):
    with pytest.raises(TypeError, match="Unknown task values: colour"):
        make(user, contact, colour="red")


def test_the_audit_record_names_the_contact_only_of_a_task_with_one(
    user, contact, salesperson
):
    with_contact = make(user, contact)
    without = make(user, None)

    records = {
        record.object_id: record.details
        for record in AuditRecord.objects.filter(object_type="task")
    }

    assert records[with_contact.no] == {"contact": str(contact)}
    assert records[without.no] == {}


def test_update_task_changes_an_open_task_and_audits(user, contact):
    task = make(user, contact)
    update_task(task, user=user, description="Offerte sturen", priority="high")
    task.refresh_from_db()
    assert (task.description, task.priority) == ("Offerte sturen", "high")
    assert AuditRecord.objects.filter(action="changed", object_id=task.no).exists()


def test_update_task_refuses_a_form_opened_before_another_change(user, contact):
    task = make(user, contact, description="Klacht opvolgen")
    seen = row_version(task)
    update_task(task, user=user, seen_version=seen, location="Kantoor Utrecht")

    with pytest.raises(ValidationError) as caught:
        update_task(
            task, user=user, seen_version=seen, description="Klacht (bijgewerkt)"
        )

    assert caught.value.code == "stale"
    assert "Now stored: Location “Kantoor Utrecht”." in caught.value.messages[0]
    task.refresh_from_db()
    assert (task.description, task.location) == ("Klacht opvolgen", "Kantoor Utrecht")


def test_update_task_refuses_a_form_opened_before_a_postponement(user, contact):
    later = timezone.localdate() + datetime.timedelta(days=14)
    task = make(user, contact, date=timezone.localdate())
    seen = row_version(task)
    postpone_task(task, to=later, user=user)

    with pytest.raises(ValidationError, match="Someone else changed task") as caught:
        update_task(task, user=user, seen_version=seen, priority="high")

    assert "Status “Postponed”" in caught.value.messages[0]
    task.refresh_from_db()
    assert (task.date, task.priority) == (later, "normal")


@pytest.fixture
def call_template():
    return InteractionTemplateFactory(
        code="CALL", description="Telefoongesprek", unit_duration=5
    )


def test_complete_task_logs_its_interaction(user, contact, salesperson, call_template):
    task = make(user, contact, template=call_template, description="Terugbellen")
    task, entry, next_task = complete_task(task, user=user, evaluation="positive")
    assert (task.closed, task.status) == (True, "completed")
    assert task.logged_entry_no == entry.pk
    assert (entry.contact, entry.salesperson, entry.template) == (
        contact,
        salesperson,
        call_template,
    )
    assert (entry.description, entry.evaluation, entry.duration) == (
        "Terugbellen",
        "positive",
        5,
    )
    assert next_task is None
    assert AuditRecord.objects.filter(action="completed", object_id=task.no).exists()


def test_complete_task_logs_the_task_s_duration_over_the_template_s(
    user, contact, call_template
):
    task = make(user, contact, template=call_template, duration=30)
    assert complete_task(task, user=user).entry.duration == 30
    other = make(user, contact, template=call_template, duration=30)
    assert complete_task(other, user=user, duration=45).entry.duration == 45


def test_complete_task_without_logging(user, contact, call_template):
    task = make(user, contact, template=call_template)
    completion = complete_task(task, user=user, log_interaction=False)
    assert completion.entry is None
    assert completion.task.closed
    assert not InteractionLogEntry.objects.exists()


def test_complete_task_without_template_logs_nothing(user, contact):
    completion = complete_task(make(user, contact), user=user)
    assert completion.entry is None
    assert not InteractionLogEntry.objects.exists()


def test_complete_is_all_or_nothing_when_logging_fails(user, contact, call_template):
    task = make(user, contact, template=call_template)
    call_template.blocked = True
    call_template.save()
    with pytest.raises(
        ValidationError, match=r"Interaction template CALL is blocked\."
    ):
        complete_task(task, user=user)
    task.refresh_from_db()
    assert (task.closed, task.status) == (False, "not_started")
    assert not InteractionLogEntry.objects.exists()
    assert not AuditRecord.objects.filter(action="completed").exists()


def test_a_closed_task_cannot_be_completed_or_changed_again(user, contact):
    task = make(user, contact)
    complete_task(task, user=user)
    for action in (
        lambda: complete_task(task, user=user),
        lambda: cancel_task(task, user=user),
        lambda: update_task(task, user=user, description="x"),
        lambda: postpone_task(task, to=datetime.date(2100, 1, 1), user=user),
    ):
        with pytest.raises(ValidationError, match=f"Task {task.no} is closed"):
            action()


def test_recurring_from_due_date(user, contact, frozen_today):
    due = frozen_today - datetime.timedelta(days=10)
    task = make(user, contact, date=due, recurring=True, recurring_date_interval="1W")
    next_task = complete_task(task, user=user).next_task
    assert next_task.date == due + datetime.timedelta(weeks=1)
    assert (next_task.no, next_task.previous, next_task.closed) == (
        "TK00002",
        task,
        False,
    )
    assert next_task.recurring_date_interval == "1W"


def test_recurring_from_closing_date(user, contact, frozen_today):
    task = make(
        user,
        contact,
        date=frozen_today - datetime.timedelta(days=10),
        recurring=True,
        recurring_date_interval="CM+1D",
        calc_due_date_from="closing_date",
    )
    assert complete_task(task, user=user).next_task.date == datetime.date(2027, 1, 1)


def test_a_canceled_recurring_task_does_not_recur(user, contact):
    task = make(user, contact, recurring=True, recurring_date_interval="1D")
    task = cancel_task(task, user=user)
    assert (task.canceled, task.closed, task.status) == (True, True, "not_started")
    assert Task.objects.count() == 1


def test_postpone_task_moves_the_date(user, contact, frozen_today):
    task = make(user, contact)
    later = frozen_today + datetime.timedelta(days=3)
    task = postpone_task(task, to=later, user=user)
    assert (task.date, task.status, task.ending_date) == (later, "postponed", later)
    with pytest.raises(ValidationError, match="to 12/07/2026 or a later date"):
        postpone_task(task, to=frozen_today - datetime.timedelta(days=1), user=user)


def test_postpone_task_never_moves_it_to_its_own_date_or_earlier(
    user, contact, frozen_today
):
    tomorrow = frozen_today + datetime.timedelta(days=1)
    future = make(user, contact, date=frozen_today + datetime.timedelta(days=3))
    for to in (frozen_today, future.date):
        with pytest.raises(ValidationError, match="to 12/07/2026 or a later date"):
            postpone_task(future, to=to, user=user)
    future.refresh_from_db()
    assert (future.date, future.status) == (datetime.date(2026, 12, 6), "not_started")
    due_today = make(user, contact)
    with pytest.raises(ValidationError, match="to 12/04/2026 or a later date"):
        postpone_task(due_today, to=frozen_today, user=user)
    assert postpone_task(due_today, to=tomorrow, user=user).date == tomorrow
    overdue = make(user, contact, date=frozen_today - datetime.timedelta(days=2))
    assert postpone_task(overdue, to=frozen_today, user=user).date == frozen_today


def test_reassign_tasks_moves_only_open_tasks_in_one_update(
    user, contact, django_assert_num_queries
):
    open_tasks = [make(user, contact) for _ in range(3)]
    done = make(user, contact)
    complete_task(done, user=user)
    new = SalespersonFactory(code="BK")
    with django_assert_num_queries(4):  # savepoint, UPDATE, audit, release
        count = reassign_tasks(
            Task.objects.filter(contact=contact), salesperson=new, user=user
        )
    assert count == 3
    assert {task.salesperson for task in Task.objects.filter(closed=False)} == {new}
    done.refresh_from_db()
    assert done.salesperson != new
    record = AuditRecord.objects.get(action="reassigned")
    assert record.count == 3
    assert reassign_tasks(open_tasks[:1], salesperson=None, user=user) == 1


def test_reassign_to_a_blocked_salesperson_is_refused(user, contact):
    blocked = SalespersonFactory(blocked=True, code="OLD")
    with pytest.raises(ValidationError, match=r"Salesperson OLD is blocked\."):
        reassign_tasks([make(user, contact)], salesperson=blocked, user=user)


def test_sales_see_own_and_unassigned_crm_admin_all(sales_user, admin_user_crm):
    own = TaskFactory(salesperson=SalespersonFactory(user=sales_user))
    unassigned = TaskFactory(salesperson=None)
    others = TaskFactory()
    assert set(Task.objects.visible_to(sales_user)) == {own, unassigned}
    assert set(Task.objects.visible_to(admin_user_crm)) == {own, unassigned, others}
