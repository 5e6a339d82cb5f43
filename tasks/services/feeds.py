"""Calendar feeds kept up to date ahead of their polls: every task service names
the salespeople whose tasks it changed, and after the commit the worker renders
their users' kept feeds again (reminders.refresh_feeds)."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def feeds_changed(salesperson_ids):
    """After the commit of a change to the tasks of `salesperson_ids` (None: of
    anyone's), have the worker render their owners' kept feeds again
    (refresh_feeds), so the calendar's next poll finds its document ready instead
    of rendering it. A poll that comes first renders it itself, as ever: this only
    saves it the time. No query: the worker finds the feeds."""
    if salesperson_ids is not None:
        salesperson_ids = sorted({pk for pk in salesperson_ids if pk is not None})
        if not salesperson_ids:
            return
    transaction.on_commit(partial(_enqueue_refresh, salesperson_ids))


def _enqueue_refresh(salesperson_ids):
    from tasks.tasks import refresh_feeds

    try:
        refresh_feeds.enqueue(salesperson_ids)
    except Exception:
        # A backend that refuses (Redis down): the next poll renders the feed.
        logger.exception("Calendar feeds of %s not refreshed", salesperson_ids)
