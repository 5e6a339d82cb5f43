"""crm's periodic work, as a task the clock (`manage.py clock`) enqueues hourly."""

from datetime import timedelta

from django_tasks import task

from crm.imports import remove_stale_import_previews
from crm.services import forget_attempts, forget_submissions


@task()
def cleanup():
    """Remove what is only kept for a while: import previews nobody confirmed
    (IMPORT_PREVIEW_MAX_AGE), counted password attempts and one-time form tokens
    older than a day. Returns the numbers removed."""
    return {
        "previews": remove_stale_import_previews(),
        "attempts": forget_attempts(older_than=timedelta(days=1)),
        "tokens": forget_submissions(older_than=timedelta(days=1)),
    }
