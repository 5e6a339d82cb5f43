"""Saved segment criteria (Opgeslagen segmentcriteria): a segment's criteria actions
kept under a code to run again on another segment, and dynamic segments, whose
criteria are applied again when they are logged."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact
from segments.models import (
    CriteriaActionKind,
    SavedSegmentCriteria,
    SavedSegmentCriteriaAction,
)
from segments.services.criteria import (
    ACTIONS,
    _keys,
    add_set,
    reduce_contacts,
    remove_set,
)
from segments.services.guards import _actor, _lock
from segments.services.lines import add_contacts, delete_lines
from web.versions import check_version


def _audit(action, saved, *, user, count=1):
    record_audit(
        action=action,
        user=user,
        object_type=AuditObjectType.SAVED_CRITERIA,
        count=count,
        object_id=saved.code,
        object_repr=saved.description,
    )


@transaction.atomic
def save_criteria(segment, *, code, description, user):
    """Keep the criteria actions of `segment`, in order, as saved criteria `code`."""
    segment = _lock(segment)
    actions = list(
        segment.criteria_actions.order_by("sequence").values(
            "action", "options", "criteria"
        )
    )
    if not actions:
        raise ValidationError(
            _("Segment %(no)s has no criteria to save.") % {"no": segment.no},
            code="no_criteria",
        )
    saved = SavedSegmentCriteria(
        code=(code or "").strip(), description=description, owner=_actor(user)
    )
    # The code's length, with the model's messages; its uniqueness below.
    saved.full_clean(exclude=["owner"], validate_unique=False)
    try:
        # A savepoint: a code taken (before or meanwhile) becomes a message.
        with transaction.atomic():
            saved.save()
    except IntegrityError:
        raise ValidationError(
            {"code": saved.unique_error_message(SavedSegmentCriteria, ("code",))}
        ) from None
    SavedSegmentCriteriaAction.objects.bulk_create(
        SavedSegmentCriteriaAction(saved=saved, sequence=sequence, **action)
        for sequence, action in enumerate(actions, start=1)
    )
    _audit(AuditAction.CREATED, saved, user=user, count=len(actions))
    return saved


@transaction.atomic
def reuse_criteria(segment, saved, *, user, replace=False):
    """Run the actions of `saved` on `segment` in order, each recorded as the
    segment's own; with `replace` its lines are removed first (a Reduce on all
    contacts, which going back undoes). Returns the number of lines after."""
    segment = _lock(segment)
    actions = list(saved.actions.order_by("sequence"))
    if not actions:
        raise ValidationError(
            _("Saved segment criteria %(code)s have no actions.")
            % {"code": saved.code},
            code="no_criteria",
        )
    if replace and segment.lines.exists():
        reduce_contacts(segment, {}, user=user)
    for action in actions:
        ACTIONS[action.action](segment, action.criteria, user=user, **action.options)
    _audit(AuditAction.CRITERIA_REUSED, saved, user=user, count=len(actions))
    return segment.lines.count()


def _lock_saved(saved):
    locked = (
        SavedSegmentCriteria.objects.select_for_update().filter(pk=saved.pk).first()
    )
    if locked is None:
        raise ValidationError(
            _("Saved segment criteria %(code)s have been deleted.")
            % {"code": saved.code},
            code="gone",
        )
    return locked


@transaction.atomic
def update_saved_criteria(saved, *, user, description, seen_version=None):
    """Change the description of saved criteria; their actions stay as saved. A
    form opened before another change (`seen_version`) is refused."""
    locked = _lock_saved(saved)
    check_version(locked, seen_version)
    locked.description = description
    locked.full_clean(exclude=["code", "owner"], validate_unique=False)
    locked.save(update_fields=["description"])
    _audit(AuditAction.CHANGED, locked, user=user)
    return locked


@transaction.atomic
def delete_saved_criteria(saved, *, user):
    """Delete saved criteria with their actions."""
    locked = _lock_saved(saved)
    locked.delete()
    _audit(AuditAction.DELETED, locked, user=user)


def _criteria_condition(actions):
    """The contacts the criteria actions give, replayed from an empty segment, as
    one condition on contacts (None: none). A contact still named keeps its line."""
    condition = None
    for action in actions:
        if action.action == CriteriaActionKind.ADD:
            found = Q(pk__in=_keys(add_set(action.criteria, action.options)))
            condition = found if condition is None else condition | found
        elif condition is not None:
            named = Q(pk__in=_keys(remove_set(action.criteria, action.options)))
            condition &= ~named if action.action == CriteriaActionKind.REDUCE else named
    return condition


def _dynamic_contacts(segment):
    actions = list(segment.criteria_actions.order_by("sequence"))
    if not actions:
        return None
    condition = _criteria_condition(actions)
    return (
        Contact.objects.none()
        if condition is None
        else Contact.objects.filter(condition)
    )


def dynamic_changes(segment):
    """`(added, removed)`: how many lines applying the segment's criteria again
    (at log, for a dynamic segment) would add and remove now; (0, 0) without
    criteria actions."""
    contacts = _dynamic_contacts(segment)
    if contacts is None:
        return 0, 0
    lines = segment.lines.order_by()
    added = contacts.exclude(pk__in=lines.values("contact_id")).count()
    removed = lines.exclude(contact__in=_keys(contacts)).count()
    return added, removed


def reapply_criteria(segment):
    """Make the lines of the locked `segment` what its criteria give now: lines of
    contacts no longer named go, contacts newly named get one, the others keep
    theirs. Returns `(added, removed)`. log_segment calls it for a dynamic segment
    in its own transaction, under its lock."""
    contacts = _dynamic_contacts(segment)
    if contacts is None:
        return 0, 0
    removed = delete_lines(segment.lines.exclude(contact__in=_keys(contacts)))
    added = add_contacts(segment, contacts, ignore_exclusion=True)
    return added, removed
