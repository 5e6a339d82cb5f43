"""Bulk cancel, un-cancel, evaluate and "Delete canceled entries" over
BULK_JOB_THRESHOLD entries (lowered here) run as jobs, batch by batch: the same
result as at once, progress per batch, cancel between batches, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditRecord
from interactions import services
from interactions.models import InteractionLogEntry
from interactions.services import batches
from jobs import services as job_services
from jobs.models import Job
from tests.factories import (
    InteractionLogEntryFactory,
    LoggedSegmentFactory,
    PersonFactory,
)

THRESHOLD = 3


@pytest.fixture(autouse=True)
def small_batches(settings, monkeypatch):
    settings.BULK_JOB_THRESHOLD = THRESHOLD
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)


def entries_of(contact, template, count, **values):
    return [
        InteractionLogEntryFactory(contact=contact, template=template, **values)
        for _number in range(count)
    ]


def state(entries):
    """What a bulk action changes on each entry, in order."""
    return [
        (entry.canceled, entry.canceled_by_id, entry.evaluation)
        for entry in InteractionLogEntry.objects.filter(
            pk__in=[entry.pk for entry in entries]
        ).order_by("pk")
    ]


def records(action):
    return list(
        AuditRecord.objects.filter(action=action)
        .order_by("pk")
        .values_list("count", flat=True)
    )


def bulk(client, capture, action, **data):
    with capture(execute=True):
        return client.post(
            reverse("interactions:entry_bulk"),
            {"action": action, "query": "", "confirmed": "on", **data},
        )


@pytest.mark.parametrize(
    ("action", "values", "extra"),
    [
        ("cancel", {}, {}),
        ("uncancel", {"canceled": True}, {}),
        ("evaluate", {}, {"evaluation": "positive"}),
    ],
)
def test_a_job_gives_the_same_result_as_the_request(
    sales_client,
    sales_user,
    template,
    settings,
    django_capture_on_commit_callbacks,
    action,
    values,
    extra,
):
    at_once = entries_of(PersonFactory(no="CT00001"), template, 5, **values)
    in_job = entries_of(PersonFactory(no="CT00002"), template, 5, **values)
    # A postponed draft is left alone either way.
    for entries in (at_once, in_job):
        InteractionLogEntry.objects.filter(pk=entries[0].pk).update(postponed=True)

    settings.BULK_JOB_THRESHOLD = 100
    bulk(
        sales_client,
        django_capture_on_commit_callbacks,
        action,
        scope="all",
        query="contact=CT00001",
        **extra,
    )
    settings.BULK_JOB_THRESHOLD = THRESHOLD
    response = bulk(
        sales_client,
        django_capture_on_commit_callbacks,
        action,
        scope="all",
        query="contact=CT00002",
        **extra,
    )

    assert state(in_job) == state(at_once)
    assert state(in_job) != [(entry.canceled, None, "") for entry in in_job]
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.message
    assert (job.kind, job.created_by) == ("interactions.bulk_entries", sales_user)
    # The list shows no drafts: 4 entries.
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.result["url"] == reverse("interactions:entry_list") + "?contact=CT00002"
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == (
        "4 lines are being changed in the background. "
        f'<a href="/jobs/#job-{job.pk}" class="alert-link">'
        "Follow it on Background jobs.</a>"
    )
    # One audit record for the request; one per batch of the job (2 + 2), with the
    # list's filters.
    audit_action = {
        "cancel": AuditRecord.Action.CANCELED,
        "uncancel": AuditRecord.Action.UNCANCELED,
        "evaluate": AuditRecord.Action.EVALUATED,
    }[action]
    assert records(audit_action) == [4, 2, 2]
    first, *_rest, last = AuditRecord.objects.filter(action=audit_action).order_by("pk")
    assert str(last.details) == str(first.details).replace("CT00001", "CT00002")


def test_ticked_entries_over_the_threshold_run_as_a_job_too(
    sales_client, template, django_capture_on_commit_callbacks
):
    entries = entries_of(PersonFactory(), template, 6)

    bulk(
        sales_client,
        django_capture_on_commit_callbacks,
        "cancel",
        scope="selected",
        selected=[entry.pk for entry in entries[:4]],
    )

    assert [canceled for canceled, _by, _evaluation in state(entries)] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert sorted(Job.objects.get().params["entries"]) == [e.pk for e in entries[:4]]


def test_at_the_threshold_it_is_done_in_the_request(
    sales_client, template, django_capture_on_commit_callbacks
):
    entries = entries_of(PersonFactory(), template, THRESHOLD)

    response = bulk(
        sales_client,
        django_capture_on_commit_callbacks,
        "cancel",
        scope="selected",
        selected=[entry.pk for entry in entries],
    )

    assert not Job.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["3 interaction log entries marked canceled."]


def test_a_canceled_job_stops_between_batches(sales_user, template, monkeypatch):
    entries = entries_of(PersonFactory(), template, 7)
    job = Job.objects.create(
        kind="interactions.bulk_entries", created_by=sales_user, progress_total=7
    )
    job_services.claim_job(job.pk, attempt=1)
    seen = []

    def progress(examined, changed):
        seen.append((examined, changed))
        if examined >= 4:
            job_services.cancel_job(job, user=sales_user)
        return not job_services.should_stop(job)

    count = services.set_canceled_in_batches(
        InteractionLogEntry.objects.all(), True, user=sales_user, progress=progress
    )

    assert seen == [(2, 2), (4, 4)]
    assert count == 4
    assert [canceled for canceled, _by, _evaluation in state(entries)] == [True] * 4 + [
        False
    ] * 3
    assert records(AuditRecord.Action.CANCELED) == [2, 2]


def test_a_job_that_is_canceled_on_the_jobs_page_ends_canceled(
    sales_client, template, django_capture_on_commit_callbacks, monkeypatch
):
    entries = entries_of(PersonFactory(), template, 7)
    original = job_services.report_progress

    def report_then_cancel(job, **kwargs):
        original(job, **kwargs)
        job_services.cancel_job(job, user=job.created_by)

    monkeypatch.setattr("interactions.jobs.report_progress", report_then_cancel)

    bulk(
        sales_client,
        django_capture_on_commit_callbacks,
        "evaluate",
        scope="all",
        evaluation="negative",
    )

    job = Job.objects.get()
    assert job.status == Job.Status.CANCELED
    assert (job.progress_done, job.progress_total) == (2, 7)
    assert [evaluation for *_rest, evaluation in state(entries)].count("negative") == 2


def test_uncanceling_is_refused_before_any_batch_when_a_logged_segment_is_canceled(
    sales_user, template
):
    logged = LoggedSegmentFactory(canceled=True)
    entries = entries_of(PersonFactory(), template, 5, canceled=True)
    InteractionLogEntry.objects.filter(pk=entries[-1].pk).update(logged_segment=logged)

    with pytest.raises(Exception, match="which is canceled"):
        services.set_canceled_in_batches(
            InteractionLogEntry.objects.all(), False, user=sales_user
        )

    assert all(canceled for canceled, _by, _evaluation in state(entries))


@pytest.mark.parametrize("action", ["cancel", "uncancel", "evaluate", "delete"])
def test_the_queries_per_batch_do_not_grow_with_the_batches(
    sales_user, template, action
):
    def run(count):
        InteractionLogEntry.objects.all().delete()
        entries_of(PersonFactory(), template, count, canceled=action != "cancel")
        with CaptureQueriesContext(connection) as queries:
            if action == "delete":
                services.delete_canceled_entries_in_batches(
                    user=sales_user, progress=lambda *counts: True
                )
            elif action == "evaluate":
                services.evaluate_entries_in_batches(
                    InteractionLogEntry.objects.all(), "positive", user=sales_user
                )
            else:
                services.set_canceled_in_batches(
                    InteractionLogEntry.objects.all(),
                    action == "cancel",
                    user=sales_user,
                )
        return len(queries)

    two_batches, ten_batches = run(4), run(20)

    per_batch = (ten_batches - two_batches) / 8
    assert per_batch == int(per_batch)
    # Read the batch's keys, the UPDATE or DELETE (the lock and check when
    # un-canceling), the statistics lock (PostgreSQL), one statement per statistics
    # table, the audit record, and the batch's savepoint.
    assert per_batch <= 10
    assert two_batches - 2 * per_batch <= 4


def test_delete_canceled_entries_over_the_threshold_is_a_job(
    crm_admin_client, admin_user_crm, template, django_capture_on_commit_callbacks
):
    contact = PersonFactory(no="CT00009")
    doomed = entries_of(contact, template, 5, canceled=True)
    kept = entries_of(contact, template, 2) + entries_of(
        PersonFactory(), template, 1, canceled=True
    )
    url = reverse("interactions:delete_canceled")
    counted = crm_admin_client.post(url, {"contact": "CT00009"})
    assert counted.context["count"] == 5

    with django_capture_on_commit_callbacks(execute=True):
        response = crm_admin_client.post(
            url,
            {
                "contact": "CT00009",
                "confirmed": "1",
                "counted_filters": counted.context["counted_filters"],
            },
        )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1].startswith(
        "5 canceled entries are being deleted in the background."
    )
    assert set(InteractionLogEntry.objects.all()) == set(kept)
    assert not InteractionLogEntry.objects.filter(pk__in=[e.pk for e in doomed])
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.message
    assert job.params == {"filters": {"contact": contact.pk}}
    assert records(AuditRecord.Action.DELETED) == [2, 2, 1]
    assert AuditRecord.objects.filter(
        action=AuditRecord.Action.DELETED
    ).first().details["filters"] == {"contact": "CT00009"}
