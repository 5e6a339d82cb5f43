"""A segment delivery run by real workers (db_worker, an RQ worker) against a real
SMTP server on loopback, and a worker killed with SIGKILL mid-delivery: after the
recovery and a new worker, every message went out once or is marked unknown, none
twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.utils import timezone

from interactions.models import DeliveryStatus, InteractionLogEntry
from jobs.models import Job
from segments import services
from segments.services.delivery import unknown_message
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)
from tests.jobs.test_workers import (
    DB_WORKER,
    ROOT,
    TIMEOUT,
    jobs_sent_to,
    manage,
    postgres_url,
    run_rq_worker,
    use_rq_queue,
)
from tests.segments.smtp import SMTPServer

REDIS_URL = os.environ.get("DELIVERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="The worker process shares the test's database: PostgreSQL's.",
    ),
]


@pytest.fixture
def delivery_settings(settings, marketing_setup):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def logged_with_delivery(count):
    user = SalesUserFactory()
    template = InteractionTemplateFactory(
        code="WMAIL",
        group=InteractionGroupFactory(code="WMAILS"),
        correspondence_type="email",
        letter_text="Dear {{ contact.name }}",
    )
    segment = services.create_segment(
        user=user,
        description="Worker mailing",
        template=template,
        salesperson=SalespersonFactory(email="anna@example.com"),
        ignore_contact_correspondence_type=True,
    )
    people = [PersonFactory(email=f"w{n}@example.org") for n in range(count)]
    services.add_contacts(segment, people, user=user)
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    return logged


def worker_env(server, **env):
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
        "DEFAULT_FROM_EMAIL": "crm@example.com",
        **env,
    }


def entries(logged):
    return InteractionLogEntry.objects.filter(logged_segment=logged)


def test_db_worker_delivers_a_logged_segment(delivery_settings):
    with SMTPServer() as server:
        logged = logged_with_delivery(7)
        manage(
            *DB_WORKER,
            "--no-reload",
            database_url=postgres_url(),
            **worker_env(server, DJANGO_DELIVERY_BATCH_SIZE="3"),
        )
        received = sorted(rcpts[0] for rcpts, _m in server.messages)
    logged.refresh_from_db()
    assert logged.delivery_job.status == Job.Status.DONE
    assert received == sorted(f"w{n}@example.org" for n in range(7))
    assert set(entries(logged).values_list("delivery_status", flat=True)) == {
        DeliveryStatus.SENT
    }


def test_an_rq_worker_delivers_a_logged_segment(delivery_settings):
    queue = use_rq_queue(delivery_settings, "delivery-test", redis_url=REDIS_URL)
    with SMTPServer() as server:
        with jobs_sent_to(queue):
            logged = logged_with_delivery(5)
        run_rq_worker(queue, redis_url=REDIS_URL, **worker_env(server))
        received = sorted(rcpts[0] for rcpts, _m in server.messages)
    logged.refresh_from_db()
    assert logged.delivery_job.status == Job.Status.DONE
    assert received == sorted(f"w{n}@example.org" for n in range(5))


def test_a_worker_killed_mid_delivery_sends_nothing_twice(delivery_settings):
    count = 12
    # A slow server: the worker is still sending when it is killed.
    with SMTPServer(delay=0.3) as server:
        logged = logged_with_delivery(count)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": postgres_url(),
            **worker_env(server, DJANGO_DELIVERY_BATCH_SIZE="3"),
        }
        worker = subprocess.Popen(
            [sys.executable, "manage.py", *DB_WORKER[:1], "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + TIMEOUT
            while len(server.messages) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(server.messages) >= 4, "the worker never got going"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        killed_job = Job.objects.get(pk=logged.delivery_job_id)
        assert killed_job.status == Job.Status.RUNNING
        assert entries(logged).filter(delivery_status="in_progress").exists()

        # The sweep (the clock runs it every few minutes) once the claims are old.
        unknown, restarted = services.recover_deliveries(
            now=timezone.now() + delivery_settings.DELIVERY_CLAIM_TIMEOUT * 2
        )
        assert restarted == 1
        killed_job.refresh_from_db()
        assert killed_job.status == Job.Status.FAILED

        manage(
            *DB_WORKER,
            "--no-reload",
            database_url=postgres_url(),
            **worker_env(server, DJANGO_DELIVERY_BATCH_SIZE="3"),
        )
        received = Counter(rcpts[0] for rcpts, _m in server.messages)

    assert max(received.values()) == 1, received
    statuses = dict(entries(logged).values_list("contact__email", "delivery_status"))
    errors = dict(entries(logged).values_list("contact__email", "delivery_error"))
    assert set(statuses.values()) <= {DeliveryStatus.SENT, DeliveryStatus.ERROR}
    unknowns = {email for email, status in statuses.items() if status == "error"}
    assert len(unknowns) == unknown
    assert {errors[email] for email in unknowns} <= {unknown_message()}
    # Every message confirmed sent was received; the rest are the unknown ones.
    for email, status in statuses.items():
        if status == DeliveryStatus.SENT:
            assert received[email] == 1
    assert set(received) | unknowns == set(statuses)
    logged.refresh_from_db()
    assert logged.delivery_job.status == Job.Status.DONE
