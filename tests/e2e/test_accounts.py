"""A Dutch user changes the password from the top bar's user menu, and resets a
forgotten one from the login page, on the CRM's own pages."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import field
from tests.factories import SalesUserFactory

NEW_PASSWORD = "a-New-pass-987"


def in_dutch(page, live_server):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )


def test_a_dutch_user_changes_the_password_from_the_user_menu(
    page, live_server, login, shot
):
    user = SalesUserFactory(username="anna", first_name="Anna", last_name="Visser")
    login(user)
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{reverse('home')}")

    bar = page.get_by_role("navigation", name="Hoofdnavigatie")
    bar.get_by_role("button", name="Anna Visser").click()
    shot("user-menu")
    bar.get_by_role("link", name="Wachtwoord wijzigen").click()

    expect(page).to_have_title("Wachtwoord wijzigen · CRM")
    field(page, "Oud wachtwoord").fill("secret-pass-123")
    field(page, "Nieuw wachtwoord").fill(NEW_PASSWORD)
    field(page, "Nieuw wachtwoord bevestigen").fill(NEW_PASSWORD)
    shot("change")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()

    expect(
        page.get_by_role("heading", name="Wachtwoord gewijzigd", level=1)
    ).to_be_visible()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_dutch_user_resets_a_forgotten_password_from_the_login_page(
    page, live_server, shot
):
    SalesUserFactory(username="anna", email="anna@example.com")
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{reverse('login')}")

    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page).to_have_title("Wachtwoord vergeten? · CRM")
    field(page, "E-mailadres").fill("anna@example.com")
    page.get_by_role("button", name="Link versturen").click()
    expect(page.get_by_role("heading", name="Controleer uw e-mail")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/reset/\S+", mail.outbox[-1].body)
    page.goto(link.group(0))
    expect(page).to_have_title("Nieuw wachtwoord instellen · CRM")
    field(page, "Nieuw wachtwoord").fill(NEW_PASSWORD)
    field(page, "Nieuw wachtwoord bevestigen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen").click()
    expect(page.get_by_role("heading", name="Wachtwoord ingesteld")).to_be_visible()
    shot("reset-complete")

    page.get_by_role("link", name="Aanmelden").click()
    field(page, "Gebruikersnaam").fill("anna")
    field(page, "Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
