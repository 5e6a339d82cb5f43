"""A contact import run by real workers: `manage.py db_worker` and an RQ worker as
processes of their own, sharing the test's PostgreSQL database and media folder."""

import pytest
from import_export.tmp_storages import MediaStorage

from crm.imports import IMPORT_JOB_KIND
from crm.models import Contact
from jobs import services
from jobs.models import Job
from tests.factories import AdminUserFactory
from tests.jobs.test_workers import (
    DB_WORKER,
    REDIS_URL,
    jobs_sent_to,
    manage,
    postgres_only,
    postgres_url,
    run_rq_worker,
    use_rq_queue,
)

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]

ROWS = 2500


def start_import(media_root):
    storage = MediaStorage()
    storage.save(
        ("name,city\n" + "".join(f"Klant {n},Utrecht\n" for n in range(ROWS))).encode()
        + b"\n,Zonder naam\n"
    )
    return services.start_job(
        IMPORT_JOB_KIND,
        user=AdminUserFactory(),
        total=ROWS + 1,
        params={"upload": storage.name, "file_format": "csv", "language": "nl"},
    )


def assert_imported(job):
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (ROWS + 1, ROWS + 1)
    dutch_rows = f"{ROWS:,}".replace(",", ".")  # 2.500: Dutch groups by points
    assert job.message == (
        f"Import voltooid: {dutch_rows} gemaakt, 0 bijgewerkt, 0 ongewijzigd, "
        "1 geweigerd."
    )
    assert job.file_name == "geweigerde-rijen.csv"
    assert Contact.objects.count() == ROWS


def test_db_worker_imports_contacts(settings, media_root, marketing_setup):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = start_import(media_root)

    manage(
        *DB_WORKER,
        "--no-reload",
        database_url=postgres_url(),
        DJANGO_MEDIA_ROOT=str(media_root),
    )

    assert_imported(job)


def test_an_rq_worker_imports_contacts(settings, media_root, marketing_setup):
    queue = use_rq_queue(settings, "import-test", redis_url=REDIS_URL)
    with jobs_sent_to(queue):
        job = start_import(media_root)
    run_rq_worker(queue, redis_url=REDIS_URL, DJANGO_MEDIA_ROOT=str(media_root))

    assert_imported(job)
