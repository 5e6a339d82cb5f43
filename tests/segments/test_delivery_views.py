"""The pages of segment delivery: the Log dialog's "Inhoud verzenden", a large
segment logged by the worker, the logged segment's page, "Afdrukken" and
"Opnieuw verzenden"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from interactions.models import InteractionLogEntry
from jobs.models import Job
from jobs.tasks import run_job
from segments.models import LoggedSegment, SegmentLine
from tests.factories import PersonFactory
from tests.segments import test_delivery as shared
from tests.segments.smtp import SMTPServer

pytestmark = pytest.mark.django_db

# The service tests' fixtures: the same segment, contacts and SMTP server.
contacts = shared.contacts
salesperson = shared.salesperson
segment = shared.segment
smtp = shared.smtp
template = shared.template
make_segment = shared.make_segment


def log_url(segment):
    return reverse("segments:segment_log", args=[segment.no])


def test_log_with_delivery_lands_on_the_logged_segment_with_its_progress(
    sales_client, segment, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(log_url(segment), {"deliver": "on"})
    logged = LoggedSegment.objects.get()
    assert response.status_code == 302
    assert response.url == logged.get_absolute_url()
    page = sales_client.get(response.url)
    content = page.content.decode()
    assert "100 %" in content
    assert content.count(">Sent</span>") == 3
    assert len(smtp.messages) == 3


def test_the_refusal_is_shown_in_the_dialog(sales_client, segment, contacts):
    contacts["nl"].email = ""
    contacts["nl"].save()
    response = sales_client.post(log_url(segment), {"deliver": "on"})
    assert response.status_code == 400
    assert "have no e-mail address" in response.content.decode()
    assert "Noor" in response.content.decode()
    assert not LoggedSegment.objects.exists()


def test_the_letter_fallback_from_the_dialog(
    sales_client, segment, contacts, smtp, django_capture_on_commit_callbacks
):
    contacts["nl"].email = ""
    contacts["nl"].save()
    with django_capture_on_commit_callbacks(execute=True):
        sales_client.post(log_url(segment), {"deliver": "on", "letter_fallback": "on"})
    logged = LoggedSegment.objects.get()
    response = sales_client.get(
        reverse("segments:loggedsegment_letters", args=[logged.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_without_delivery_the_dialog_logs_as_before(sales_client, segment, smtp):
    response = sales_client.post(log_url(segment), {})
    assert response.status_code == 302
    assert "logged/?q=" in response.url
    assert set(
        InteractionLogEntry.objects.values_list("delivery_status", flat=True)
    ) == {""}
    assert not Job.objects.exists()


def test_a_segment_over_the_threshold_is_logged_by_a_job(
    sales_client, segment, smtp, settings, django_capture_on_commit_callbacks
):
    settings.SEGMENT_LOG_JOB_THRESHOLD = 2
    # The delivery job the logging job starts runs on that commit too.
    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(log_url(segment), {"deliver": "on"})
    assert response.url == reverse("jobs:list")
    log_job = Job.objects.get(kind="segments.log")
    assert log_job.status == "done"
    logged = LoggedSegment.objects.get()
    assert log_job.result["url"] == logged.get_absolute_url()
    assert logged.delivery_job.kind == "segments.deliver"


def test_the_jobs_name_their_result_in_the_language_of_the_user_who_logged(
    sales_client, segment, smtp, settings, django_capture_on_commit_callbacks
):
    # Recorded by the Dutch user's request, run by a worker in its own language.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.SEGMENT_LOG_JOB_THRESHOLD = 2
    sales_client.cookies["django_language"] = "nl"
    sales_client.post(log_url(segment), {"deliver": "on"})
    with translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            run_job.call(Job.objects.get(kind="segments.log").pk, 1)
        logged = LoggedSegment.objects.get()
        run_job.call(logged.delivery_job_id, 1)
    name = f"Geregistreerd segment {logged.segment_no}"
    assert Job.objects.get(kind="segments.log").result["label"] == name
    assert Job.objects.get(kind="segments.deliver").result["label"] == name


def test_a_large_segment_is_refused_at_once_when_it_cannot_be_sent(
    sales_client, segment, contacts, settings
):
    settings.SEGMENT_LOG_JOB_THRESHOLD = 2
    contacts["nl"].email = ""
    contacts["nl"].save()
    response = sales_client.post(log_url(segment), {"deliver": "on"})
    assert response.status_code == 400
    assert "have no e-mail address" in response.content.decode()
    assert not Job.objects.exists()


def test_the_logged_segment_page_filters_on_delivery_and_resends(
    sales_client, segment, settings, django_capture_on_commit_callbacks
):
    with SMTPServer(refuse={"fleur@example.org"}) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        with django_capture_on_commit_callbacks(execute=True):
            sales_client.post(log_url(segment), {"deliver": "on"})
    logged = LoggedSegment.objects.get()
    url = logged.get_absolute_url()
    failed = sales_client.get(url, {"delivery": "error"}).content.decode()
    assert "Fleur" in failed
    assert "Dieter" not in failed
    assert "Mailbox unavailable" in failed
    assert "Resend failed" in failed
    # A filter value that is not one: all entries, no error.
    assert sales_client.get(url, {"delivery": "nonsense"}).status_code == 200

    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        with django_capture_on_commit_callbacks(execute=True):
            response = sales_client.post(
                reverse("segments:loggedsegment_resend", args=[logged.pk])
            )
        assert response.url == url
        assert [r for r, _m in server.messages] == [["fleur@example.org"]]
    again = sales_client.post(
        reverse("segments:loggedsegment_resend", args=[logged.pk])
    )
    assert again.status_code == 302


def test_the_progress_card_alone(sales_client, segment, user):
    from segments import services

    logged, _ = services.log_segment(segment, user=user, deliver=True)
    response = sales_client.get(
        reverse("segments:loggedsegment_progress", args=[logged.pk])
    )
    content = response.content.decode()
    # Still queued (the test did not commit): it asks again.
    assert 'hx-trigger="every 2s"' in content
    assert "In progress: 3" in content
    assert "Nothing to send" not in content


def test_the_card_counts_the_entries_with_nothing_to_send(sales_client, segment, user):
    from segments import services

    logged, _ = services.log_segment(segment, user=user)
    content = sales_client.get(
        logged.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Verzonden: 0 · Fout: 0 · In behandeling: 0" in content
    assert "Niets te verzenden: 3" in content


def test_letters_are_404_when_there_are_none(sales_client, segment, user):
    from segments import services

    logged, _ = services.log_segment(segment, user=user)
    response = sales_client.get(
        reverse("segments:loggedsegment_letters", args=[logged.pk])
    )
    assert response.status_code == 404


def test_the_logged_segment_page_takes_the_same_queries_for_more_entries(
    sales_client, marketing_setup, user, template, salesperson, smtp
):
    from segments import services

    def page_queries(count):
        people = [
            PersonFactory(email=f"p{count}-{n}@example.org") for n in range(count)
        ]
        segment = make_segment(user, template, salesperson, people)
        logged, _ = services.log_segment(segment, user=user, deliver=True)
        url = logged.get_absolute_url()
        sales_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert sales_client.get(url).status_code == 200
        return len(queries)

    assert page_queries(2) == page_queries(20)
    assert SegmentLine.objects.count() == 0


def test_show_the_statuses_only_when_the_polled_card_finds_the_job_done(
    sales_client, segment, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sales_client.post(log_url(segment), {"deliver": "on"})
    logged = LoggedSegment.objects.get()
    dutch = {"Accept-Language": "nl"}

    page = sales_client.get(logged.get_absolute_url(), headers=dutch).content.decode()
    card = sales_client.get(
        reverse("segments:loggedsegment_progress", args=[logged.pk]), headers=dutch
    ).content.decode()

    # The page shows the statuses already: a link to itself would do nothing.
    assert "Statussen tonen" not in page
    assert ">Verzonden</span>" in page
    # The card that polling swapped in sits above the statuses from before.
    assert f'<a href="{logged.get_absolute_url()}">Statussen tonen</a>' in card


def test_the_logged_segment_page_names_each_entrys_language(sales_client, segment):
    sales_client.post(log_url(segment))
    logged = LoggedSegment.objects.get()

    page = sales_client.get(
        logged.get_absolute_url(), headers={"Accept-Language": "nl"}
    ).content.decode()

    row = page.split("Dieter")[1].split("</tr>")[0]
    assert "<td>Duits</td>" in row
    assert "<td>de</td>" not in page
