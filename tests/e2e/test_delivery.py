"""Log a segment with "Inhoud verzenden": the delivery's progress bar reaches 100 %,
the logged segment shows each entry's status, and its letters download as a PDF."""

import threading

import pytest
from playwright.sync_api import expect

from jobs.tasks import run_job
from segments import services
from segments.models import LoggedSegment
from tests.factories import (
    InteractionGroupFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
)
from tests.segments.smtp import SMTPServer


@pytest.fixture
def smtp(settings):
    with SMTPServer(delay=0.4) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def test_log_with_delivery_shows_progress_statuses_and_the_letters(
    page, live_server, login, shot, smtp, settings, marketing_setup, media_root
):
    # The job is recorded on logging and run by the test, as a worker would.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.DELIVERY_BATCH_SIZE = 2
    anna = SalesUserFactory(username="anna")
    template = InteractionTemplateFactory(
        code="SPRING",
        description="Voorjaarsaanbod",
        group=InteractionGroupFactory(code="MAIL"),
        correspondence_type="email",
        letter_text="Beste {{ contact.name }}, ons voorjaarsaanbod.",
    )
    segment = services.create_segment(
        user=anna,
        description="Voorjaarsmailing",
        template=template,
        salesperson=SalespersonFactory(name="Anna Visser", email="anna@example.com"),
        ignore_contact_correspondence_type=True,
    )
    people = [
        PersonFactory(name=f"Klant {n}", email=f"klant{n}@example.org")
        for n in range(5)
    ]
    people.append(PersonFactory(name="Zonder Adres", email=""))
    services.add_contacts(segment, people, user=anna)
    login(anna)

    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("button", name="Log", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Send content").check()
    dialog.get_by_label("Send a letter when there is no e-mail address").check()
    shot("log-dialog")
    dialog.get_by_role("button", name="OK").click()

    logged = LoggedSegment.objects.get()
    expect(page.get_by_role("heading", name=f"Logged segment {logged.segment_no}"))
    progress = page.locator("#delivery-progress")
    expect(progress).to_contain_text("Queued")
    worker = threading.Thread(target=run_job.call, args=(logged.delivery_job_id, 1))
    worker.start()
    bar = progress.get_by_role("progressbar")
    expect(progress).to_contain_text("Running", timeout=15_000)
    shot("running")
    expect(bar).to_have_attribute("value", "100", timeout=20_000)
    expect(progress).to_contain_text("Done")
    expect(progress).to_contain_text("Sent: 6")
    worker.join(timeout=20)
    shot("done")

    progress.get_by_role("link", name="Show the statuses").click()
    table = page.locator("#delivery-entries")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tr", has_text="Zonder Adres")).to_contain_text("Hard copy")
    expect(table.locator("tr", has_text="Klant 0")).to_contain_text("Sent")
    page.get_by_role("combobox", name="Delivery").select_option("error")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("No interaction log entries match this filter.")
    shot("statuses")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Print").click()
    download = download_info.value
    assert download.suggested_filename == f"{logged.segment_no}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert len(smtp.messages) == 5
