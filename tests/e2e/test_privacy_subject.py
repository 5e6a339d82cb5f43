"""A Dutch CRM admin exports a contact's data (downloads the zip and opens it) and
anonymises the contact (types its number, confirms, reads the placeholder back)."""

import io
import json
import re
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditAction, AuditRecord
from crm.models import Contact
from tests.factories import (
    AdminUserFactory,
    InteractionLogEntryFactory,
    PersonFactory,
)

pytestmark = pytest.mark.usefixtures("media_root")


def in_dutch(page, live_server):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )


@pytest.fixture
def jan():
    contact = PersonFactory(
        no="CT00042",
        name="Jan de Vries",
        email="jan.devries@example.nl",
        phone="06 12345678",
        address="Keizersgracht 123",
        company=None,
    )
    InteractionLogEntryFactory(contact=contact, description="Gebeld met Jan")
    InteractionLogEntryFactory(contact=PersonFactory(name="Piet Jansen"))
    return contact


def test_a_dutch_admin_downloads_a_contacts_data_and_opens_it(
    page, live_server, login, shot, jan
):
    login(AdminUserFactory(username="beheer"))
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{jan.get_absolute_url()}")

    page.get_by_role("link", name="Gegevens van contact exporteren").click()
    expect(page.get_by_text("Het contact heeft 1 interactielogpost.")).to_be_visible()
    shot("export-page")
    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden").click()

    assert download.value.suggested_filename.startswith("CT00042-")
    content = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        [contact] = json.loads(archive.read("contact.json"))
        entries = json.loads(archive.read("entries.json"))
        summary = archive.read("summary.html").decode()
    assert (contact["name"], contact["email"]) == (
        "Jan de Vries",
        "jan.devries@example.nl",
    )
    assert [entry["description"] for entry in entries] == ["Gebeld met Jan"]
    assert "Gegevens over contact CT00042" in summary
    assert "Piet Jansen" not in summary
    # Opened from the zip in a window of 1280 pixels, the summary fits it: its
    # tables wrap their cells (23 columns of entries).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("about:blank")  # a file of its own, not under the site's policy
    page.set_content(summary)
    expect(page.get_by_role("heading", name="Interactielogposten (1)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    expect(page.get_by_role("cell", name="Gebeld met Jan")).to_be_visible()
    shot("summary")


def test_a_dutch_admin_anonymises_a_contact_by_typing_its_number(
    page, live_server, login, shot, jan
):
    login(AdminUserFactory(username="beheer"))
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{jan.get_absolute_url()}")

    page.get_by_role("link", name="Contact anonimiseren").click()
    expect(page.get_by_text("Dit kan niet ongedaan worden gemaakt.")).to_be_visible()
    # A wrong number is refused and nothing happens.
    page.get_by_label("Typ het contactnummer om te bevestigen").fill("CT00024")
    page.get_by_role("button", name="Contact anonimiseren").click()
    expect(
        page.get_by_text("Typ CT00042, het nummer van dit contact, om te bevestigen.")
    ).to_be_visible()
    assert Contact.objects.get(pk=jan.pk).name == "Jan de Vries"
    page.get_by_label("Typ het contactnummer om te bevestigen").fill("ct00042")
    shot("erase-confirm")
    page.get_by_role("button", name="Contact anonimiseren").click()

    expect(page.get_by_text("Contact CT00042 is geanonimiseerd.")).to_be_visible()
    # The placeholder is stored in the language of the user who erased it.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Geanonimiseerd contact CT00042"
    )
    expect(page.get_by_text("jan.devries@example.nl")).to_have_count(0)
    shot("erased")
    # Done once: the card offers no second erase, and says when it was done.
    expect(page.get_by_role("link", name="Contact anonimiseren")).to_have_count(0)
    expect(page.get_by_text("Geanonimiseerd op")).to_be_visible()
    # The page opened again (an old link, a bookmark) says so instead of asking.
    page.goto(f"{live_server.url}{reverse('privacy:contact_erase', args=[jan.pk])}")
    expect(page.get_by_text("Contact CT00042 is al geanonimiseerd op")).to_be_visible()
    expect(page.get_by_role("button", name="Contact anonimiseren")).to_have_count(0)


def test_a_large_history_is_exported_in_the_background_and_downloaded(
    page, live_server, login, shot, jan, settings
):
    settings.PRIVACY_EXPORT_JOB_THRESHOLD = 0
    login(AdminUserFactory(username="beheer"))
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{jan.get_absolute_url()}")
    page.get_by_role("link", name="Gegevens van contact exporteren").click()

    page.get_by_role("button", name="Export starten").click()

    expect(
        page.get_by_text("De export van CT00042 wordt op de achtergrond gemaakt")
    ).to_be_visible()
    link = page.locator("#main").get_by_role(
        "link", name=re.compile(r"^CT00042-.*\.zip$")
    )
    expect(link).to_be_visible()
    shot("kept-export")
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        assert "entries.json" in archive.namelist()
    assert AuditRecord.objects.filter(action=AuditAction.DOWNLOADED).count() == 1
