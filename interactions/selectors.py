"""Reads of the interaction history for other apps' pages (contact, salesperson)."""

from django.core.paginator import Paginator

from interactions.models import InteractionLogEntry

CARD_PAGE_SIZE = 10


def interaction_card(*, contact=None, salesperson=None, page=None):
    """Statistics, a page of entries (newest first) and the postponed ones for a card.

    A company's card covers its persons too, as NAV's contact statistics do.
    """
    entries = InteractionLogEntry.objects.all()
    if contact is not None:
        entries = entries.for_contact(contact)
    if salesperson is not None:
        entries = entries.for_salesperson(salesperson)
    postponed = entries.postponed().with_related().order_by("-date", "-entry_no")
    return {
        "statistics": entries.counted().statistics(),
        "entries_page": Paginator(
            entries.visible().with_related(), CARD_PAGE_SIZE
        ).get_page(page),
        "postponed_entries": postponed[:CARD_PAGE_SIZE],
    }
