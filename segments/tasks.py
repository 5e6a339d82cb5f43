"""The segments' periodic work, enqueued by `manage.py clock` (JOBS_SCHEDULE)."""

from django_tasks import task

from segments.services import recover_deliveries as recover


@task()
def recover_deliveries():
    """Settle deliveries a killed worker left behind; returns the numbers."""
    unknown, restarted = recover()
    return {"unknown": unknown, "restarted": restarted}
