"""One task at a time: create, change, complete (logging its interaction), cancel,
postpone; and reassigning many in one UPDATE."""

import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import MarketingSetup
from crm.services import refuse_privacy_blocked
from interactions.models import InteractionLogEntry
from interactions.services import create_interaction, default_salesperson
from tasks import formulas
from tasks.models import Task
from tasks.services.feeds import feeds_changed
from web.versions import check_version

# What create_task and update_task accept.
TASK_FIELDS = frozenset(
    {
        "type",
        "description",
        "contact",
        "salesperson",
        "segment_no",
        "date",
        "start_time",
        "duration",
        "all_day",
        "location",
        "priority",
        "status",
        "recurring",
        "recurring_date_interval",
        "calc_due_date_from",
        "template",
        "source_entry_no",
        "attendee_contacts",
        "attendee_salespeople",
    }
)
ATTENDEES = ("attendee_contacts", "attendee_salespeople")
# Checked by the rules below: clean_fields() would spend a query on each key.
NOT_FIELD_CLEANED = (
    "contact",
    "contact_company",
    "salesperson",
    "template",
    "previous",
    "created_by",
    "no",
)


class Completion(NamedTuple):
    """What complete_task did: the closed task, the entry it logged (or None) and the
    next task of a recurring one (or None)."""

    task: Task
    entry: InteractionLogEntry | None
    next_task: Task | None


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _audit(action, task, *, user, **details):
    # Every change to one task is audited here, so its owner's calendar feed is
    # rendered again from here too (after the commit, by the worker).
    feeds_changed([task.salesperson_id])
    record_audit(
        action=action,
        user=user,
        object_type=AuditObjectType.TASK,
        object_id=task.no,
        object_repr=task.description,
        # A task for no contact names none ("Contact:" with nothing after it).
        details={**({"contact": str(task.contact)} if task.contact else {}), **details},
    )


def fill(task, values):
    """Put `values` on `task` and the fields that follow from them: the contact's
    company, the ending date and time. Returns the attendees
    given (or None when not given)."""
    unknown = set(values) - TASK_FIELDS
    if unknown:
        raise TypeError(f"Unknown task values: {', '.join(sorted(unknown))}")
    attendees = {name: values[name] for name in ATTENDEES if name in values}
    for field, value in values.items():
        if field not in ATTENDEES:
            setattr(task, field, value)
    task.recurring_date_interval = formulas.normalize(task.recurring_date_interval)
    task.contact_company_id = (
        task.contact.contact_company_id if task.contact is not None else None
    )
    if task.date is None:
        task.date = timezone.localdate()
    set_ending(task)
    return attendees or None


def set_ending(task):
    """NAV's Ending Date/Time: the start plus the duration; an all-day event or a task
    without a start time ends on its own day."""
    starts_at = task.starts_at()
    if starts_at is None:
        task.ending_date, task.ending_time = task.date, None
        return
    try:
        ends_at = starts_at + datetime.timedelta(minutes=task.duration or 0)
    except OverflowError:
        # Past the calendar's last day (year 9999): a duration no task has.
        raise ValidationError(
            {"duration": _("The task would end after the year 9999.")},
            code="too_long",
        ) from None
    task.ending_date, task.ending_time = ends_at.date(), ends_at.time()


def validate(task, *, attendees=None, per_line=False):
    """Raise one ValidationError with every broken rule, keyed by field. `per_line`:
    the contact comes from each segment line, so it is not checked here."""
    attendees = {name: list(people) for name, people in (attendees or {}).items()}
    errors = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not task.description:
        add("description", _("You must fill in a description."), "required")
    has_contact = per_line or task.contact is not None
    if task.type == Task.Type.PHONE_CALL and not has_contact:
        add("contact", _("A phone call needs a contact to call."), "required")
    if task.type == Task.Type.MEETING and not task.all_day and not task.start_time:
        add(
            "start_time",
            _("A meeting needs a start time, unless it is an all-day event."),
            "required",
        )
    if task.salesperson is not None and task.salesperson.blocked:
        add(
            "salesperson",
            _("Salesperson %(code)s is blocked.") % {"code": task.salesperson.code},
            "blocked",
        )
    if task.template is not None:
        if task.template.blocked:
            add(
                "template",
                _("Interaction template %(code)s is blocked.")
                % {"code": task.template.code},
                "blocked",
            )
        if not has_contact:
            add(
                "template",
                _(
                    "A task with an interaction template needs a contact: the "
                    "interaction is logged with it."
                ),
                "contact_required",
            )
    if task.status == Task.Status.COMPLETED:
        add("status", _("Use Complete to complete a task."), "use_complete")
    if any(attendees.values()) and task.type != Task.Type.MEETING:
        add("type", _("Only meetings have attendees."), "attendees")
    if task.recurring:
        _validate_recurrence(task, add)
    try:
        task.clean_fields(exclude=[*NOT_FIELD_CLEANED, *errors])
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _validate_recurrence(task, add):
    field = "recurring_date_interval"
    if not task.recurring_date_interval:
        add(field, _("A recurring task needs a recurring date interval."), "required")
        return
    try:
        later = formulas.calculate(task.recurring_date_interval, task.date)
    except ValidationError as error:
        add(field, error.messages[0], error.code)
        return
    if later <= task.date:
        add(
            field,
            _("The recurring date interval %(formula)s must lead to a later date.")
            % {"formula": task.recurring_date_interval},
            "not_forward",
        )


def _refuse_privacy_blocked(values, *, user, action):
    """Refuse a task whose contact or attendee contacts in `values` are privacy
    blocked; one query at most."""
    contacts = list(values.get("attendee_contacts") or [])
    if values.get("contact") is not None:
        contacts.append(values["contact"])
    if contacts:
        refuse_privacy_blocked(contacts, user=user, action=action)


def _save_attendees(task, attendees):
    for name, people in (attendees or {}).items():
        getattr(task, name).set(people)


@transaction.atomic
def create_task(*, user, **values):
    """Make a task numbered from Marketing setup's task series and return it.

    The salesperson, when not given, is the user's own, else the contact's.
    """
    _refuse_privacy_blocked(values, user=user, action="create_task")
    task = Task()
    if "salesperson" not in values:
        values["salesperson"] = default_salesperson(
            user=user, contact=values.get("contact")
        )
    attendees = fill(task, values)
    validate(task, attendees=attendees)
    task.no = MarketingSetup.load().next_no("task_nos", taken=_task_no_taken)
    task.created_by = _actor(user)
    task.save()
    _save_attendees(task, attendees)
    _audit(AuditAction.CREATED, task, user=user)
    return task


def _locked_open(task):
    """The task's row, locked, refreshed; an error when it is closed already."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.closed:
        raise ValidationError(
            _("Task %(no)s is closed and can no longer be changed.")
            % {"no": locked.no},
            code="closed",
        )
    return locked


@transaction.atomic
def update_task(task, *, user, seen_version=None, **values):
    """Change an open task's values; returns it. With `seen_version` (web.versions,
    the edit form's) a task changed since is refused."""
    task = _locked_open(task)
    check_version(task, seen_version)
    # The contacts the change adds: a task already about a contact blocked since
    # may still be changed (and closed), but it gets no blocked contact anew.
    added = {}
    if "contact" in values and getattr(values["contact"], "pk", None) != (
        task.contact_id
    ):
        added["contact"] = values["contact"]
    if values.get("attendee_contacts") is not None:
        present = set(task.attendee_contacts.values_list("pk", flat=True))
        added["attendee_contacts"] = [
            contact
            for contact in values["attendee_contacts"]
            if getattr(contact, "pk", contact) not in present
        ]
    _refuse_privacy_blocked(added, user=user, action="update_task")
    # A task given to someone else leaves its former owner's feed.
    feeds_changed([task.salesperson_id])
    attendees = fill(task, values)
    validate(task, attendees=attendees)
    task.save()
    _save_attendees(task, attendees)
    _audit(AuditAction.CHANGED, task, user=user)
    return task


def _next_recurrence(task, *, user):
    """The next task of recurring `task`: its values, a new number, a new date from
    the due date or the closing date."""
    start = task.date
    if task.calc_due_date_from == Task.CalcFrom.CLOSING_DATE:
        start = task.date_closed
    following = Task(
        **{
            field.name: getattr(task, field.name)
            for field in Task._meta.concrete_fields
            if field.name
            not in {
                "id",
                "no",
                "status",
                "closed",
                "date_closed",
                "canceled",
                "logged_entry_no",
                "previous",
                "created_by",
                "created_at",
                "date",
            }
        }
    )
    following.date = formulas.calculate(task.recurring_date_interval, start)
    following.previous = task
    following.created_by = _actor(user)
    following.no = MarketingSetup.load().next_no("task_nos", taken=_task_no_taken)
    set_ending(following)
    following.save()
    for name in ATTENDEES:
        getattr(following, name).set(getattr(task, name).all())
    _audit(AuditAction.CREATED, following, user=user, previous=task.no)
    return following


def _blocked(contact):
    try:
        refuse_privacy_blocked(contact)
    except ValidationError:
        return True
    return False


@transaction.atomic
def complete_task(task, *, user, log_interaction=True, **values):
    """Close `task` as completed. With an interaction template (and `log_interaction`)
    its interaction is logged through create_interaction with the task's contact,
    salesperson, description and duration (when it has one), overridden by
    `values`; a recurring task gets its next one. All or nothing: a refused
    interaction leaves the task open."""
    task = _locked_open(task)
    entry = None
    if log_interaction and task.template is not None:
        if task.contact is None:
            raise ValidationError(
                _(
                    "A task with an interaction template needs a contact: the "
                    "interaction is logged with it."
                ),
                code="contact_required",
            )
        given = {"description": task.description, **values}
        if task.salesperson is not None:
            given.setdefault("salesperson", task.salesperson)
        if task.duration:
            # The time the task took, not the template's usual duration.
            given.setdefault("duration", task.duration)
        entry = create_interaction(
            contact=task.contact, template=task.template, user=user, **given
        )
    elif values:
        raise TypeError("Interaction values need log_interaction and a template.")
    task.status = Task.Status.COMPLETED
    task.closed = True
    task.date_closed = timezone.localdate()
    task.logged_entry_no = entry.pk if entry is not None else None
    task.save()
    _audit(
        AuditAction.COMPLETED,
        task,
        user=user,
        **({"entries": [entry.pk]} if entry is not None else {}),
    )
    next_task = None
    # A privacy blocked contact gets no next task: this one closes, the series ends.
    if task.recurring and not (task.contact is not None and _blocked(task.contact)):
        next_task = _next_recurrence(task, user=user)
    return Completion(task, entry, next_task)


@transaction.atomic
def cancel_task(task, *, user):
    """Cancel an open task: it is closed and never recurs."""
    task = _locked_open(task)
    task.canceled = True
    task.closed = True
    task.date_closed = timezone.localdate()
    task.save()
    _audit(AuditAction.CANCELED, task, user=user)
    return task


@transaction.atomic
def postpone_task(task, *, to, user):
    """Move an open task to date `to` with status Postponed: later than its own
    date, and not before today."""
    task = _locked_open(task)
    earliest = task.earliest_postpone_date()
    if to is None or to < earliest:
        raise ValidationError(
            {
                "to": _("Postpone the task to %(date)s or a later date.")
                % {"date": formats.date_format(earliest, "SHORT_DATE_FORMAT")}
            },
            code="past",
        )
    previous = task.date
    task.date = to
    task.status = Task.Status.POSTPONED
    set_ending(task)
    task.save()
    _audit(AuditAction.POSTPONED, task, user=user, previous_date=previous)
    return task


@transaction.atomic
def reassign_tasks(tasks, *, salesperson, user):
    """Give the open tasks among `tasks` to `salesperson` in one UPDATE; returns the
    count. Closed tasks keep whom they were done by."""
    if salesperson is not None and salesperson.blocked:
        raise ValidationError(
            {
                "salesperson": _("Salesperson %(code)s is blocked.")
                % {"code": salesperson.code}
            },
            code="blocked",
        )
    if isinstance(tasks, models.QuerySet):
        keys = tasks.order_by().values("pk")
        chosen = {}
    else:
        keys = [getattr(task, "pk", task) for task in tasks]
        chosen = {"tasks": sorted(keys)}
    # Its former owners are not read (one more query): every kept feed is looked at.
    feeds_changed(None)
    moved = Task.objects.filter(pk__in=keys, closed=False)
    count = moved.update(salesperson=salesperson, updated_at=timezone.now())
    record_audit(
        action=AuditAction.REASSIGNED,
        user=user,
        object_type=AuditObjectType.TASK,
        count=count,
        object_repr=str(salesperson or ""),
        details={"salesperson": salesperson.code if salesperson else "", **chosen},
    )
    return count


def _task_no_taken(no):
    return Task.objects.filter(no=no).exists()
