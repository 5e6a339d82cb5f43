"""privacy's periodic work, enqueued by the clock (settings.JOBS_SCHEDULE)."""

from django.core.exceptions import ValidationError
from django_tasks import task

from privacy import services


@task()
def remove_expired_exports():
    """Remove the data-subject exports past their time (hourly)."""
    return services.remove_expired_exports()


@task()
def apply_retention():
    """The daily retention run, as a job without an owner (progress on the jobs
    page); nothing when a run is still going on. Returns the job's number."""
    try:
        return services.start_retention(user=None).pk
    except ValidationError:
        return None
