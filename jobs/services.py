"""Starting, following and ending jobs. Every state change is one conditional UPDATE
on `status`, so a page canceling and a worker finishing (or two workers claiming,
when RQ redelivers a message) cannot both win."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs import registry
from jobs.models import FINISHED, UNFINISHED, Job, ScheduledRun

logger = logging.getLogger(__name__)

# Longest message kept; an exception's text can be a whole SQL statement.
MESSAGE_MAX = 2000


@transaction.atomic
def start_job(kind, *, user, total=None, params=None):
    """Record a job of `kind` for `user` and hand it to the worker once the caller's
    transaction commits (a job never runs against rows it cannot see yet)."""
    registry.get(kind)
    job = Job.objects.create(
        kind=kind, created_by=user, progress_total=total, params=params or {}
    )
    transaction.on_commit(partial(_enqueue, job.pk, job.attempt))
    return job


def _enqueue(job_id, attempt):
    """Send run_job to the task backend; a backend that refuses (Redis down) fails
    the job with the reason instead of leaving it queued for ever."""
    from jobs.tasks import run_job

    try:
        result = run_job.enqueue(job_id, attempt)
    except Exception as error:
        logger.exception("Job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=_("The job could not be queued: %(error)s") % {"error": error},
        )
        return
    # The immediate backend has run the job by now; the id is still worth keeping.
    Job.objects.filter(pk=job_id, attempt=attempt).update(task_id=str(result.id))


def claim_job(job_id, *, attempt):
    """Mark the job running for this worker: True for exactly one caller per attempt."""
    now = timezone.now()
    claimed = Job.objects.filter(
        pk=job_id, attempt=attempt, status=Job.Status.QUEUED
    ).update(status=Job.Status.RUNNING, started_at=now, heartbeat_at=now)
    return claimed == 1


def report_progress(job, *, done, total=None, message=""):
    """Note how far a running job got (`done` of `total` units). Call it outside
    the batch's own transaction, so the page sees it at once. It is also the job's
    heartbeat: a running job that stops reporting is taken for dead (fail_stale_jobs).
    """
    values = {
        "progress_done": done,
        "message": message[:MESSAGE_MAX],
        "heartbeat_at": timezone.now(),
    }
    if total is not None:
        values["progress_total"] = total
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def should_stop(job):
    """Whether the job's owner asked to cancel it, or the job has ended meanwhile
    (swept as stale while its worker was only slow): the operation checks between
    batches and returns early (a batch itself is never cut in half)."""
    return (
        Job.objects.filter(pk=job.pk)
        .filter(Q(cancel_requested=True) | ~Q(status=Job.Status.RUNNING))
        .exists()
    )


@transaction.atomic
def cancel_job(job, *, user):
    """Cancel a job: a queued one at once, a running one at its next batch."""
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELED,
        cancel_requested=True,
        finished_at=now,
        message=_("Canceled before it started."),
    ):
        job.refresh_from_db()
        return job
    if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        cancel_requested=True
    ):
        raise ValidationError(_("This job has already finished."))
    job.refresh_from_db()
    return job


@transaction.atomic
def retry_job(job, *, user):
    """Run a failed or canceled job again, as a new attempt of the same record."""
    if not Job.objects.filter(
        pk=job.pk, status__in=[Job.Status.FAILED, Job.Status.CANCELED]
    ).update(
        status=Job.Status.QUEUED,
        attempt=F("attempt") + 1,
        progress_done=0,
        message="",
        result={},
        cancel_requested=False,
        task_id="",
        started_at=None,
        finished_at=None,
        notified_at=None,
    ):
        raise ValidationError(_("Only a failed or canceled job can be run again."))
    job.refresh_from_db()
    transaction.on_commit(partial(_enqueue, job.pk, job.attempt))
    return job


def finish_job(job, *, result=None, message=""):
    """End a running job: done, or canceled when its owner asked to stop it before
    all of it was done."""
    job.refresh_from_db(fields=["cancel_requested", "progress_done", "progress_total"])
    complete = bool(job.progress_total) and job.progress_done >= job.progress_total
    status = (
        Job.Status.CANCELED
        if job.cancel_requested and not complete
        else Job.Status.DONE
    )
    if status == Job.Status.DONE and job.progress_total:
        job.progress_done = job.progress_total
    if status == Job.Status.CANCELED and not message:
        message = _("Canceled after %(done)s of %(total)s.") % {
            "done": job.progress_done,
            "total": job.progress_total if job.progress_total is not None else "?",
        }
    _end(job, status=status, result=result, message=message)


def fail_job(job, *, message):
    """End an unfinished job as failed, saying why."""
    _end(job, status=Job.Status.FAILED, message=message)


def _end(job, *, status, message="", result=None):
    values = {
        "status": status,
        "finished_at": timezone.now(),
        "progress_done": job.progress_done,
    }
    # Without a word of its own, the end keeps the last progress message.
    if message:
        values["message"] = str(message)[:MESSAGE_MAX]
    if result:
        values["result"] = {"url": str(result["url"]), "label": str(result["label"])}
    Job.objects.filter(pk=job.pk, status__in=UNFINISHED).update(**values)
    job.refresh_from_db()


def attach_file(job, content, *, name, keep=None):
    """Store `content` (a django File) as the job's file, shown to the user as `name`,
    downloadable for `keep` (a timedelta; settings.JOB_FILE_MAX_AGE by default)."""
    keep = keep if keep is not None else settings.JOB_FILE_MAX_AGE
    job.file.save(name, content, save=False)
    job.file_name = name[: Job._meta.get_field("file_name").max_length]
    job.expires_at = timezone.now() + keep
    Job.objects.filter(pk=job.pk).update(
        file=job.file.name, file_name=job.file_name, expires_at=job.expires_at
    )
    return job


def remove_expired_files(now=None, *, finished_before=None):
    """Delete the files of jobs past their `expires_at` (and, with
    `finished_before`, of the jobs that finished before it); how many were removed."""
    now = now or timezone.now()
    expired = list(expired_files(now, finished_before=finished_before))
    for job in expired:
        job.file.delete(save=False)
    Job.objects.filter(pk__in=[job.pk for job in expired]).update(
        file="", expires_at=None
    )
    return len(expired)


def expired_files(now=None, *, finished_before=None):
    """The jobs whose file remove_expired_files removes (only pk and file read)."""
    expired = Q(expires_at__lte=now or timezone.now())
    if finished_before is not None:
        expired |= Q(finished_at__lt=finished_before)
    return Job.objects.filter(expired).exclude(file="").only("pk", "file")


def fail_stale_jobs(now=None):
    """Fail the running jobs whose worker has given no sign of life for
    settings.JOB_STALE_AFTER (killed, machine lost), so they can be retried; then
    let each kind's `on_stale` hook tidy up. Returns the jobs failed."""
    now = now or timezone.now()
    cutoff = now - settings.JOB_STALE_AFTER
    stale = Q(heartbeat_at__lt=cutoff) | Q(
        heartbeat_at__isnull=True, started_at__lt=cutoff
    )
    failed = []
    for job in Job.objects.filter(stale, status=Job.Status.RUNNING):
        last_sign = timezone.localtime(job.heartbeat_at or job.started_at)
        # Conditional on the same staleness: a heartbeat since the read saves it.
        if not Job.objects.filter(stale, pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED,
            finished_at=now,
            message=_(
                "The worker stopped while the job ran (no sign of life since "
                "%(time)s). Retry runs it again."
            )
            % {"time": f"{last_sign:%H:%M}"},
        ):
            continue
        job.refresh_from_db()
        failed.append(job)
        _after_stale(job)
    return failed


def _after_stale(job):
    try:
        hook = registry.get(job.kind).stale_hook()
        if hook is not None:
            hook(job, **job.params)
    except Exception:
        # One kind's hook failing must not keep the other jobs swept.
        logger.exception("The stale hook of job %s (%s) failed", job.pk, job.kind)


def prune_task_results(now=None):
    """Delete the rows django-tasks-db keeps of finished tasks once they are older
    than settings.TASK_RESULT_MAX_AGE (the Job records stay). Returns how many; 0
    when the tasks are not kept in the database (TASKS_BACKEND=rq)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return 0
    cutoff = (now or timezone.now()) - settings.TASK_RESULT_MAX_AGE
    deleted, _per_model = (
        DBTaskResult.objects.finished()
        .filter(backend_name=backend.alias, finished_at__lte=cutoff)
        .delete()
    )
    return deleted


def mark_notified(jobs):
    """Note that the owner has been shown that these jobs finished."""
    Job.objects.filter(
        pk__in=[job.pk for job in jobs],
        status__in=FINISHED,
        notified_at__isnull=True,
    ).update(notified_at=timezone.now())


# A timer may fire a little early or late: a task is due when its interval has
# passed up to this much.
SCHEDULE_SLACK = timedelta(seconds=60)


def claim_due_tasks(schedule, now=None):
    """The task paths of `schedule` (JOBS_SCHEDULE's entries: `task`, `every` in
    seconds) whose interval has passed since `clock --once` last enqueued them, each
    recorded as enqueued `now`. Rows are locked, so two runs at once share the work."""
    now = now or timezone.now()
    due = []
    with transaction.atomic():
        for entry in schedule:
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                task=entry["task"], defaults={"enqueued_at": now}
            )
            interval = timedelta(seconds=entry["every"])
            if created or run.enqueued_at + interval - SCHEDULE_SLACK <= now:
                ScheduledRun.objects.filter(pk=run.pk).update(enqueued_at=now)
                due.append(entry["task"])
    return due
