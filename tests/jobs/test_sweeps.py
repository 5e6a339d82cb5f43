"""The periodic sweeps: a running job whose worker died is failed (and can be run
again), its kind's on_stale hook tidies up; finished task rows of django-tasks-db
are pruned."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import registry, services, tasks
from jobs.models import Job
from tests.factories import SalesUserFactory
from tests.jobs import operations

STALE = datetime.timedelta(minutes=10)


@pytest.fixture
def user(db):
    return SalesUserFactory(username="anna")


@pytest.fixture
def queued_only(settings, db):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


@pytest.fixture
def running(user, queued_only, settings, django_capture_on_commit_callbacks):
    """A job claimed by a worker that then died: its heartbeat is the claim's."""
    settings.JOB_STALE_AFTER = STALE
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job("test.count", user=user, params={"to": 30})
    assert services.claim_job(job.pk, attempt=job.attempt)
    job.refresh_from_db()
    return job


def test_claim_and_progress_are_the_jobs_heartbeat(running):
    claimed_at = running.heartbeat_at
    assert claimed_at == running.started_at

    with time_machine.travel(datetime.timedelta(minutes=3)):
        services.report_progress(running, done=10, total=30)
    running.refresh_from_db()

    assert running.heartbeat_at > claimed_at + datetime.timedelta(minutes=2)


def test_a_job_without_a_heartbeat_for_too_long_is_failed_and_can_be_retried(
    running, django_capture_on_commit_callbacks, settings
):
    later = running.heartbeat_at + STALE
    assert services.fail_stale_jobs(now=later - datetime.timedelta(seconds=1)) == []

    failed = services.fail_stale_jobs(now=later + datetime.timedelta(seconds=1))

    assert failed == [running]
    running.refresh_from_db()
    assert running.status == Job.Status.FAILED
    assert running.message.startswith(
        "The worker stopped while the job ran (no sign of life since "
    )
    assert running.message.endswith("). Retry runs it again.")
    assert running.finished_at == later + datetime.timedelta(seconds=1)
    # Retry runs it again, to the end this time.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_job(running, user=running.created_by)
    running.refresh_from_db()
    assert (running.status, running.attempt) == (Job.Status.DONE, 2)


def test_a_slow_job_that_still_reports_is_left_running(running):
    with time_machine.travel(datetime.timedelta(minutes=9)):
        services.report_progress(running, done=10)
    with time_machine.travel(datetime.timedelta(minutes=15)):
        assert services.fail_stale_jobs() == []
    running.refresh_from_db()
    assert running.status == Job.Status.RUNNING


def test_a_worker_that_was_only_slow_stops_at_its_next_batch(running):
    services.fail_stale_jobs(now=timezone.now() + STALE * 2)

    assert services.should_stop(running)
    # Its late progress and end change nothing of the failed job.
    services.report_progress(running, done=20)
    services.finish_job(running, result={"url": "/", "label": "late"})
    running.refresh_from_db()
    assert (running.status, running.progress_done) == (Job.Status.FAILED, 0)


def test_queued_and_finished_jobs_are_left_alone(user, queued_only, settings):
    settings.JOB_STALE_AFTER = STALE
    queued = services.start_job("test.count", user=user, params={"to": 30})

    assert services.fail_stale_jobs(now=timezone.now() + STALE * 10) == []
    queued.refresh_from_db()
    assert queued.status == Job.Status.QUEUED


def stale_hook(job, **params):
    operations.calls.append(("stale", job.pk, params))


def failing_hook(job, **params):
    raise RuntimeError("The hook broke.")


def test_the_kinds_on_stale_hook_tidies_up_after_a_dead_run(running, user):
    registry.register(
        "test.count",
        "tests.jobs.operations.count",
        label="Count",
        on_stale="tests.jobs.test_sweeps.stale_hook",
    )
    other = Job.objects.create(
        kind="test.empty", created_by=user, status=Job.Status.RUNNING
    )
    Job.objects.filter(pk=other.pk).update(started_at=running.started_at)
    registry.register(
        "test.empty",
        "tests.jobs.operations.empty",
        label="Nothing",
        on_stale="tests.jobs.test_sweeps.failing_hook",
    )

    failed = services.fail_stale_jobs(now=timezone.now() + STALE * 2)

    # A hook that breaks keeps neither its job running nor the others unswept.
    assert {job.pk for job in failed} == {running.pk, other.pk}
    assert ("stale", running.pk, {"to": 30}) in operations.calls


def test_the_clock_enqueues_the_sweep_and_the_cleanup(settings):
    entries = {entry["task"]: entry["every"] for entry in settings.JOBS_SCHEDULE}

    assert entries["jobs.tasks.sweep"] <= settings.JOB_STALE_AFTER.total_seconds() / 2
    assert entries["jobs.tasks.cleanup"] == 3600


def test_the_sweep_task_reports_how_many_it_failed(running):
    with time_machine.travel(STALE * 2):
        assert tasks.sweep.call() == {"stale": 1}


@pytest.fixture
def db_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RESULT_MAX_AGE = datetime.timedelta(days=7)


@pytest.mark.django_db
def test_finished_task_rows_older_than_a_week_are_pruned(db_backend):
    for _number in range(3):
        tasks.cleanup.enqueue()
    old, recent, waiting = DBTaskResult.objects.order_by("enqueued_at")
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="SUCCESSFUL", finished_at=now - datetime.timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="FAILED", finished_at=now - datetime.timedelta(days=6)
    )

    assert services.prune_task_results(now=now) == 1

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent.pk,
        waiting.pk,
    }


@pytest.mark.django_db
def test_without_the_database_backend_there_is_nothing_to_prune(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }

    assert services.prune_task_results() == 0


@pytest.mark.django_db
def test_the_hourly_cleanup_removes_files_and_prunes(db_backend):
    assert tasks.cleanup.call() == {"files": 0, "task_results": 0}


def enqueued_paths():
    return list(
        DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True)
    )


def test_clock_once_enqueues_every_scheduled_task_the_first_time(
    db_backend, db, settings, capsys
):
    call_command("clock", "--once")

    paths = [entry["task"] for entry in settings.JOBS_SCHEDULE]
    assert sorted(enqueued_paths()) == sorted(paths)


@pytest.mark.django_db
def test_clock_once_enqueues_a_task_again_only_when_its_interval_has_passed(
    db_backend, settings, capsys
):
    settings.JOBS_SCHEDULE = [
        {"task": "jobs.tasks.sweep", "every": 60},
        {"task": "jobs.tasks.cleanup", "every": 60 * 60},
    ]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        call_command("clock", "--once")
    # The timer fires every 5 minutes: the sweep each time, the hourly cleanup once.
    for minutes in range(5, 65, 5):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            call_command("clock", "--once")

    paths = enqueued_paths()
    assert paths.count("jobs.tasks.sweep") == 13
    assert paths.count("jobs.tasks.cleanup") == 2


@pytest.mark.django_db
def test_a_timer_firing_a_few_seconds_early_still_runs_the_due_task(settings):
    schedule = [{"task": "jobs.tasks.cleanup", "every": 60 * 60}]
    start = timezone.now()

    assert services.claim_due_tasks(schedule, now=start) == ["jobs.tasks.cleanup"]
    early = start + datetime.timedelta(minutes=59, seconds=50)
    assert services.claim_due_tasks(schedule, now=early) == ["jobs.tasks.cleanup"]
    assert services.claim_due_tasks(schedule, now=early) == []
