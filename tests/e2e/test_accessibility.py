"""axe-core finds no serious or critical violation on the main pages, in both languages.

axe-core is vendored from its npm package (tests/e2e/vendor/) and evaluated in the page,
which the Content-Security-Policy allows: it is not an inline script of the document.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from crm import roles
from crm.models import Contact
from interactions.models import InteractionLogEntry, InteractionTemplate
from segments.models import Segment
from tests.factories import role_group

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
# WCAG 2.1 A and AA: what the accessibility laws for public and commercial sites ask.
STANDARDS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def axe_violations(page):
    """The serious and critical violations axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        STANDARDS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


def main_pages():
    company = Contact.objects.filter(type=Contact.Type.COMPANY).first()
    person = Contact.objects.filter(type=Contact.Type.PERSON).first()
    segment = Segment.objects.first()
    template = InteractionTemplate.objects.first()
    entry = InteractionLogEntry.objects.filter(postponed=False).first()
    return [
        reverse("home"),
        reverse("crm:contact_list"),
        company.get_absolute_url(),
        person.get_absolute_url(),
        reverse("crm:contact_create"),
        reverse("interactions:entry_list"),
        reverse("interactions:entry_list") + "?date_after=not-a-date",
        reverse("interactions:entry_create") + f"?contact={person.no}",
        reverse("interactions:entry_detail", args=[entry.pk]),
        reverse("interactions:postponed_list"),
        reverse("interactions:template_list"),
        reverse("interactions:template_detail", args=[template.pk]),
        reverse("interactions:group_list"),
        reverse("segments:segment_list"),
        segment.get_absolute_url(),
        reverse("segments:segment_log", args=[segment.no]),
        reverse("segments:segment_create"),
        reverse("segments:loggedsegment_list"),
        reverse("crm:salesperson_list"),
        reverse("crm:marketing_setup"),
        reverse("crm:contact_import"),
        reverse("audit:list"),
        reverse("segments:segment_from_entries") + "?evaluation=negative",
        reverse("segments:add_contacts_from_entries", args=[segment.no]),
        reverse("segments:criteria_add", args=[segment.no]) + "?city=Utrecht",
        reverse("segments:criteria_refine", args=[segment.no]) + "?entries-has=x",
        reverse("segments:segment_criteria", args=[segment.no]),
        reverse("segments:savedcriteria_list"),
        reverse("segments:segment_from_contacts") + "?city=Utrecht",
        reverse("search") + "?q=seg",
        reverse("password_change"),
    ]


@pytest.fixture
def crm_admin(page, login, live_server):
    role_group(roles.SALES)  # the live server's flushes take the migrated groups too
    role_group(roles.CRM_ADMIN)
    call_command("load_demo_data", stdout=StringIO())
    user = User.objects.get(username="admin")
    login(user, password="demo-admin-2026")
    return user


def test_axe_reports_a_violation_it_is_shown(page, live_server, crm_admin):
    # The checks below would pass if axe never ran; a button without a name must fail.
    page.goto(f"{live_server.url}{reverse('home')}")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<button type=\"button\"></button>')"
    )

    assert any(text.startswith("button-name") for text in axe_violations(page))


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_the_pages_before_logging_in_have_no_serious_violation(page, live_server, name):
    page.goto(f"{live_server.url}{reverse(name)}")

    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_main_pages_have_no_serious_violation(
    page, live_server, crm_admin, language, shot
):
    if language == "nl":
        page.context.add_cookies(
            [{"name": "django_language", "value": "nl", "url": live_server.url}]
        )
    found = {}
    for url in main_pages():
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        if violations := axe_violations(page):
            found[url] = violations
            shot("violation")

    assert found == {}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_page_search_dropdown_has_no_serious_violation(
    page, live_server, crm_admin, language
):
    if language == "nl":
        page.context.add_cookies(
            [{"name": "django_language", "value": "nl", "url": live_server.url}]
        )
    page.goto(f"{live_server.url}{reverse('home')}")
    page.keyboard.press("Alt+q")
    page.keyboard.type("se")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")

    assert axe_violations(page) == []
