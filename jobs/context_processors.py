"""The toast on every page when a job of yours has finished."""

from django.utils.functional import SimpleLazyObject

from jobs import services
from jobs.models import Job

# At most this many toasts at once; the rest wait for the next page.
TOASTS = 5


def finished_jobs(request):
    """`finished_jobs`: the user's jobs that finished since a page last said so.

    Lazy: only base.html reads it, so htmx fragments and JSON cost no query; a full
    page costs one (an index of the untold jobs alone), two when there is news.
    """

    def load():
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.headers.get("HX-Request")
        ):
            return []
        jobs = list(Job.objects.unnotified(user).order_by("-finished_at")[:TOASTS])
        if jobs:
            services.mark_notified(jobs)
        return jobs

    return {"finished_jobs": SimpleLazyObject(load)}
