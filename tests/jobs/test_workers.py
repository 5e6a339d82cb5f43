"""Real workers: `manage.py db_worker` and an RQ worker as processes of their own,
against a database they share with the test, run a job to the end."""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from jobs import services, tasks
from jobs.models import Job
from tests.factories import SalesUserFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TIMEOUT = 120  # seconds; only reached when a worker hangs, which fails the test

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The worker process shares the test's database: PostgreSQL's test "
    "database; the SQLite test uses a file database of its own.",
)


def manage_env(database_url, **env):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        **env,
    }


def manage(*args, database_url, **env):
    """Run manage.py in a process of its own, with the test kinds of job."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=manage_env(database_url, **env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )


def postgres_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )


def use_rq_queue(settings, prefix, *, redis_url):
    """Point the task backend at RQ with a queue of the test's own; its name."""
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    # "default" too: run_job is checked against the backend's queues when imported.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default", queue],
        }
    }
    settings.RQ_QUEUES = {name: {"URL": redis_url} for name in ["default", queue]}
    return queue


@contextlib.contextmanager
def jobs_sent_to(queue):
    """run_job enqueued on `queue`, as a worker of TASKS_BACKEND=rq would take it."""
    original = tasks.run_job
    tasks.run_job = original.using(queue_name=queue)
    try:
        yield
    finally:
        tasks.run_job = original


def run_rq_worker(queue, *, redis_url, **env):
    """An RQ worker process working `queue` until it is empty; the queue is gone
    afterwards."""
    try:
        return manage(
            "rqworker",
            queue,
            "--burst",
            "--job-class",
            "django_tasks_rq.backend.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            database_url=postgres_url(),
            TASKS_BACKEND="rq",
            REDIS_URL=redis_url,
            JOBS_TEST_RQ_QUEUE=queue,
            **env,
        )
    finally:
        redis.Redis.from_url(redis_url).delete(f"rq:queue:{queue}")


DB_WORKER = ["db_worker", "--batch", "--interval", "0", "--no-startup-delay"]


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_db_worker_runs_a_job_on_postgresql(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = services.start_job(
        "test.count", user=SalesUserFactory(), params={"to": 50, "batch": 10}
    )
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.task_id

    manage(*DB_WORKER, "--no-reload", database_url=postgres_url())

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (50, 50)
    assert job.result == {"url": "/jobs/", "label": "Counted to 50"}


def test_db_worker_runs_a_job_on_a_sqlite_file(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    manage("migrate", "--no-input", database_url=database_url)
    started = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from jobs import services;"
        "u = User.objects.create(username='anna');"
        "print(services.start_job('test.count', user=u, params={'to': 30}).pk)",
        database_url=database_url,
        TASKS_BACKEND="db",
    )
    job_id = int(started.stdout.split()[-1])

    manage(*DB_WORKER, "--no-reload", database_url=database_url)

    status = manage(
        "shell",
        "-c",
        f"from jobs.models import Job; j = Job.objects.get(pk={job_id});"
        "print(j.status, j.progress_done, j.progress_total)",
        database_url=database_url,
    )
    assert status.stdout.splitlines()[-1].split() == ["done", "30", "30"]


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_an_rq_worker_runs_a_job_once_even_when_its_message_comes_twice(settings):
    queue = use_rq_queue(settings, "jobs-test", redis_url=REDIS_URL)
    with jobs_sent_to(queue):
        job = services.start_job(
            "test.count", user=SalesUserFactory(), params={"to": 20}
        )
        # A redelivered message: the same attempt once more.
        again = tasks.run_job.enqueue(job.pk, 1)
    run_rq_worker(queue, redis_url=REDIS_URL)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.progress_done == 20
    assert job.message == "Counted 20"
    # The first message ran the job; the second found it claimed and did nothing.
    backend = tasks.run_job.using(queue_name=queue).get_backend()
    assert backend.get_result(job.task_id).return_value is True
    assert backend.get_result(again.id).return_value is False


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_a_job_whose_worker_is_killed_is_swept_as_failed_and_runs_again(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_STALE_AFTER = datetime.timedelta(minutes=10)
    job = services.start_job(
        "test.count",
        user=SalesUserFactory(),
        params={"to": 50, "batch": 10, "hang_at": 20},
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *DB_WORKER, "--no-reload"],
        cwd=ROOT,
        env=manage_env(postgres_url()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait for the worker to get as far as it will, then kill it outright.
        deadline = time.monotonic() + TIMEOUT
        while not Job.objects.filter(pk=job.pk, progress_done=20).exists():
            assert worker.poll() is None, "the worker ended early"
            assert time.monotonic() < deadline, "the worker never got to 20"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=TIMEOUT)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    # Nothing else will ever end it: the sweep does, once the heartbeat is too old.
    assert services.fail_stale_jobs() == []

    swept = services.fail_stale_jobs(
        now=job.heartbeat_at + settings.JOB_STALE_AFTER + datetime.timedelta(seconds=1)
    )

    assert swept == [job]
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "The worker stopped while the job ran" in job.message
    services.retry_job(job, user=job.created_by)
    manage(*DB_WORKER, "--no-reload", database_url=postgres_url())
    job.refresh_from_db()
    assert (job.status, job.attempt, job.progress_done) == (Job.Status.DONE, 2, 50)
