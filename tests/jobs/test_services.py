import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jobs import registry, services
from jobs.models import Job
from jobs.tasks import run_job
from tests.factories import SalesUserFactory
from tests.jobs import operations


@pytest.fixture
def user(db):
    return SalesUserFactory(username="anna")


@pytest.fixture
def queued_only(settings, db):
    """Jobs are recorded but not run: the test runs them itself."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


def start(user, capture, **params):
    with capture(execute=True):
        return services.start_job("test.count", user=user, params={"to": 30, **params})


def test_a_job_runs_once_its_transaction_commits(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.start_job("test.count", user=user, params={"to": 30})
        assert job.status == Job.Status.QUEUED
    assert operations.calls == []
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert operations.calls == [job.pk]
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (30, 30)
    assert job.percent == 100
    assert job.message == "Counted 30"
    assert job.result == {"url": "/jobs/", "label": "Counted to 30"}
    assert job.started_at <= job.finished_at
    assert job.task_id
    assert job.created_by == user


def test_an_unknown_kind_is_refused(user):
    with pytest.raises(LookupError, match="No operation is registered"):
        services.start_job("test.nothing", user=user)
    assert not Job.objects.exists()


def test_a_failure_is_captured_and_the_job_never_stays_running(
    user, django_capture_on_commit_callbacks
):
    job = start(user, django_capture_on_commit_callbacks, fail_at=20)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Could not count past 20."
    assert job.progress_done == 10
    assert job.finished_at is not None


def test_a_result_that_cannot_be_stored_fails_the_job(user, queued_only):
    registry.register("test.bad", "tests.jobs.operations.bad_result", label="Bad")
    try:
        job = services.start_job("test.bad", user=user)
        assert run_job.call(job.pk, 1) is False
    finally:
        registry.unregister("test.bad")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "'url'"


def test_a_job_whose_kind_went_away_fails_with_the_reason(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30})
    job.kind = "test.gone"
    Job.objects.filter(pk=job.pk).update(kind="test.gone")

    assert run_job.call(job.pk, 1) is False

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "No operation is registered for jobs of kind 'test.gone'" in job.message


def test_cancel_is_honoured_between_batches(user, django_capture_on_commit_callbacks):
    job = start(user, django_capture_on_commit_callbacks, cancel_at=10)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    assert job.progress_done == 10
    assert job.cancel_requested
    assert job.message == "Canceled after 10 of 30."
    assert job.result == {}


def test_a_queued_job_is_canceled_at_once_and_never_runs(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30})

    services.cancel_job(job, user=user)
    assert job.status == Job.Status.CANCELED
    assert job.finished_at is not None

    assert run_job.call(job.pk, 1) is False
    assert operations.calls == []


def test_a_running_job_is_asked_to_stop(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30})
    assert services.claim_job(job.pk, attempt=1)

    services.cancel_job(job, user=user)

    assert job.status == Job.Status.RUNNING
    assert job.cancel_requested
    assert services.should_stop(job)


def test_a_finished_job_cannot_be_canceled(user, django_capture_on_commit_callbacks):
    job = start(user, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match=r"This job has already finished\."):
        services.cancel_job(job, user=user)


@pytest.mark.parametrize("how", [{"fail_at": 20}, {"cancel_at": 10}])
def test_a_failed_or_canceled_job_runs_again_as_a_new_attempt(
    user, django_capture_on_commit_callbacks, how
):
    job = start(user, django_capture_on_commit_callbacks, **how)
    Job.objects.filter(pk=job.pk).update(
        params={"to": 30}, notified_at="2026-12-03T10:00Z"
    )
    job.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_job(job, user=user)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempt == 2
    assert job.progress_done == 30
    assert job.message == "Counted 30"
    assert not job.cancel_requested
    assert job.notified_at is None
    assert operations.calls == [job.pk, job.pk]


def test_a_done_job_is_not_retried(user, django_capture_on_commit_callbacks):
    job = start(user, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError, match="Only a failed or canceled job"):
        services.retry_job(job, user=user)


def test_a_job_delivered_twice_runs_once(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30})

    assert run_job.call(job.pk, 1) is True
    assert run_job.call(job.pk, 1) is False

    assert operations.calls == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_a_message_of_an_earlier_attempt_does_not_run_the_retry(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30, "fail_at": 20})
    run_job.call(job.pk, 1)
    Job.objects.filter(pk=job.pk).update(params={"to": 30})
    services.retry_job(job, user=user)

    # RQ delivers attempt 1's message again: it finds nothing of its own to run.
    assert run_job.call(job.pk, 1) is False
    assert run_job.call(job.pk, 2) is True
    assert operations.calls == [job.pk, job.pk]


def test_a_backend_that_refuses_the_job_fails_it(
    user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}

    job = start(user, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("The job could not be queued:")


def test_progress_is_reported_only_while_running(user, queued_only):
    job = services.start_job("test.count", user=user, params={"to": 30})

    services.report_progress(job, done=5, total=10)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (0, None)

    services.claim_job(job.pk, attempt=1)
    services.report_progress(job, done=5, total=10, message="Half")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent) == (5, 10, 50)
    assert job.message == "Half"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Two connections racing need PostgreSQL; SQLite serialises writers.",
)
def test_two_workers_at_once_run_a_job_once(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    job = services.start_job("test.count", user=SalesUserFactory(), params={"to": 30})
    barrier = threading.Barrier(2)
    results = []

    def worker():
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results.append(run_job.call(job.pk, 1))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _thread in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert operations.calls == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
