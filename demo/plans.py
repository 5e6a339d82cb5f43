"""The demo's plans: the salespeople's tasks (overdue, today, this week, later, a
recurring one, meetings with attendees, some completed) and a segment built with
criteria and saved, so Mijn taken, the week calendar and the Segmentcriteria page
have something to show. Dates are workdays relative to today; both steps run once,
through the tasks and segments services."""

import datetime

from django.utils import timezone

from crm.models import Contact
from demo.content import (
    CRITERIA_ACTIONS,
    CRITERIA_SEGMENT,
    RECURRING_TASK,
    SAVED_CRITERIA,
    SEGMENT_TASK,
    TASK_ATTENDEES,
    TASKS,
)
from segments import services as segment_services
from segments.models import SavedSegmentCriteria, Segment
from tasks import services as task_services
from tasks.models import Task

CRITERIA_SERVICES = {
    "add": segment_services.add_contacts_by_criteria,
    "reduce": segment_services.reduce_contacts,
    "refine": segment_services.refine_contacts,
}


def _workday(today, days):
    """`days` from today, off the weekend: a past Saturday or Sunday becomes the
    Friday before, a future one the Monday after; today stays today."""
    date = today + datetime.timedelta(days=days)
    weekend = date.isoweekday() - 5
    if days < 0 and weekend > 0:
        return date - datetime.timedelta(days=weekend)
    if days > 0 and weekend > 0:
        return date + datetime.timedelta(days=3 - weekend)
    return date


def _time(text):
    return datetime.time.fromisoformat(text) if text else None


def load_tasks(templates, salespeople):
    """The tasks of TASKS, the recurring one and a call per company of the trade
    fair segment; only into an empty task list."""
    if Task.objects.exists():
        return
    today = timezone.localdate()
    contacts = {contact.name: contact for contact in Contact.objects.all()}
    for (
        code,
        contact,
        type_,
        description,
        days,
        start,
        minutes,
        priority,
        template,
        done,
    ) in TASKS:
        salesperson = salespeople[code]
        values = {}
        if description in TASK_ATTENDEES:
            location, people, guests = TASK_ATTENDEES[description]
            values = {
                "location": location,
                "attendee_salespeople": [salespeople[person] for person in people],
                "attendee_contacts": [contacts[guest] for guest in guests],
            }
        task = task_services.create_task(
            user=salesperson.user,
            type=type_,
            description=description,
            contact=contacts[contact] if contact else None,
            salesperson=salesperson,
            date=_workday(today, days),
            start_time=_time(start),
            duration=minutes,
            priority=priority,
            template=templates[template] if template else None,
            **values,
        )
        if done:
            task_services.complete_task(
                task, user=salesperson.user, log_interaction=False
            )
    code, description, days, formula = RECURRING_TASK
    task_services.create_task(
        user=salespeople[code].user,
        description=description,
        salesperson=salespeople[code],
        date=_workday(today, days),
        recurring=True,
        recurring_date_interval=formula,
    )
    segment_description, description, days = SEGMENT_TASK
    segment = Segment.objects.filter(description=segment_description).first()
    if segment is not None and segment.lines.exists():
        task_services.create_tasks_for_segment(
            segment,
            user=None,
            type=Task.Type.PHONE_CALL,
            description=description,
            date=_workday(today, days),
            template=templates["CALL-OUT"],
        )


def load_segment_criteria(templates, salespeople):
    """A segment built by CRITERIA_ACTIONS and saved as SAVED_CRITERIA, once."""
    description, template, code, builder = CRITERIA_SEGMENT
    saved_code, saved_description = SAVED_CRITERIA
    if (
        Segment.objects.filter(description=description).exists()
        or SavedSegmentCriteria.objects.filter(code=saved_code).exists()
    ):
        return
    user = salespeople[builder].user
    segment = segment_services.create_segment(
        user=user,
        description=description,
        template=templates[template],
        salesperson=salespeople[code],
    )
    for kind, criteria, options in CRITERIA_ACTIONS:
        CRITERIA_SERVICES[kind](segment, criteria, user=user, **options)
    segment_services.save_criteria(
        segment, code=saved_code, description=saved_description, user=user
    )
