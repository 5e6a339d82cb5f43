"""The task the worker runs for jobs (look up the job's operation and run it) and
the jobs' periodic cleanup."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from jobs import registry, services
from jobs.models import Job

logger = logging.getLogger(__name__)


@task()
def run_job(job_id, attempt=1):
    """Run attempt `attempt` of job `job_id` once, however often it is delivered.

    The claim (queued → running) is a conditional UPDATE: a message RQ delivers again,
    or a second worker, finds the job no longer queued and does nothing. Whatever the
    operation raises ends the job as failed; it is never left running.
    """
    if not services.claim_job(job_id, attempt=attempt):
        logger.info("Job %s attempt %s is not queued; not run again.", job_id, attempt)
        return False
    job = Job.objects.get(pk=job_id)
    try:
        function = registry.get(job.kind).function()
        result = function(job, **job.params)
        # Inside the try: a result that cannot be stored fails the job too.
        services.finish_job(job, result=result)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        services.fail_job(job, message=failure_message(error))
        return False
    except BaseException:
        # The worker is stopping mid-job (a second Ctrl+C, SystemExit): say so.
        services.fail_job(job, message=_("The worker stopped while the job ran."))
        raise
    return True


def failure_message(error):
    """What the jobs page shows of an exception: a ValidationError's messages, or
    the exception's text, or its class when it has none."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or error.__class__.__name__


@task()
def cleanup():
    """The jobs' hourly work: remove files past their time and the task backend's
    old results. Returns the numbers."""
    return {
        "files": services.remove_expired_files(),
        "task_results": services.prune_task_results(),
    }


@task()
def sweep():
    """Fail the running jobs whose worker died (run every few minutes by the
    clock). Returns how many."""
    return {"stale": len(services.fail_stale_jobs())}
