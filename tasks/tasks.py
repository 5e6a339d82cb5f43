"""The tasks app's periodic work, enqueued by the clock (settings.JOBS_SCHEDULE)."""

from django_tasks import task

from tasks.services.reminders import refresh_feeds as refresh_task_feeds
from tasks.services.reminders import send_digests as send_task_digests


@task()
def send_digests():
    """The daily task e-mails not sent yet today; returns how many were sent."""
    return send_task_digests()


@task()
def refresh_feeds(salesperson_ids):
    """The calendar feeds of these salespeople's users rendered again after their
    tasks changed (reminders.feeds_changed); returns how many were."""
    return refresh_task_feeds(salesperson_ids)
