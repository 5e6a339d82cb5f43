"""Logged segments: cancel and un-cancel them with their entries, reuse their
contacts in a new segment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interactions.services import set_canceled
from segments.models import LoggedSegment
from segments.selectors import logged_contacts
from segments.services.delivery import stop_delivery
from segments.services.lines import add_contacts


@transaction.atomic
def reuse_logged_segment(segment, logged_segment, *, user=None):
    """Add the contacts of a logged segment's entries, as add_contacts does."""
    return add_contacts(segment, logged_contacts(logged_segment), user=user)


@transaction.atomic
def set_logged_segment_canceled(logged_segment, canceled, *, user):
    """Mark a logged segment and all its entries canceled, or remove the mark.

    Canceling stops its delivery (delivery.stop_delivery): what was not sent yet is
    not sent. Returns the number of entries changed (one UPDATE); one audit record
    names it.
    """
    # Locked: a second cancel (another user) waits and then finds the new flag.
    locked = _lock_logged(logged_segment)
    # The flag first: set_canceled refuses to un-cancel entries of a canceled one.
    locked.canceled = canceled
    locked.save(update_fields=["canceled"])
    logged_segment.canceled = canceled
    if canceled:
        stop_delivery(locked, user=user)
    return set_canceled(
        locked.log_entries.all(), canceled, user=user, logged_segment=locked
    )


def _lock_logged(logged_segment):
    locked = (
        LoggedSegment.objects.select_for_update().filter(pk=logged_segment.pk).first()
    )
    if locked is None:
        raise ValidationError(
            _("Logged segment %(no)s has been deleted.")
            % {"no": logged_segment.segment_no},
            code="gone",
        )
    return locked


@transaction.atomic
def update_logged_segment(logged_segment, *, user, description):
    """Change a logged segment's description; the rest is the record of the logging."""
    locked = _lock_logged(logged_segment)
    locked.description = description
    locked.full_clean(
        exclude=["segment_no", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save(update_fields=["description"])
    return locked


@transaction.atomic
def delete_logged_segment(logged_segment, *, user):
    """Delete a logged segment that no interaction log entry points at any more (its
    canceled entries were deleted); one with entries is their history and stays."""
    locked = _lock_logged(logged_segment)
    # No entry is written for a logged segment after its logging, so what this
    # reads under the lock stays true until the DELETE.
    if locked.log_entries.exists():
        raise ValidationError(
            _(
                "Logged segment %(no)s still has interaction log entries; it stays "
                "as their history."
            )
            % {"no": locked.segment_no},
            code="protected",
        )
    locked.delete()
