"""privacy's periodic work, enqueued by the clock (settings.JOBS_SCHEDULE)."""

from django.core.exceptions import ValidationError
from django_tasks import task

from privacy.services import start_retention


@task()
def apply_retention():
    """The daily retention run, as a job without an owner (progress on the jobs
    page); nothing when a run is still going on. Returns the job's number."""
    try:
        return start_retention(user=None).pk
    except ValidationError:
        return None
