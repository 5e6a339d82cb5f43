"""A Dutch user logs a segment with "Inhoud verzenden": the delivery's progress bar
reaches 100 %, the logged segment shows each entry's status, and its letters
download as a PDF ("Afdrukken"). Every page of the flow is read in Dutch at 1280 px."""

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

SCREEN = {"width": 1280, "height": 900}


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
    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Welkom, anna")).to_be_visible()
    page.set_viewport_size(SCREEN)

    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    page.get_by_role("button", name="Registreren", exact=True).click()
    dialog = page.get_by_role("dialog", name="Segment registreren")
    # The letter fallback is part of sending: offered once sending is ticked.
    fallback = dialog.get_by_label("Brief sturen als er geen e-mailadres is")
    expect(fallback).to_be_disabled()
    dialog.get_by_label("Inhoud verzenden").check()
    fallback.check()
    shot("log-dialog")
    assert_fits(page)
    dialog.get_by_role("button", name="OK").click()

    logged = LoggedSegment.objects.get()
    expect(
        page.get_by_role("heading", name=f"Geregistreerd segment {logged.segment_no}")
    ).to_be_visible()
    progress = page.locator("#delivery-progress")
    expect(progress).to_contain_text("In de wachtrij")
    worker = threading.Thread(target=run_job.call, args=(logged.delivery_job_id, 1))
    worker.start()
    bar = progress.get_by_role("progressbar", name="Voortgang van de verzending")
    expect(progress).to_contain_text("Bezig", timeout=15_000)
    shot("running")
    expect(bar).to_have_attribute("value", "100", timeout=20_000)
    expect(progress).to_contain_text("Gereed")
    expect(progress).to_contain_text("Verzonden: 6")
    worker.join(timeout=20)
    shot("done")
    assert_fits(page)

    progress.get_by_role("link", name="Statussen tonen").click()
    table = page.locator("#delivery-entries")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tr", has_text="Zonder Adres")).to_contain_text("Afdruk")
    expect(table.locator("tr", has_text="Klant 0")).to_contain_text("Verzonden")
    shot("statuses")
    assert_fits(page)
    page.get_by_role("combobox", name="Verzending").select_option(label="Fout")
    page.get_by_role("button", name="Filteren").click()
    expect(table).to_contain_text("Geen interactielogposten voldoen aan dit filter.")
    shot("statuses-error")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Afdrukken").click()
    download = download_info.value
    assert download.suggested_filename == f"{logged.segment_no}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert len(smtp.messages) == 5

    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("link", name="Achtergrondtaken", exact=True).click()
    expect(page.get_by_role("heading", name="Achtergrondtaken")).to_be_visible()
    job_row = page.locator(f"#job-{logged.delivery_job_id}")
    expect(job_row).to_contain_text("Gereed")
    # The worker names the job's result in the language of the user who logged.
    expect(
        job_row.get_by_role("link", name=f"Geregistreerd segment {logged.segment_no}")
    ).to_be_visible()
    shot("background-jobs")
    assert_fits(page)


def assert_fits(page):
    """The page is no wider than the 1280 px screen: nothing to scroll sideways."""
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
