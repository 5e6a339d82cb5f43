"""The privacy app's periodic work."""

from django_tasks import task

from privacy import services


@task()
def remove_expired_exports():
    """Remove the data-subject exports past their time (hourly)."""
    return services.remove_expired_exports()
