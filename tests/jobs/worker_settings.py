"""Settings of the worker processes tests/jobs starts: the project's, plus the test
kinds of job (tests.jobs.apps)."""

import os

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, REDIS_URL

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.apps.TestJobsConfig"]

# The RQ test sends its jobs to a queue of its own (tests/jobs/test_workers.py).
if os.environ.get("JOBS_TEST_RQ_QUEUE"):
    QUEUES = ["default", os.environ["JOBS_TEST_RQ_QUEUE"]]
    RQ_QUEUES = {name: {"URL": REDIS_URL} for name in QUEUES}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
