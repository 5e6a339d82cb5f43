"""The README's screenshots, taken on the demo data as the demo users see it.

Every run checks the pages and saves the pictures in test-artifacts/; with
README_SCREENSHOTS=1 (`make screenshots`) they replace those in docs/screenshots/.
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from playwright.sync_api import expect

from crm import roles
from crm.models import Contact
from interactions.models import InteractionTemplate
from segments.models import Segment
from tests.e2e.conftest import ARTIFACTS, choose, field
from tests.e2e.test_dashboard import CHARTS_DRAWN
from tests.factories import role_group

README_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def picture(page):
    """Save the page as <name>.png where the README (or the test artifacts) wants it."""
    folder = README_DIR if os.environ.get("README_SCREENSHOTS") == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.emulate_media(reduced_motion="reduce")  # charts drawn at once, not mid-way

    def take(name):
        page.screenshot(path=folder / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def demo(page, login, live_server):
    role_group(roles.SALES)  # the live server's flushes take the migrated groups too
    role_group(roles.CRM_ADMIN)
    call_command("load_demo_data", stdout=StringIO())


def test_readme_screenshots(page, live_server, login, demo, picture):
    login(User.objects.get(username="admin"), password="demo-admin-2026")

    page.goto(f"{live_server.url}{reverse('home')}")
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN)
    picture("dashboard")

    company = (
        Contact.objects.filter(type=Contact.Type.COMPANY)
        .annotate(entries=Count("company_interaction_log_entries"))
        .order_by("-entries")
        .first()
    )
    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    expect(page.get_by_role("heading", name=company.name)).to_be_visible()
    picture("contact-card")

    person = company.persons.order_by("no").first()
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Create interaction").click()
    template = InteractionTemplate.objects.filter(blocked=False).first()
    choose(page, "Interaction template", template.code, template.code)
    expect(field(page, "Description")).not_to_have_value("")
    picture("create-interaction")

    page.goto(f"{live_server.url}{reverse('interactions:entry_list')}")
    expect(page.locator("table tbody tr").first).to_be_visible()
    picture("interaction-log-entries")

    segment = Segment.objects.filter(lines__isnull=False).distinct().first()
    page.goto(f"{live_server.url}{segment.get_absolute_url()}")
    expect(page.get_by_role("heading", name=segment.description)).to_be_visible()
    picture("segment-card")

    page.context.add_cookies(
        [{"name": "django_language", "value": "nl", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('crm:contact_list')}")
    expect(page.get_by_role("heading", name="Contacten")).to_be_visible()
    picture("contacts-dutch")

    # The demo's tasks and criteria-built segment, in Dutch at 1280 px.
    page.goto(f"{live_server.url}{reverse('tasks:my_tasks')}")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    expect(page.get_by_text("Offerte voorjaarsbestelling nabellen")).to_be_visible()
    picture("my-tasks-nl-1280")
    page.goto(f"{live_server.url}{reverse('tasks:week')}")
    expect(page.get_by_role("heading", name="Weekkalender")).to_be_visible()
    expect(page.get_by_text("Kwartaaloverleg verkoopteam").first).to_be_visible()
    picture("week-nl-1280")
    page.goto(f"{live_server.url}{reverse('tasks:task_list')}?closed=false")
    expect(page.get_by_role("heading", name="Taken", exact=True)).to_be_visible()
    expect(page.locator("table tbody tr").first).to_be_visible()
    picture("tasks-nl-1280")
    built = Segment.objects.get(description="Uitnodiging relatiedag 2027")
    criteria_url = reverse("segments:segment_criteria", args=[built.no])
    page.goto(f"{live_server.url}{criteria_url}")
    expect(page.get_by_role("heading", name="Segmentcriteria")).to_be_visible()
    picture("segment-criteria-nl-1280")
    add_url = reverse("segments:criteria_add", args=[built.no])
    page.goto(f"{live_server.url}{add_url}?country=NL&type=person")
    expect(page.get_by_test_id("preview")).to_have_text(
        re.compile(r"\d+ contacten worden toegevoegd\.")
    )
    picture("criteria-add-nl-1280")
    page.goto(f"{live_server.url}{reverse('segments:savedcriteria_list')}")
    expect(page.get_by_role("cell", name="RELATIEDAG")).to_be_visible()
    picture("saved-criteria-nl-1280")

    # Privacy: a person's card with its privacy actions, the erasure's confirmation
    # and the retention terms (Bewaartermijnen), in Dutch at 1280 px.
    person = Contact.objects.filter(type="person").order_by("no").first()
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    expect(
        page.get_by_role("link", name="Gegevens van contact exporteren")
    ).to_be_visible()
    picture("privacy-contact-nl-1280")
    page.goto(f"{live_server.url}{reverse('privacy:contact_erase', args=[person.pk])}")
    expect(page.get_by_role("heading", name="Contact anonimiseren")).to_be_visible()
    picture("erase-nl-1280")
    page.goto(f"{live_server.url}{reverse('privacy:retention')}")
    expect(
        page.get_by_role("heading", name="Bewaartermijnen", exact=True)
    ).to_be_visible()
    picture("retention-nl-1280")

    # The start page, the entry list and the segment card in Dutch on a laptop
    # (1280 px) and a large screen (1920 px): nothing scrolls sideways.
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('home')}")
        expect(page.get_by_role("heading", name="Actieve segmenten")).to_be_visible()
        page.wait_for_function(CHARTS_DRAWN)
        picture(f"start-nl-{width}")
        page.goto(f"{live_server.url}{reverse('interactions:entry_list')}")
        expect(page.get_by_role("heading", name="Interactielogposten")).to_be_visible()
        picture(f"entries-nl-{width}")
        page.goto(f"{live_server.url}{segment.get_absolute_url()}")
        expect(page.get_by_role("heading", name=segment.description)).to_be_visible()
        picture(f"segment-nl-{width}")
        assert page.evaluate(
            "document.documentElement.scrollWidth"
            " <= document.documentElement.clientWidth"
        )
