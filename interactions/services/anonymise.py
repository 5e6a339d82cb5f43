"""Anonymise entries: what they say about a person goes, what they count stays."""

from interactions.services.files import remove_unreferenced_attachments

# The text fields of an entry that can hold personal data, and what they become.
CLEARED = {"description": "", "subject": "", "attachment": "", "delivery_error": ""}


def anonymise_entries(entries):
    """Clear the description, subject, attachment and delivery error of `entries`
    (a queryset); how many entries were changed.

    The contact, dates, template, group, salesperson, cost, duration and evaluation
    stay, so counts and the statistics tables add up as before. The attachment files
    are removed after commit once nothing else refers to them. Run it inside the
    caller's transaction; the caller batches big sets.
    """
    names = list(
        entries.exclude(attachment="").values_list("attachment", flat=True).distinct()
    )
    changed = entries.update(**CLEARED)
    remove_unreferenced_attachments(names)
    return changed
