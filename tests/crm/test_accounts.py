"""The password pages (crm.accounts and Django's): the CRM's own look and words, in
Dutch, reached from the top bar's user menu and the login page. Their limits are
tested in tests/test_security.py."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from crm import accounts
from tests.factories import SalesUserFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-New-pass-987"


def dutch(client, url, data=None, **kwargs):
    """The page at `url` as a Dutch browser gets it (a POST with `data`)."""
    if data is None:
        return client.get(url, HTTP_ACCEPT_LANGUAGE="nl", **kwargs)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="nl", **kwargs)


def title(response):
    return re.search(r"<title>(.*?) ·", response.content.decode()).group(1)


def heading(response):
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode()).group(1)


def crm_page(response):
    """Whether the page is one of the CRM's (base.html), not the admin's."""
    names = [template.name for template in response.templates]
    return "base.html" in names and not any(name.startswith("admin/") for name in names)


def test_the_password_change_pages_are_the_crms_in_dutch(sales_client):
    page = dutch(sales_client, reverse("password_change"))

    assert crm_page(page)
    assert (title(page), heading(page)) == (
        "Wachtwoord wijzigen",
        "Wachtwoord wijzigen",
    )
    html = page.content.decode()
    assert "Oud wachtwoord" in html
    # No admin breadcrumb leading a sales user to a page he may not open.
    assert "/admin/" not in html

    done = dutch(
        sales_client,
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert done.redirect_chain == [(reverse("password_change_done"), 302)]
    assert crm_page(done)
    assert (title(done), heading(done)) == (
        "Wachtwoord gewijzigd",
        "Wachtwoord gewijzigd",
    )


def test_the_user_menu_offers_to_change_the_password(sales_client):
    html = dutch(sales_client, reverse("home")).content.decode()

    assert (
        f'<a class="dropdown-item" href="{reverse("password_change")}">'
        "Wachtwoord wijzigen</a>"
    ) in html


def test_the_user_menu_leads_to_the_users_own_tasks_and_calendar(sales_client, client):
    html = dutch(sales_client, reverse("home")).content.decode()
    menu = html[html.index('class="dropdown-menu dropdown-menu-end"') :]

    assert [
        f'<a class="dropdown-item" href="{reverse("tasks:my_tasks")}">Mijn taken</a>',
        f'<a class="dropdown-item" href="{reverse("tasks:calendar_settings")}">'
        "Agenda-abonnement</a>",
    ] == re.findall(r'<a class="dropdown-item" href="/tasks/[^"]*">[^<]*</a>', menu)
    # A user who may not see tasks is not shown the way to them.
    client.force_login(UserFactory())
    html = dutch(client, reverse("home")).content.decode()
    menu = html[html.index('class="dropdown-menu dropdown-menu-end"') :]
    assert reverse("tasks:my_tasks") not in menu
    assert reverse("password_change") in menu


def test_the_login_page_offers_a_forgotten_password(client):
    html = dutch(client, reverse("login")).content.decode()

    assert f'<a href="{reverse("password_reset")}">Wachtwoord vergeten?</a>' in html


def test_a_forgotten_password_is_reset_on_the_crms_pages_in_dutch(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = SalesUserFactory(username="anna", email="anna@example.com")

    form = dutch(client, reverse("password_reset"))
    sent = dutch(
        client, reverse("password_reset"), {"email": "anna@example.com"}, follow=True
    )
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)
    confirm = dutch(client, link.group(1), follow=True)
    complete = dutch(
        client,
        confirm.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    used_again = dutch(client, link.group(1), follow=True)

    pages = [form, sent, confirm, complete, used_again]
    assert all(crm_page(page) for page in pages)
    assert [title(page) for page in pages] == [
        "Wachtwoord vergeten?",
        "Controleer uw e-mail",
        "Nieuw wachtwoord instellen",
        "Wachtwoord ingesteld",
        "Deze link is niet meer geldig",
    ]
    assert "Wachtwoord hersteld" not in form.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def ask_for_a_reset(client, language, email):
    client.post(
        reverse("password_reset"), {"email": email}, HTTP_ACCEPT_LANGUAGE=language
    )
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/reset/\S+", message.body).group()
    return message, link


def test_the_reset_mail_is_the_crms_own_in_dutch_when_asked_in_dutch(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
    SalesUserFactory(
        username="anna",
        first_name="Anna",
        last_name="D'Hondt",
        email="anna@example.com",
    )

    message, link = ask_for_a_reset(client, "nl", "anna@example.com")

    assert message.subject == "Nieuw wachtwoord instellen voor het CRM"
    assert message.body == (
        "Beste Anna D'Hondt,\n"
        "\n"
        "Er is een nieuw wachtwoord aangevraagd voor uw account in het CRM "
        "(gebruikersnaam anna). Open deze link om er een te kiezen:\n"
        "\n"
        f"{link}\n"
        "\n"
        "De link is 3 dagen geldig en werkt één keer.\n"
        "\n"
        "Heeft u dit niet aangevraagd? Dan kunt u deze e-mail negeren: er verandert "
        "niets en uw wachtwoord blijft zoals het is.\n"
    )
    # Not Django's own text, which names the server's domain as the "site".
    assert "testserver" not in message.body.replace(link, "")


def test_the_reset_mail_is_english_when_asked_in_english(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
    SalesUserFactory(username="piet", first_name="", email="piet@example.com")

    message, link = ask_for_a_reset(client, "en", "piet@example.com")

    assert message.subject == "Set a new password for the CRM"
    assert message.body == (
        "Dear piet,\n"
        "\n"
        "Someone asked for a new password for your account in the CRM (user name "
        "piet). Open this link to choose one:\n"
        "\n"
        f"{link}\n"
        "\n"
        "The link is valid for 2 hours and works once.\n"
        "\n"
        "Did you not ask for this? Then ignore this e-mail: nothing changes, your "
        "password stays as it is.\n"
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (3 * 24 * 60 * 60, "3 days"),
        (24 * 60 * 60, "1 day"),
        (36 * 60 * 60, "36 hours"),
        (90 * 60, "1 hour"),
        (10 * 60, "1 hour"),
    ],
)
def test_a_links_lifetime_reads_in_days_or_hours(seconds, words):
    assert accounts.lifetime(seconds) == words


def test_the_admins_password_change_is_the_crms(admin_client):
    response = admin_client.get("/admin/password_change/")

    assert (response.status_code, response.url) == (302, reverse("password_change"))
