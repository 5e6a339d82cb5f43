"""Reads of the interaction history for other apps' pages (contact, salesperson, the
start page)."""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator

from crm.models import Contact
from interactions.filters import ContactTimelineFilter
from interactions.models import InteractionLogEntry, InteractionTotalStatistics

CARD_PAGE_SIZE = 10
TIMELINE_PAGE_SIZE = 25


def interaction_card(*, salesperson, user, page=None):
    """Statistics, a page of entries (newest first) and the postponed ones `user`
    may see for a salesperson's card (a contact's card has its timeline instead)."""
    entries = InteractionLogEntry.objects.for_salesperson(salesperson)
    statistics = InteractionTotalStatistics.objects.statistics_by(
        "salesperson", [salesperson.pk], with_visible_count=True
    )[salesperson.pk]
    paginator = Paginator(entries.visible().for_rows(), CARD_PAGE_SIZE)
    # Counted with the statistics: a second COUNT would read every entry again.
    paginator.count = statistics.pop("visible_count")
    postponed = (
        entries.postponed().visible_to(user).for_rows().order_by("-date", "-entry_no")
    )
    return {
        "statistics": statistics,
        "entries_page": paginator.get_page(page),
        "postponed_entries": postponed[:CARD_PAGE_SIZE],
    }


@dataclasses.dataclass(frozen=True)
class Position:
    """Where an item stands in a timeline: its date, time and entry no.

    Written into the page links as `2026-11-20_10:42:00_123` (no time: `2026-11-20__7`).
    """

    date: datetime.date
    time: datetime.time | None
    entry_no: int

    @classmethod
    def of(cls, entry):
        return cls(entry.date, entry.time, entry.pk)

    @classmethod
    def parse(cls, value):
        """The position `value` names, or None when it names none: an edited or
        garbled link shows the newest items, as a bad page number shows page 1."""
        try:
            day, time, number = (value or "").split("_")
            time = datetime.time.fromisoformat(time) if time else None
            if time is not None and time.tzinfo is not None:
                return None  # entry times are local, and SQLite refuses aware ones
            return cls(datetime.date.fromisoformat(day), time, int(number))
        except ValueError:
            return None

    def __str__(self):
        time = self.time.isoformat() if self.time else ""
        return f"{self.date.isoformat()}_{time}_{self.entry_no}"


@dataclasses.dataclass(frozen=True)
class Timeline:
    """One page of a contact's timeline: `items` are entries (newest first); `newer`
    and `older` are the positions the links to the neighbouring pages start from."""

    filter: ContactTimelineFilter
    items: list
    newer: Position | None = None
    older: Position | None = None
    # The entry list's filter for this contact's entries ("company=CT00001").
    scope_query: str = ""


def contact_timeline(contact, query, *, user):
    """A page of `contact`'s timeline: its interactions, the postponed ones `user`
    may see (InteractionLogEntryQuerySet.visible_to) and logged
    segments (a company's include its persons'), newest first, filtered by `query`
    (the card's GET parameters: the filters, and `older` or `newer` to page).

    Pages start after an item's position instead of being numbered: whatever the
    page, it reads its own rows from the timeline index (a page number would skip
    all the rows before it), and new entries do not shift the older pages.
    """
    entries = InteractionLogEntry.objects.for_contact(contact).visible_to(user)
    scope = "company" if contact.type == Contact.Type.COMPANY else "contact"
    timeline_filter = ContactTimelineFilter(query, queryset=entries)
    found = Timeline(
        filter=timeline_filter, items=[], scope_query=urlencode({scope: contact.no})
    )
    if not timeline_filter.is_valid():
        return found
    items = timeline_filter.qs.timeline().for_rows().select_related("logged_segment")
    size = TIMELINE_PAGE_SIZE
    newer = Position.parse(query.get("newer"))
    if newer is not None:
        rows = list(items.newer_than(newer)[: size + 1])
        if len(rows) > size:
            page = rows[:size][::-1]
            return dataclasses.replace(
                found,
                items=page,
                newer=Position.of(page[0]),
                older=Position.of(page[-1]),
            )
        # Back at the newest items: the first page, full even when fewer were left.
        older, has_newer = None, False
    else:
        older = Position.parse(query.get("older"))
        has_newer = older is not None
    if older is not None:
        items = items.older_than(older)
    rows = list(items[: size + 1])
    page = rows[:size]
    return dataclasses.replace(
        found,
        items=page,
        # An emptied page still links back to the items before its start.
        newer=(Position.of(page[0]) if page else older) if has_newer else None,
        older=Position.of(page[-1]) if len(rows) > size else None,
    )
