"""Operations of test kinds, registered by tests/jobs/conftest.py (and by the worker
processes the tests start, through JOBS_TEST_KINDS in tests/jobs/settings.py)."""

import threading

from jobs.services import cancel_job, report_progress, should_stop

# Every call of `count`, by job id: a second run of one job would show here.
calls = []
_lock = threading.Lock()


def count(job, *, to, batch=10, fail_at=None, cancel_at=None, pause=None, hang_at=None):
    """Count to `to` in batches, reporting progress after each one.

    fail_at: raise once that many are done; cancel_at: the owner cancels once that
    many are done; pause: a name of PAUSES, waited on before each batch; hang_at:
    on the first attempt, stop for good once that many are done (a worker that is
    then killed).
    """
    with _lock:
        calls.append(job.pk)
    done = 0
    report_progress(job, done=0, total=to, message="Counting")
    while done < to:
        if should_stop(job):
            return None
        if pause:
            PAUSES[pause].wait_for_batch()
        done = min(to, done + batch)
        if fail_at is not None and done >= fail_at:
            raise ValueError(f"Could not count past {fail_at}.")
        report_progress(job, done=done, message=f"Counted {done}")
        if cancel_at is not None and done >= cancel_at:
            cancel_job(job, user=job.created_by)
        if hang_at is not None and done >= hang_at and job.attempt == 1:
            threading.Event().wait()
    return {"url": "/jobs/", "label": f"Counted to {to}"}


def empty(job):
    """Nothing at all: what a job costs by itself."""


def bad_result(job):
    """Done, but with a result that is no link."""
    return {"label": "no url"}


class Gate:
    """Lets a job do one batch per `release()`: a test watches it step by step."""

    def __init__(self):
        self.semaphore = threading.Semaphore(0)

    def release(self, batches=1):
        for _batch in range(batches):
            self.semaphore.release()

    def wait_for_batch(self):
        if not self.semaphore.acquire(timeout=30):
            raise TimeoutError("The test never let the job go on.")


PAUSES = {}
