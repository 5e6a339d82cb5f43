"""The Content-Security-Policy in a real browser: nothing on the pages is blocked."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from crm import roles
from crm.models import Contact
from interactions.models import InteractionGroup, InteractionTemplate
from segments.models import Segment
from tests.e2e.conftest import field, htmx_settled
from tests.factories import (
    InteractionGroupFactory,
    SalesUserFactory,
    UserFactory,
    role_group,
)


@pytest.fixture
def violations(page):
    """What Chromium refused because of the CSP, as it reports it on the console."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return refused


@pytest.fixture
def superuser(page, login, live_server):
    role_group(roles.SALES)  # the live server's flushes take the migrated groups too
    call_command("load_demo_data", stdout=StringIO())
    user = User.objects.get(username="superuser")
    login(user, password="demo-super-2026")
    return user


def test_the_browser_reports_an_inline_style_as_a_violation(
    page, live_server, violations
):
    # The check below would pass on a page without any policy; this one must not.
    page.goto(f"{live_server.url}{reverse('login')}")

    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )

    expect(page.get_by_text("x", exact=True)).to_be_attached()
    page.wait_for_function("() => true")  # one more round trip for the console
    assert any("inline style" in text for text in violations)


def test_no_page_breaks_the_content_security_policy(
    page, live_server, superuser, violations, shot
):
    contact = Contact.objects.filter(type=Contact.Type.COMPANY).first()
    segment = Segment.objects.first()
    template = InteractionTemplate.objects.first()
    pages = [
        reverse("home"),
        reverse("crm:contact_list"),
        contact.get_absolute_url(),
        reverse("interactions:entry_list"),
        reverse("interactions:entry_create") + f"?contact={contact.no}",
        reverse("interactions:template_detail", args=[template.pk]),
        reverse("interactions:letter")
        + f"?contact={contact.no}&template={template.code}",
        reverse("segments:segment_list"),
        segment.get_absolute_url(),
        reverse("password_change"),
        reverse("admin:index"),
        reverse("admin:crm_contact_changelist"),
        reverse("admin:crm_contact_change", args=[contact.pk]),
    ]
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")

    # htmx swaps: the live count of Add contacts and a template filling the form.
    page.goto(f"{live_server.url}{reverse('segments:criteria_add', args=[segment.no])}")
    page.get_by_role("group", name="Contacts").get_by_label("City").fill("a")
    htmx_settled(page)
    expect(page.get_by_test_id("preview")).to_contain_text("will be added")
    shot("add-contacts")

    # A template chosen on a new segment: htmx swaps the fields in, and settling
    # them once copied Tom Select's style attributes onto them (11 refusals).
    page.goto(f"{live_server.url}{reverse('segments:segment_create')}")
    # With the mouse, as a person picks from the list (the keyboard left nothing to
    # settle).
    box = field(page, "Interaction template")
    box.click()
    box.press_sequentially("mail", delay=80)
    # A full-page screenshot resizes the window, as a person may: Tom Select then
    # places its dropdown again, by style.
    shot("template-typed")
    page.get_by_role("option", name="EMAIL E-mail").click()
    htmx_settled(page)
    expect(field(page, "Correspondence type")).to_have_value("email")
    shot("template-chosen")

    # The top bar's page search: its dropdown is built by script from fetched JSON.
    page.keyboard.press("Alt+q")
    page.keyboard.type("seg")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()
    page.goto(f"{live_server.url}{reverse('search')}?q=seg")

    assert violations == []


def test_an_admin_list_without_action_bars_breaks_no_policy(
    page, live_server, login, violations, monkeypatch, shot
):
    # Django's change list then sets a column width in an inline style element;
    # templates/admin/change_list.html takes it from a file.
    group_admin = admin.site.get_model_admin(InteractionGroup)
    monkeypatch.setattr(group_admin, "actions_on_top", False)
    monkeypatch.setattr(group_admin, "actions_on_bottom", False)
    InteractionGroupFactory(code="CALLS", description="Phone calls")
    login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page.goto(
        f"{live_server.url}{reverse('admin:interactions_interactiongroup_changelist')}"
    )

    expect(page.get_by_role("link", name="CALLS")).to_be_visible()
    loaded_rules = page.evaluate(
        "() => [...document.styleSheets]"
        ".filter(sheet => (sheet.href || '').endsWith('/css/admin-changelist.css'))"
        ".flatMap(sheet => [...sheet.cssRules].map(rule => rule.selectorText))"
    )
    assert loaded_rules == ["#changelist table thead th:first-child"]
    shot("admin-list-without-action-bars")
    assert violations == []


def test_the_api_docs_run_under_their_own_policy(
    page, live_server, superuser, violations, shot
):
    page.goto(f"{live_server.url}{reverse('api:docs')}")

    expect(page.get_by_role("heading", name="CRM interactions API")).to_be_visible()
    expect(page.get_by_text("/api/v1/documents/").first).to_be_visible()
    shot("api-docs")
    assert violations == []


def test_a_person_who_mistypes_the_password_five_times_is_told_to_wait(
    page, live_server, shot
):
    SalesUserFactory(username="anna")
    page.goto(f"{live_server.url}{reverse('login')}")

    for _ in range(5):
        page.get_by_label("Username").fill("anna")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Too many failed login attempts. Logging in as this user is blocked for 15 "
        "minutes after the last failed attempt."
    )
    shot("locked-out")
