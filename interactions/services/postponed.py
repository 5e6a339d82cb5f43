"""Postponed interactions (NAV's drafts): postpone, resume, take over, delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from interactions.models import InteractionLogEntry
from interactions.services.cleanup import _delete
from interactions.services.entries import (
    _audit_entry,
    _audit_many,
    _save,
    _selected,
    _selection,
)


def _lock_postponed(entry, *, user):
    """The postponed `entry`, locked, when it is `user`'s own draft.

    The row lock makes a second session that resumes the same entry wait, then find
    it finished: the interaction is logged once. Someone else's draft is refused,
    also to a CRM admin, who takes it over first (take_over_postponed).
    """
    try:
        locked = InteractionLogEntry.objects.select_for_update().get(
            pk=entry.pk, postponed=True
        )
    except InteractionLogEntry.DoesNotExist:
        raise ValidationError(
            _("This interaction has already been finished or deleted."),
            code="not_postponed",
        ) from None
    # Without a user (a system caller) there is no owner to check against.
    if user is not None and locked.created_by_id != user.pk:
        raise PermissionDenied(_("This postponed interaction belongs to someone else."))
    return locked


@transaction.atomic
def take_over_postponed(entry, *, user):
    """Make someone else's postponed interaction `user`'s own, so that they can
    finish it; for who may delete others' drafts (CRM admins). Audited."""
    if not user.has_perm("interactions.delete_others_postponed"):
        raise PermissionDenied(
            _("Only a CRM admin can take over someone else's postponed interaction.")
        )
    try:
        entry = InteractionLogEntry.objects.select_for_update().get(
            pk=entry.pk, postponed=True
        )
    except InteractionLogEntry.DoesNotExist:
        raise ValidationError(
            _("This interaction has already been finished or deleted."),
            code="not_postponed",
        ) from None
    # The row is locked: two admins taking over the same draft go one after the
    # other, and each audit record names the owner it really replaced.
    previous = entry.created_by
    entry.created_by = user
    entry.save(update_fields=["created_by"])
    _audit_entry(
        AuditAction.TAKEN_OVER,
        entry,
        user=user,
        object_type=AuditObjectType.POSTPONED,
        previous_owner=previous.get_username() if previous else "",
    )
    return entry


@transaction.atomic
def postpone_interaction(*, contact, user, entry=None, **values):
    """Store an unfinished interaction as a postponed entry; only the contact is needed.

    With `entry` (a postponed entry being resumed) that same row is updated.
    """
    if entry is None:
        entry = InteractionLogEntry()
        # A new draft has a template only when given; a resumed one keeps its own.
        template = values.pop("template", None)
    else:
        entry = _lock_postponed(entry, user=user)
        template = values.pop("template", entry.template)
    entry = _save(
        entry,
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=True,
    )
    _audit_entry(
        AuditAction.POSTPONED, entry, user=user, object_type=AuditObjectType.POSTPONED
    )
    return entry


@transaction.atomic
def resume_interaction(entry, *, user, **values):
    """Finish a postponed entry with the rules of create_interaction; same row.

    `values` may also change `contact` and `template`; what is not given is kept,
    and the TEMPLATE_VALUES given blank take the template's.
    """
    entry = _lock_postponed(entry, user=user)
    # From the locked row, not the caller's copy: the draft may have changed since
    # the page was shown.
    contact = values.pop("contact", entry.contact)
    template = values.pop("template", entry.template)
    entry = _save(
        entry,
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=False,
    )
    _audit_entry(
        AuditAction.RESUMED, entry, user=user, object_type=AuditObjectType.POSTPONED
    )
    return entry


@transaction.atomic
def delete_postponed(entries, *, user, criteria=None):
    """Delete the postponed ones of `entries`; returns how many.

    Without "delete_others_postponed" a user may only delete the entries they created.
    `criteria` (how the caller chose the entries) goes into the audit record.
    """
    # Drafts only: a finished entry in the selection is never deleted from here.
    postponed = _selected(entries).filter(postponed=True)
    if (
        not user.has_perm("interactions.delete_others_postponed")
        and postponed.exclude(created_by=user).exists()
    ):
        raise PermissionDenied(
            _("You can only delete postponed interactions that you created.")
        )
    # One DELETE for the lot; the files follow after the commit (cleanup._delete).
    count = _delete(postponed, counted=False)
    _audit_many(
        AuditAction.DELETED,
        count,
        user=user,
        selection=_selection(entries, criteria),
        object_type=AuditObjectType.POSTPONED,
    )
    return count
