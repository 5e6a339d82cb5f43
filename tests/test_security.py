"""Web security: CSRF, login rate limiting (django-axes) and the security headers."""

import ipaddress
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from crm.models import Contact, ThrottleEvent
from interactions.models import InteractionGroup
from tests.factories import SalesUserFactory, UserFactory
from web.middleware import client_ip

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CRM_APPS = ("audit", "crm", "interactions", "segments")
PASSWORD = "secret-pass-123"
LOCKED_OUT = (
    "Too many failed login attempts. Logging in as this user is blocked for 15 "
    "minutes after the last failed attempt."
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    """A logged-in superuser whose browser sends no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


# CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("crm:contact_create", []),
        ("crm:contact_delete", [1]),
        ("interactions:entry_bulk", []),
        ("segments:segment_log", ["SG00001"]),
        ("segments:criteria_add", ["SG00001"]),
        ("logout", []),
        ("set_language", []),
        ("admin:crm_contact_add", []),
    ],
)
def test_a_post_without_the_csrf_token_is_refused(csrf_client, name, args):
    response = csrf_client.post(
        reverse(name, args=args), {"type": "company", "name": "Acme B.V."}
    )

    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_same_post_with_the_csrf_token_goes_through(csrf_client, marketing_setup):
    form = csrf_client.get(reverse("crm:contact_create"))

    response = csrf_client.post(
        reverse("crm:contact_create"),
        {
            "type": "company",
            "name": "Acme B.V.",
            "csrfmiddlewaretoken": str(form.context["csrf_token"]),
        },
    )

    assert response.status_code == 302
    assert Contact.objects.get().name == "Acme B.V."


def test_an_api_post_with_the_session_needs_the_csrf_token(csrf_client):
    response = csrf_client.post(reverse("api:document_create"), {})

    assert response.status_code == 403
    assert "CSRF Failed" in response.json()["detail"]


def test_an_api_post_with_a_token_needs_no_csrf_token():
    # A token is sent by the integration itself, never by a browser on its own.
    token = Token.objects.create(user=SalesUserFactory())
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("api:document_create"),
        {},
        content_type="application/json",  # the API reads JSON bodies only
        headers={"authorization": f"Token {token}"},
    )

    assert response.status_code == 400


# Login rate limiting -----------------------------------------------------------------


def log_in(client, username, password, url="login", address="10.0.0.1", **headers):
    return client.post(
        reverse(url),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail(client, username, times, **kwargs):
    for _ in range(times):
        response = log_in(client, username, "wrong-password", **kwargs)
        assert response.status_code == 200, "locked out too early"


def test_five_failed_logins_lock_the_user_out_with_a_message(client):
    SalesUserFactory(username="anna")
    fail(client, "anna", 4)

    fifth = log_in(client, "anna", "wrong-password")
    right_password = log_in(client, "anna", PASSWORD)

    assert fifth.status_code == 429
    assert LOCKED_OUT in " ".join(fifth.content.decode().split())
    assert right_password.status_code == 429
    assert LOCKED_OUT in " ".join(right_password.content.decode().split())
    assert "_auth_user_id" not in client.session
    # The login page itself, so the user can try again later.
    assert 'name="password"' in right_password.content.decode()


def test_the_lockout_message_is_translated(client):
    SalesUserFactory(username="anna")
    fail(client, "anna", 4)

    response = log_in(client, "anna", "wrong-password", accept_language="nl")

    assert response.status_code == 429
    assert "Te veel mislukte aanmeldpogingen." in response.content.decode()


def test_the_admin_login_is_locked_out_with_the_same_message(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    fail(client, "root", 4, url="admin:login")

    fifth = log_in(client, "root", "wrong-password", url="admin:login")
    right_password = log_in(client, "root", PASSWORD, url="admin:login")

    assert fifth.status_code == 429
    assert LOCKED_OUT in " ".join(fifth.content.decode().split())
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failures(client):
    SalesUserFactory(username="anna")
    fail(client, "anna", 4)

    assert log_in(client, "anna", PASSWORD).status_code == 302
    client.logout()

    fail(client, "anna", 4)
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_the_lockout_is_for_the_user_name_from_that_address(client):
    SalesUserFactory(username="anna")
    SalesUserFactory(username="ben")
    fail(client, "anna", 5 - 1)
    assert log_in(client, "anna", "wrong-password").status_code == 429

    assert log_in(client, "ben", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "anna", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    SalesUserFactory(username="anna")
    fail(client, "anna", 4)
    assert log_in(client, "anna", "wrong-password").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14)
    )
    assert log_in(client, "anna", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=2)
    )
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_the_failure_limit_is_a_setting(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    SalesUserFactory(username="anna")
    fail(client, "anna", 1)

    assert log_in(client, "anna", "wrong-password").status_code == 429


def test_api_tokens_work_while_the_password_login_is_locked_out(client):
    user = SalesUserFactory(username="anna")
    token = Token.objects.create(user=user)
    fail(client, "anna", 4)
    assert log_in(client, "anna", "wrong-password").status_code == 429

    response = Client().get(
        reverse("api:contact_list"), headers={"authorization": f"Token {token}"}
    )

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_user_name_too_long_to_store_is_a_failed_login(client, url):
    # Django's login forms do not limit the user name; PostgreSQL refused to store
    # the failure of a longer one than axes' table holds.
    response = log_in(client, "a" * 300, "wrong-password", url=url)

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0].startswith("Please enter ")
    assert AccessAttempt.objects.get().username == "a" * 255


def test_no_password_is_stored_with_the_failures(client):
    SalesUserFactory(username="anna")
    fail(client, "anna", 1)

    attempt = AccessAttempt.objects.get()
    assert attempt.username == "anna"
    assert "wrong-password" not in attempt.post_data


@pytest.fixture
def behind_proxies(settings):
    """Trusted: this machine's nginx and the load balancers' network."""
    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # Straight from the client: the header is the client's own words.
        ("192.0.2.7", "6.6.6.6", "192.0.2.7"),
        ("192.0.2.7", "", "192.0.2.7"),
        # Through nginx: the address nginx added.
        ("127.0.0.1", "192.0.2.7", "192.0.2.7"),
        # A forged hop in front of the real one is not believed.
        ("127.0.0.1", "6.6.6.6, 192.0.2.7", "192.0.2.7"),
        # Load balancer, then nginx: the right-most hop that is no proxy of ours.
        ("127.0.0.1", "6.6.6.6, 192.0.2.7, 10.1.2.3", "192.0.2.7"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Only proxies in the header, or none: the proxy nearest the client.
        ("127.0.0.1", "10.1.2.3", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        # Junk where an address belongs: not believed.
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_is_the_right_most_address_no_trusted_proxy_wrote(
    rf, behind_proxies, peer, forwarded_for, client
):
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == client


def test_without_trusted_proxies_the_header_is_never_believed(rf, settings):
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_ip(request) == "127.0.0.1"


def test_a_forged_header_cannot_escape_the_login_lockout(client, behind_proxies):
    """Finding 5: with the header believed from anyone, a new made-up address per
    attempt escaped the lockout."""
    SalesUserFactory(username="anna")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            client,
            "anna",
            "wrong-password",
            address="192.0.2.7",
            x_forwarded_for=f"6.6.6.{attempt}",
        )

    response = log_in(
        client,
        "anna",
        "secret-pass-123",
        address="192.0.2.7",
        x_forwarded_for="6.6.6.99",
    )

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert AccessAttempt.objects.get().ip_address == "192.0.2.7"


# Request bodies -----------------------------------------------------------------------


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client, settings):
    """Finding 4: an anonymous 300 MB POST was read in full by gunicorn's worker."""
    settings.MAX_REQUEST_BODY = 1024

    response = client.post(
        reverse("login"),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(300 * 2**20),
    )

    assert response.status_code == 413
    assert response.text == "The request is too large: at most 1.0\xa0KB can be sent."


def test_a_body_within_the_limit_is_served(client, settings):
    settings.MAX_REQUEST_BODY = 1024
    SalesUserFactory(username="anna")

    response = log_in(client, "anna", "secret-pass-123")

    assert response.status_code == 302


# Caching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/contacts/", "/interactions/", "/api/v1/contacts/", "/accounts/login/"],
)
def test_pages_and_api_answers_are_never_stored(client, url):
    """Finding 13: pages with personal data carried no Cache-Control."""
    client.force_login(SalesUserFactory(username="anna"))

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_static_files_keep_their_long_cache(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_MAX_AGE = 3600

    response = client.get("/static/css/crm.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"


# Security headers --------------------------------------------------------------------

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_pages_send_the_security_headers(sales_client):
    response = sales_client.get(reverse("home"))

    assert response["Content-Security-Policy"] == SITE_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/no-such-page/", "/admin/login/", "/api/v1/contacts/"]
)
def test_login_error_admin_and_api_responses_send_the_site_policy(client, url):
    assert client.get(url)["Content-Security-Policy"] == SITE_POLICY


def test_only_the_api_docs_may_run_inline_script(sales_client):
    # drf-spectacular's Swagger UI page starts itself with an inline script and style.
    response = sales_client.get(reverse("api:docs"))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def _htmx_config(html):
    found = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    return json.loads(found.group(1))


def test_htmx_is_told_not_to_inject_styles_or_run_inline_code(sales_client):
    config = _htmx_config(sales_client.get(reverse("home")).content.decode())

    assert (
        config["includeIndicatorStyles"],
        config["allowEval"],
        config["allowScriptTags"],
    ) == (False, False, False)


def test_htmx_swaps_a_form_with_errors_in_and_nothing_else_of_4xx_or_5xx(
    sales_client,
):
    # A 400 is the page with its form's errors (web.views.BadInputMixin): htmx
    # shows it as it shows a 200. Other errors leave the page as it was.
    rules = _htmx_config(sales_client.get(reverse("home")).content.decode())[
        "responseHandling"
    ]

    def swapped(status):
        for rule in rules:
            if re.fullmatch(rule["code"], str(status)):
                return rule["swap"]
        return False

    assert [swapped(status) for status in (200, 302, 400, 204, 403, 404, 500)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I
)


# Files the app writes, never pages it serves: the data-subject export's summary is
# opened from its zip, where no CSP applies and no stylesheet lies beside it.
NOT_SERVED = {"privacy/export_summary.html"}


@pytest.mark.parametrize(
    "template",
    sorted(
        name
        for name in (
            str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
        )
        if name not in NOT_SERVED
    ),
)
def test_templates_have_no_inline_script_style_or_event_handler(template):
    # The CSP blocks them: they would silently stop working in the browser.
    assert INLINE_CODE.findall((TEMPLATES / template).read_text()) == []


@pytest.fixture
def no_action_bars(monkeypatch):
    """The interaction group list in the admin without its action bars."""
    group_admin = admin.site.get_model_admin(InteractionGroup)
    monkeypatch.setattr(group_admin, "actions_on_top", False)
    monkeypatch.setattr(group_admin, "actions_on_bottom", False)
    return reverse("admin:interactions_interactiongroup_changelist")


def test_an_admin_list_without_action_bars_takes_its_style_from_a_file(
    admin_client, no_action_bars
):
    # Django's change list would set a column width in an inline style element.
    html = admin_client.get(no_action_bars).content.decode()

    assert INLINE_CODE.findall(html) == []
    assert '<link rel="stylesheet" href="/static/css/admin-changelist.css">' in html


def test_an_admin_list_with_action_bars_needs_no_extra_style(admin_client):
    html = admin_client.get(
        reverse("admin:interactions_interactiongroup_changelist")
    ).content.decode()

    assert 'id="changelist-form"' in html
    assert "admin-changelist.css" not in html


@pytest.mark.parametrize("page", ["changelist", "add"])
@pytest.mark.parametrize(
    "model",
    [model for model in admin.site._registry if model._meta.app_label in CRM_APPS],
    ids=lambda model: model._meta.label,
)
def test_the_crm_admin_pages_have_no_inline_script_or_style(admin_client, model, page):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")

    response = admin_client.get(url, follow=True)

    assert response.status_code in (200, 403)
    assert INLINE_CODE.findall(response.content.decode()) == []


# Sessions ----------------------------------------------------------------------------


def test_a_login_lasts_eight_hours_by_default(client):
    SalesUserFactory(username="anna")

    log_in(client, "anna", PASSWORD)

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert client.cookies["sessionid"]["max-age"] == 8 * 60 * 60


# Dates out of range ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?date_to=0001-01-01", 400),
        ("/?date_from=9999-12-31", 400),
        ("/setup/audit-trail/?date_to=9999-12-31", 200),
        ("/setup/audit-trail/?date_from=0001-01-01", 200),
        ("/interactions/?date_from=0001-01-01", 200),
        ("/segments/?date_to=9999-12-31", 200),
    ],
)
def test_a_date_out_of_range_is_a_form_error_not_a_500(admin_client, url, status):
    """Finding 7: the start page and the audit trail overflowed Python's dates."""
    response = admin_client.get(url)

    assert response.status_code == status
    assert "Enter a date between 01/01/1900 and 12/31/9998." in response.text


# Password reset and change (finding 10) -----------------------------------------------

RESET = "/accounts/password_reset/"
RESET_DONE = "/accounts/password_reset/done/"


def ask_reset(client, email, address="192.0.2.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_an_address_three_times_an_hour(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SalesUserFactory(username="anna", email="anna@example.com")

    answers = [ask_reset(client, "Anna@Example.com ") for _ in range(5)]

    assert [answer.status_code for answer in answers] == [302] * 5
    assert {answer.url for answer in answers} == {RESET_DONE}
    assert len(mail.outbox) == 3


def test_password_reset_answers_alike_for_unknown_and_throttled_addresses(
    client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    answer = ask_reset(client, "nobody@example.com")

    assert (answer.status_code, answer.url) == (302, RESET_DONE)
    assert mail.outbox == []


def test_password_reset_stops_a_client_after_ten_requests_an_hour(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for number in range(10):
        assert ask_reset(client, f"user{number}@example.com").status_code == 302

    eleventh = ask_reset(client, "someone@example.com")
    other_client = ask_reset(client, "someone@example.com", address="192.0.2.8")

    assert eleventh.status_code == 429
    assert "Too many password reset requests" in eleventh.text
    assert other_client.status_code == 302


def test_password_reset_keeps_no_address_in_clear(client):
    ask_reset(client, "anna@example.com")

    keys = list(ThrottleEvent.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("anna" in key or "192.0.2.7" in key for key in keys)


def test_wrong_current_passwords_lock_the_password_change_like_a_login(client):
    user = SalesUserFactory(username="anna")
    client.force_login(user)
    change = "/accounts/password_change/"
    wrong = {
        "old_password": "not-it",
        "new_password1": "a-New-pass-987",
        "new_password2": "a-New-pass-987",
    }
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(change, wrong).status_code == 400

    right = {**wrong, "old_password": "secret-pass-123"}
    locked = client.post(change, right)

    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.text
    user.refresh_from_db()
    assert user.check_password("secret-pass-123")


def test_the_right_current_password_changes_it(client):
    user = SalesUserFactory(username="anna")
    client.force_login(user)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "secret-pass-123",
            "new_password1": "a-New-pass-987",
            "new_password2": "a-New-pass-987",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-New-pass-987")
