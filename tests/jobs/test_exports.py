"""Exports over EXPORT_JOB_THRESHOLD rows (lowered here) run as a job: the list's own
export view runs again for its user into the job's file, which only the owner and
those who see every job can download, for JOB_FILE_MAX_AGE."""

import csv
import datetime
import io
import threading

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditRecord
from jobs import exports, services
from jobs.models import Job
from jobs.tasks import run_job
from tests.exports import BOM, body, workbook
from tests.factories import (
    AdminUserFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalesUserFactory,
    SegmentFactory,
    SegmentLineFactory,
)

pytestmark = [pytest.mark.usefixtures("media_root", "frozen_today")]

THRESHOLD = 3


@pytest.fixture
def owner(db):
    return SalesUserFactory(username="anna")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def entries(db):
    template = InteractionTemplateFactory(code="CALL")
    return [
        InteractionLogEntryFactory(
            template=template,
            date=datetime.date(2026, 11, day),
            # A formula: sanitised the same way in the job's file.
            description="=HYPERLINK(1)" if day == 2 else f"Call {day}",
        )
        for day in range(1, 6)
    ]


def export_url(file_format, name="interactions:entry_export", args=()):
    return reverse(name, args=[*args, file_format])


def in_request(client, settings, url, **query):
    """The download as it is under the threshold: written in the request."""
    settings.EXPORT_JOB_THRESHOLD = 1_000
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="nl")
    return body(response)


def as_job(client, settings, capture, url, **query):
    """The same download over the threshold: the job it starts (run at once)."""
    settings.EXPORT_JOB_THRESHOLD = THRESHOLD
    with capture(execute=True):
        response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:list")
    return Job.objects.get(kind=exports.KIND)


def download(client, job):
    return client.get(reverse("jobs:download", args=[job.pk]))


@pytest.mark.parametrize("file_format", ["csv", "codes.csv"])
def test_an_export_over_the_threshold_is_a_job_writing_the_same_file(
    owner_client,
    owner,
    entries,
    settings,
    django_capture_on_commit_callbacks,
    file_format,
):
    url = export_url(file_format)
    expected = in_request(owner_client, settings, url, ordering="date")

    job = as_job(
        owner_client, settings, django_capture_on_commit_callbacks, url, ordering="date"
    )

    assert job.status == Job.Status.DONE, job.message
    assert job.created_by == owner
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert job.params["query"] == "ordering=date"
    assert job.params["language"] == "nl"
    assert job.message == "Interactielogposten"
    assert (
        job.file_name
        == "interactielogposten"
        + ("-codes" if file_format == "codes.csv" else "")
        + "-2026-12-03.csv"
    )
    assert job.result == {
        "url": reverse("jobs:download", args=[job.pk]),
        "label": job.file_name,
    }
    response = download(owner_client, job)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{job.file_name}"'
    )
    assert body(response) == expected
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(expected.decode()[1:]), delimiter=";"))
        assert expected.decode().startswith(BOM)
        assert rows[0][0] == "Volgnr."
        assert rows[2][6] == "'=HYPERLINK(1)"
    # Each file that left the CRM is audited alike: in the request, and by the job.
    in_request_record, job_record = AuditRecord.objects.filter(
        action=AuditRecord.Action.EXPORTED
    ).order_by("pk")
    assert job_record.user == owner
    assert job_record.count == in_request_record.count == 5
    assert job_record.details == in_request_record.details
    assert job_record.object_repr == in_request_record.object_repr


def test_a_workbook_written_by_a_job_holds_the_same_cells(
    owner_client, entries, settings, django_capture_on_commit_callbacks
):
    url = export_url("xlsx")
    settings.EXPORT_JOB_THRESHOLD = 1_000
    expected = [
        list(row)
        for row in workbook(
            owner_client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        ).active.iter_rows(values_only=True)
    ]

    job = as_job(owner_client, settings, django_capture_on_commit_callbacks, url)

    book = load_workbook(io.BytesIO(body(download(owner_client, job))))
    assert [list(row) for row in book.active.iter_rows(values_only=True)] == expected
    assert len(expected) == 6


def test_the_page_says_the_export_runs_in_the_background_with_a_link(
    owner_client, entries, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = THRESHOLD
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.get(export_url("csv"), follow=True)

    job = Job.objects.get()
    content = response.content.decode()
    assert "5 rows are too many to download at once" in content
    assert f'<a href="/jobs/#job-{job.pk}" class="alert-link">' in content
    # The job ran once the request was over; the jobs page now links to the file.
    content = owner_client.get(reverse("jobs:list")).content.decode()
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in content


def test_at_the_threshold_the_export_is_still_written_in_the_request(
    owner_client, entries, settings
):
    settings.EXPORT_JOB_THRESHOLD = 5

    response = owner_client.get(export_url("csv"))

    assert response.status_code == 200
    assert not Job.objects.exists()


def test_only_the_owner_and_who_sees_every_job_can_download_the_file(
    client, owner, entries, settings, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    job = as_job(
        client, settings, django_capture_on_commit_callbacks, export_url("csv")
    )

    client.force_login(SalesUserFactory(username="piet"))
    assert download(client, job).status_code == 404
    client.force_login(AdminUserFactory(username="maria"))
    assert download(client, job).status_code == 200
    client.logout()
    assert download(client, job).status_code == 302


def test_the_file_is_gone_after_a_day(
    owner_client, owner, entries, settings, django_capture_on_commit_callbacks
):
    job = as_job(
        owner_client, settings, django_capture_on_commit_callbacks, export_url("csv")
    )
    stored = job.file.name
    assert job.file.storage.exists(stored)

    with time_machine.travel(datetime.timedelta(hours=24, minutes=1)):
        owner_client.force_login(owner)  # the session of a day ago has expired
        assert download(owner_client, job).status_code == 404
        assert services.remove_expired_files() == 1

    assert not job.file.storage.exists(stored)
    job.refresh_from_db()
    assert not job.file
    # The jobs page no longer offers the link, and says why.
    content = owner_client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:download", args=[job.pk]) not in content
    assert "This file is no longer kept." in content


def test_a_canceled_export_stops_between_batches_and_keeps_no_file(
    owner_client, entries, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from interactions.views import InteractionLogEntryExportView

    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 2)
    reported = []

    def report_and_cancel(job, *, done, **kwargs):
        reported.append(done)
        services.report_progress(job, done=done, **kwargs)
        services.cancel_job(job, user=job.created_by)

    monkeypatch.setattr(exports, "report_progress", report_and_cancel)

    job = as_job(
        owner_client, settings, django_capture_on_commit_callbacks, export_url("csv")
    )

    assert reported == [2]
    assert job.status == Job.Status.CANCELED
    assert job.message == "Geannuleerd na 2 van 5."  # the request's language
    assert not job.file


def test_a_job_runs_the_view_with_its_users_permissions(
    owner_client, owner, entries, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = THRESHOLD
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.get(export_url("csv"))
    job = Job.objects.get()
    # The right is taken away while the job waits for a worker.
    owner.groups.clear()

    run_job.call(job.pk, job.attempt)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "You may no longer export this list."
    assert not job.file
    assert not AuditRecord.objects.filter(action=AuditRecord.Action.EXPORTED).exists()


def test_a_segments_lines_export_runs_as_a_job_too(
    owner_client, settings, django_capture_on_commit_callbacks
):
    segment = SegmentFactory(no="SG00042")
    for number in range(4):
        SegmentLineFactory(
            segment=segment, contact=PersonFactory(name=f"Person {number}")
        )
    url = export_url("codes.csv", "segments:line_export", ["SG00042"])
    expected = in_request(owner_client, settings, url)

    job = as_job(owner_client, settings, django_capture_on_commit_callbacks, url)

    assert job.status == Job.Status.DONE, job.message
    assert job.params["kwargs"] == {"no": "SG00042", "file_format": "codes.csv"}
    assert body(download(owner_client, job)) == expected


@pytest.mark.django_db(transaction=True)
def test_the_progress_of_an_export_job_is_seen_by_others_while_it_reads(
    owner, entries, settings, monkeypatch
):
    """No transaction around a job's reading (PostgreSQL's cursor is WITH HOLD):
    each report commits, so the jobs page and the stale-job sweep see it at once."""
    from interactions.views import InteractionLogEntryExportView

    monkeypatch.setattr(InteractionLogEntryExportView, "chunk_size", 2)
    seen = []

    def report_and_look(job, **kwargs):
        services.report_progress(job, **kwargs)
        # Another connection, as the jobs page's request has.
        looker = threading.Thread(
            target=lambda: seen.append(Job.objects.get(pk=job.pk).progress_done)
        )
        looker.start()
        looker.join()

    monkeypatch.setattr(exports, "report_progress", report_and_look)
    settings.EXPORT_JOB_THRESHOLD = THRESHOLD
    job = services.start_job(
        exports.KIND,
        user=owner,
        total=5,
        params={
            "view": "interactions.views.exports.InteractionLogEntryExportView",
            "kwargs": {"file_format": "csv"},
            "query": "",
            "path": export_url("csv"),
            "language": "en",
        },
    )

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert seen == [2, 4, 5]


def test_a_job_runs_only_a_lists_export_view(owner, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    job = services.start_job(
        exports.KIND,
        user=owner,
        params={
            "view": "jobs.views.JobListView",
            "kwargs": {},
            "query": "",
            "path": "/jobs/",
            "language": "en",
        },
    )

    run_job.call(job.pk, job.attempt)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "The list could not be exported: jobs.views.JobListView"
