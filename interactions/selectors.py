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
    statistics = entries.statistics(with_visible_count=True)
    paginator = Paginator(entries.visible().for_rows(), CARD_PAGE_SIZE)
    # Counted with the statistics: a second COUNT would read every entry again.
    paginator.count = statistics.pop("visible_count")
    postponed = entries.postponed().for_rows().order_by("-date", "-entry_no")
    return {
        "statistics": statistics,
        "entries_page": paginator.get_page(page),
        "postponed_entries": postponed[:CARD_PAGE_SIZE],
    }
