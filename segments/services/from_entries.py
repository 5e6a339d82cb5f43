"""Segments from interaction log entries: their distinct contacts become lines."""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.models import InteractionLogEntry
from segments.selectors import add_contacts_preview
from segments.services.guards import _lock
from segments.services.lines import add_contacts
from segments.services.segments import create_segment


class ContactsAdded(NamedTuple):
    """What adding the contacts of interaction log entries did, in contacts."""

    added: int
    excluded: int  # marked "exclude from segment": skipped
    already: int  # in the segment before: skipped
    blocked: int = 0  # marked "Privacy blocked": left out


def _entry_contacts(entries):
    if not isinstance(entries, models.QuerySet) or entries.model is not (
        InteractionLogEntry
    ):
        raise TypeError("Expected a queryset of interaction log entries.")
    return entries.contacts()


@transaction.atomic
def add_contacts_from_entries(segment, *, entries, user):
    """Add the distinct contacts of `entries` (a queryset of log entries, e.g. the
    entry list's filter) as add_contacts does, in a constant number of queries."""
    contacts = _entry_contacts(entries)
    segment = _lock(segment)
    # Counted under the segment's lock, so no other session adds lines in between.
    counts = add_contacts_preview(segment, contacts)
    added = add_contacts(segment, contacts, user=user)
    return ContactsAdded(
        added=added,
        excluded=counts["excluded"],
        already=counts["already"],
        blocked=counts["blocked"],
    )


@transaction.atomic
def create_segment_from_entries(entries, *, user, **values):
    """A new segment (create_segment's `values`) holding the distinct contacts of
    `entries`; returns `(segment, ContactsAdded)`.

    Nothing is created when no contact can be added: no entries, or every contact
    is marked "exclude from segment".
    """
    # Counted before the segment exists: nothing is numbered for a segment that
    # would stay empty.
    contacts = _entry_contacts(entries)
    counts = add_contacts_preview(None, contacts)
    if not counts["matching"]:
        raise ValidationError(
            _("No interaction log entries match: there are no contacts to add."),
            code="empty",
        )
    if not counts["to_add"] and counts["blocked"]:
        raise ValidationError(
            _(
                "None of the contacts of these interaction log entries can be added: "
                "%(blocked)s privacy blocked, %(excluded)s marked “exclude from "
                "segment”."
            )
            % {"blocked": counts["blocked"], "excluded": counts["excluded"]},
            code="empty",
        )
    if not counts["to_add"]:
        raise ValidationError(
            ngettext(
                "The only contact of these interaction log entries is marked "
                "“exclude from segment”: there are no contacts to add.",
                "All %(count)s contacts of these interaction log entries are marked "
                "“exclude from segment”: there are no contacts to add.",
                counts["excluded"],
            )
            % {"count": counts["excluded"]},
            code="empty",
        )
    segment = create_segment(user=user, **values)
    added = add_contacts(segment, contacts, user=user)
    return segment, ContactsAdded(
        added=added, excluded=counts["excluded"], already=0, blocked=counts["blocked"]
    )
