"""Logging a segment with "Inhoud verzenden" and delivering it: versions, merge,
attachments, statuses, refusal and letter fallback, resend, cancel, recovery and
no second send, against a real SMTP server on loopback (aiosmtpd)."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import AuditAction, AuditRecord
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplateLanguage,
)
from jobs.models import Job
from jobs.services import fail_stale_jobs
from jobs.tasks import run_job
from segments import services
from segments.models import DeliveryClaim, LoggedSegment, SegmentLine
from segments.services import delivery
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
)
from tests.segments.smtp import SMTPServer

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 15)


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.DEFAULT_FROM_EMAIL = "crm@example.com"
        settings.DELIVERY_SENDER_DOMAINS = []
        yield server


@pytest.fixture
def template(media_root):
    default_storage.save("attachments/offer.txt", ContentFile(b"the offer"))
    template = InteractionTemplateFactory(
        code="MAIL",
        group=InteractionGroupFactory(code="MAILS"),
        description="Spring offer",
        correspondence_type="email",
        letter_text="Dear {{ contact.name }}, our offer. {{ salesperson.name }}",
        attachment="attachments/offer.txt",
    )
    default_storage.save("attachments/angebot.txt", ContentFile(b"das Angebot"))
    InteractionTemplateLanguage.objects.create(
        template=template,
        language_code="de",
        subject="Angebot für {{ contact.name }}",
        body="Sehr geehrte(r) {{ contact.name }}, unser Angebot.",
        attachment="attachments/angebot.txt",
    )
    InteractionTemplateLanguage.objects.create(
        template=template,
        language_code="en",
        subject="Offer for {{ contact.name }}",
        body="Dear {{ contact.name }}, our offer.",
    )
    return template


@pytest.fixture
def salesperson():
    return SalespersonFactory(code="ANNA", name="Anna Jansen", email="anna@example.com")


@pytest.fixture
def contacts():
    return {
        "de": PersonFactory(
            name="Dieter", email="dieter@example.org", language_code="de"
        ),
        "fr": PersonFactory(
            name="Fleur", email="fleur@example.org", language_code="fr"
        ),
        "nl": PersonFactory(name="Noor", email="noor@example.org", language_code=""),
    }


def make_segment(user, template, salesperson, contacts, language_code=""):
    segment = services.create_segment(
        user=user,
        description="Spring mailing",
        template=template,
        salesperson=salesperson,
        subject="Our spring offer",
        date=DAY,
        ignore_contact_correspondence_type=True,
    )
    # The header form's field comes with the language pages (another change).
    segment.language_code = language_code
    segment.save(update_fields=["language_code"])
    services.add_contacts(segment, list(contacts), user=user)
    return segment


@pytest.fixture
def segment(marketing_setup, user, template, salesperson, contacts):
    return make_segment(
        user, template, salesperson, contacts.values(), language_code="en"
    )


def entries(logged):
    return {
        entry.contact.name: entry
        for entry in InteractionLogEntry.objects.filter(
            logged_segment=logged
        ).select_related("contact")
    }


def log(segment, user, capture, **options):
    with capture(execute=True):
        logged, _follow_up = services.log_segment(
            segment, user=user, deliver=True, **options
        )
    logged.refresh_from_db()
    return logged


def test_entries_record_the_language_of_the_chosen_version(segment, user):
    logged, _ = services.log_segment(segment, user=user)
    languages = {name: e.language_code for name, e in entries(logged).items()}
    # Own version; no French one: the segment's default (English); no language at
    # all: the default too.
    assert languages == {"Dieter": "de", "Fleur": "en", "Noor": "en"}
    assert {e.delivery_status for e in entries(logged).values()} == {""}
    assert Job.objects.count() == 0


def test_without_a_default_language_an_unknown_one_gets_the_template_text(
    marketing_setup, user, template, salesperson, contacts
):
    segment = make_segment(user, template, salesperson, contacts.values())
    logged, _ = services.log_segment(segment, user=user)
    languages = {name: e.language_code for name, e in entries(logged).items()}
    assert languages == {"Dieter": "de", "Fleur": "", "Noor": ""}


def test_logging_stays_one_insert_whatever_the_number_of_lines(
    marketing_setup, user, template, salesperson
):
    contacts = [PersonFactory(email=f"p{n}@example.org") for n in range(30)]
    segment = make_segment(user, template, salesperson, contacts)
    with CaptureQueriesContext(connection) as queries:
        services.log_segment(segment, user=user, deliver=True)
    inserts = [q for q in queries if q["sql"].startswith("INSERT INTO")]
    entry_inserts = [
        q for q in inserts if InteractionLogEntry._meta.db_table in q["sql"]
    ]
    assert len(entry_inserts) == 1


def test_deliver_sends_one_merged_message_per_contact(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    logged = log(segment, user, django_capture_on_commit_callbacks)

    by_recipient = {tuple(rcpts): message for rcpts, message in smtp.messages}
    assert set(by_recipient) == {
        ("dieter@example.org",),
        ("fleur@example.org",),
        ("noor@example.org",),
    }
    german = by_recipient[("dieter@example.org",)]
    assert german["Subject"] == "Angebot für Dieter"
    assert german["From"] == "Anna Jansen <anna@example.com>"
    assert german["Reply-To"] == "anna@example.com"
    german_entry = entries(logged)["Dieter"]
    assert german["Message-ID"] == f"<entry-{german_entry.pk}@example.com>"
    body, attachment = [part for part in german.walk() if not part.is_multipart()]
    assert "Sehr geehrte(r) Dieter, unser Angebot." in body.get_content()
    assert attachment.get_filename() == "Angebot für Dieter.txt"
    assert attachment.get_content() == "das Angebot"
    english = by_recipient[("fleur@example.org",)]
    assert english["Subject"] == "Offer for Fleur"
    parts = [part for part in english.walk() if not part.is_multipart()]
    # No file of its own in English: the line's (the template's) attachment.
    assert parts[1].get_filename() == "Offer for Fleur.txt"
    assert {e.delivery_status for e in entries(logged).values()} == {"sent"}
    job = logged.delivery_job
    assert (job.status, job.progress_done, job.progress_total) == ("done", 3, 3)
    assert job.result["url"] == logged.get_absolute_url()


def test_the_sender_is_the_default_outside_the_allowed_domains(
    segment, user, smtp, settings, django_capture_on_commit_callbacks, salesperson
):
    salesperson.email = "anna@gmail.example"
    salesperson.save()
    log(segment, user, django_capture_on_commit_callbacks)
    assert {message["From"] for _r, message in smtp.messages} == {"crm@example.com"}
    assert {message["Reply-To"] for _r, message in smtp.messages} == {
        "anna@gmail.example"
    }


def test_refuses_e_mail_lines_without_an_address_and_writes_nothing(
    segment, user, contacts
):
    contacts["fr"].email = ""
    contacts["fr"].save()
    with pytest.raises(ValidationError) as raised:
        services.log_segment(segment, user=user, deliver=True)
    message = " ".join(raised.value.messages)
    assert "1 contacts to be sent an e-mail have no e-mail address" in message
    assert "Fleur" in message
    assert not LoggedSegment.objects.exists()
    assert SegmentLine.objects.filter(segment=segment).count() == 3
    assert not Job.objects.exists()


def test_refuses_to_send_empty_e_mails_or_letters_and_writes_nothing(
    user, template, salesperson, contacts, marketing_setup
):
    # No default language: Fleur (fr) and Noor get the template's own text, blank.
    template.letter_text = ""
    template.save()
    segment = make_segment(user, template, salesperson, contacts.values())
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        services.log_segment(segment, user=user, deliver=True)
    assert raised.value.messages == [
        "2 contacten zouden een lege e-mail of brief krijgen, omdat de tekst leeg "
        "is: MAIL, eigen tekst (2). Schrijf de tekst "
        "in het interactiesjabloon (of de taalversie), of registreer zonder de "
        "inhoud te verzenden."
    ]
    assert not LoggedSegment.objects.exists()
    assert not Job.objects.exists()
    # The German version has its text; logging without sending is never refused.
    services.log_segment(segment, user=user)
    assert LoggedSegment.objects.count() == 1


def test_the_letter_fallback_turns_them_into_letters(
    segment, user, contacts, smtp, django_capture_on_commit_callbacks
):
    contacts["fr"].email = ""
    contacts["fr"].save()
    logged = log(
        segment, user, django_capture_on_commit_callbacks, letter_fallback=True
    )
    fleur = entries(logged)["Fleur"]
    assert fleur.correspondence_type == "hard_copy"
    assert fleur.delivery_status == "sent"
    assert len(smtp.messages) == 2
    with logged.letters.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_hard_copy_lines_make_one_pdf_and_become_sent(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    SegmentLine.objects.filter(segment=segment).update(correspondence_type="hard_copy")
    logged = log(segment, user, django_capture_on_commit_callbacks)
    assert smtp.messages == []
    assert {e.delivery_status for e in entries(logged).values()} == {"sent"}
    with logged.letters.open("rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF-")
    assert content.count(b"/Type /Page\n") == 3 or content.count(b"/Type /Page") >= 3


def test_lines_without_a_correspondence_type_are_not_delivered(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    SegmentLine.objects.filter(segment=segment).update(correspondence_type="")
    logged = log(segment, user, django_capture_on_commit_callbacks)
    assert {e.delivery_status for e in entries(logged).values()} == {""}
    assert logged.delivery_job is None


def test_a_refused_recipient_is_an_error_on_exactly_that_entry(
    segment, user, settings, django_capture_on_commit_callbacks
):
    with SMTPServer(refuse={"fleur@example.org"}) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        logged = log(segment, user, django_capture_on_commit_callbacks)
        statuses = {
            n: (e.delivery_status, e.delivery_error) for n, e in entries(logged).items()
        }
        assert statuses["Dieter"] == ("sent", "")
        assert statuses["Noor"] == ("sent", "")
        assert statuses["Fleur"][0] == "error"
        assert "550" in statuses["Fleur"][1]
        assert "Mailbox unavailable" in statuses["Fleur"][1]
        assert len(server.messages) == 2

    # Resend: only the failed one goes again, once the server takes it.
    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        with django_capture_on_commit_callbacks(execute=True):
            services.resend_failed(logged, user=user)
        assert [rcpts for rcpts, _m in server.messages] == [["fleur@example.org"]]
    assert {e.delivery_status for e in entries(logged).values()} == {"sent"}
    record = AuditRecord.objects.get(action=AuditAction.SENT_AGAIN)
    assert (record.user, record.count, record.object_repr) == (
        user,
        1,
        logged.segment_no,
    )


def test_resend_without_failures_is_refused(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    logged = log(segment, user, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="nothing to send again"):
        services.resend_failed(logged, user=user)


def test_each_text_writes_its_date_the_way_its_language_does(
    marketing_setup, user, template, salesperson, contacts, smtp, settings
):
    template.languages.filter(language_code="de").update(body="Datum: {{ date }}")
    # The template's own text is in the language of the user who sends it.
    template.letter_text = "Datum: {{ date }}"
    template.save(update_fields=["letter_text"])
    segment = make_segment(user, template, salesperson, contacts.values())
    # The job is started in Dutch and run by a worker whose language is English.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    with translation.override("nl"):
        logged, _ = services.log_segment(segment, user=user, deliver=True)
    with translation.override("en"):
        run_job.call(logged.delivery_job_id, 1)

    bodies = {
        recipients[0]: message.get_body().get_content().strip()
        for recipients, message in smtp.messages
    }
    assert bodies["dieter@example.org"] == "Datum: 15. März 2026"
    assert bodies["noor@example.org"] == "Datum: 15 maart 2026"


def test_delivering_twice_sends_nothing_the_second_time(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    logged = log(segment, user, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 3
    services.deliver_logged_segment(logged, user=user)
    assert len(smtp.messages) == 3


def test_an_unconfirmed_claim_becomes_unknown_and_is_never_resent(
    segment, user, smtp, settings
):
    # Logged with delivery, but the job never ran (the worker died before).
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    dieter = entries(logged)["Dieter"]
    # A worker claimed Dieter's message and was killed before confirming it.
    DeliveryClaim.objects.create(
        entry_id=dieter.pk,
        token="dead",
        claimed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    services.deliver_logged_segment(logged, user=user)
    assert sorted(r[0] for r, _m in smtp.messages) == [
        "fleur@example.org",
        "noor@example.org",
    ]
    unknown, _restarted = services.recover_deliveries()
    assert unknown == 1
    dieter.refresh_from_db()
    assert dieter.delivery_status == "error"
    assert dieter.delivery_error.startswith("Unknown whether sent")
    services.deliver_logged_segment(logged, user=user)
    assert len(smtp.messages) == 2


def test_recovery_fails_a_dead_job_and_starts_a_new_one(
    segment, user, smtp, settings, django_capture_on_commit_callbacks
):
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    job = logged.delivery_job
    # The worker took the job and was killed before claiming anything.
    Job.objects.filter(pk=job.pk).update(
        status="running",
        started_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        unknown, restarted = services.recover_deliveries()
    assert (unknown, restarted) == (0, 1)
    job.refresh_from_db()
    assert job.status == "failed"
    logged.refresh_from_db()
    assert logged.delivery_job != job
    assert logged.delivery_job.status == "done"
    assert len(smtp.messages) == 3


def test_the_jobs_sweep_settles_a_dead_delivery_and_sends_the_rest(
    segment, user, smtp, django_capture_on_commit_callbacks
):
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    job = logged.delivery_job
    dieter = entries(logged)["Dieter"]
    # The worker claimed Dieter's message, then went silent (killed).
    long_ago = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    Job.objects.filter(pk=job.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    DeliveryClaim.objects.create(
        entry_id=dieter.pk, token="dead", job=job, claimed_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        failed = fail_stale_jobs()

    assert failed == [job]
    dieter.refresh_from_db()
    assert dieter.delivery_status == "error"
    assert dieter.delivery_error.startswith("Unknown whether sent")
    logged.refresh_from_db()
    assert logged.delivery_job != job
    assert logged.delivery_job.status == "done"
    assert sorted(r[0] for r, _m in smtp.messages) == [
        "fleur@example.org",
        "noor@example.org",
    ]


def test_canceling_stops_the_remaining_delivery(segment, user, smtp):
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    services.set_logged_segment_canceled(logged, True, user=user)
    assert {e.delivery_status for e in entries(logged).values()} == {"error"}
    assert {e.delivery_error for e in entries(logged).values()} == {
        "Not sent: the logged segment was canceled."
    }
    logged.delivery_job.refresh_from_db()
    assert logged.delivery_job.status == "canceled"
    services.deliver_logged_segment(logged, user=user)
    assert smtp.messages == []
    with pytest.raises(ValidationError, match="canceled"):
        services.resend_failed(logged, user=user)


def test_a_job_canceled_midway_leaves_the_rest_unsent(
    marketing_setup,
    user,
    template,
    salesperson,
    smtp,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.DELIVERY_BATCH_SIZE = 2
    people = [PersonFactory(email=f"p{n}@example.org") for n in range(5)]
    segment = make_segment(user, template, salesperson, people)
    logged, _ = services.log_segment(segment, user=user, deliver=True)
    job = logged.delivery_job
    Job.objects.filter(pk=job.pk).update(status="running")
    original = delivery._send_batch

    def send_then_cancel(batch, content):
        result = original(batch, content)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        return result

    delivery._send_batch = send_then_cancel
    try:
        services.deliver_logged_segment(logged, user=user, job=job)
    finally:
        delivery._send_batch = original
    statuses = sorted(e.delivery_status for e in entries(logged).values())
    assert statuses == ["in_progress"] * 3 + ["sent"] * 2
    assert len(smtp.messages) == 2


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Two sessions at once: PostgreSQL."
)


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_two_workers_at_once_send_each_message_once(
    marketing_setup, user, template, salesperson, settings
):
    settings.DELIVERY_BATCH_SIZE = 3
    with SMTPServer(delay=0.01) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        people = [PersonFactory(email=f"p{n}@example.org") for n in range(30)]
        segment = make_segment(user, template, salesperson, people)
        logged, _ = services.log_segment(segment, user=user, deliver=True)
        start = threading.Barrier(2)
        failures = []

        def worker():
            try:
                start.wait()
                services.deliver_logged_segment(
                    LoggedSegment.objects.get(pk=logged.pk), user=user
                )
            except Exception as error:
                failures.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        time.sleep(0.1)
        recipients = sorted(r[0] for r, _m in server.messages)
    assert failures == []
    assert recipients == sorted(f"p{n}@example.org" for n in range(30))
    assert set(
        InteractionLogEntry.objects.filter(logged_segment=logged).values_list(
            "delivery_status", flat=True
        )
    ) == {DeliveryStatus.SENT}


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_letters_pdf_takes_any_text_with_or_without_a_unicode_font(
    monkeypatch, unicode_font, db
):
    from segments.services import printing

    if not unicode_font:
        # A fresh machine without fonts-dejavu: Latin-1 Helvetica, "?" for the rest.
        monkeypatch.setattr(printing, "UNICODE_FONTS", ())
    contact = PersonFactory.build(name="Zoë Łukasiewicz", company=None)
    # Russian for "hello", an em dash and the euro sign: none of them Latin-1.
    text = (
        "Dear Zo\u00eb,\n\n\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439"
    )
    pdf = printing.letters_pdf([(contact, text + "\u0442\u0435 \u2014 \u20ac10.")])
    assert pdf.startswith(b"%PDF-")
