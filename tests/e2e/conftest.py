"""Browser tests: Playwright drives Debian's Chromium against the live server."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

# pytest-playwright's sync API runs an event loop in this thread; the ORM calls
# of the test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        # Chromium's own controls (a date field's dd-mm-jjjj, "Bestand kiezen") in
        # Dutch, as on a Dutch user's desktop; Debian's chromium-l10n has the words.
        "env": {**os.environ, "LANGUAGE": "nl"},
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The pages start in English (the Accept-Language the browser sends); a test
    # switches to Dutch with the language menu, as a user does.
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture
def new_context(browser, browser_context_args):
    """Another browser context with the suite's settings (the language pages start
    in), changed by `options`: one without JavaScript, say."""
    contexts = []

    def make(**options):
        contexts.append(browser.new_context(**{**browser_context_args, **options}))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    # Local pages answer in milliseconds; fail fast instead of waiting 30 s.
    page.set_default_timeout(10_000)


@pytest.fixture
def shot(page, request):
    """Save what the user sees now as test-artifacts/<test>-<n>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    counter = iter(range(1, 1000))
    test_name = re.sub(r"[^\w]+", "_", request.node.name)

    def take(name):
        page.screenshot(
            path=ARTIFACTS / f"{test_name}-{next(counter):02d}-{name}.png",
            full_page=True,
        )

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the login form as a person would."""

    def log_in(user, password="secret-pass-123"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    return log_in


def field(page, label):
    """The form control labelled exactly `label` (crispy marks required ones with *)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def menu(page, *names):
    """Click through the main navigation: `menu(page, "Setup", "Number series")`."""
    navigation = page.get_by_role("navigation", name="Main navigation")
    for name in names[:-1]:
        navigation.get_by_role("button", name=name).click()
    navigation.get_by_role("link", name=names[-1], exact=True).click()


def htmx_settled(page):
    """Wait until htmx has swapped in and wired up new content (its listeners)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def choose(scope, label, typed, option=None):
    """Choose in a lookup field (web.lookups) as a person does: type part of a
    name or number, wait for the matches, go to the row that reads `option` (by
    default the typed text) with the arrow keys and press Enter."""
    page = getattr(scope, "page", scope)
    box = field(scope, label)
    # Until lookup.js has run, the label names the plain input, which searches
    # nothing; Tom Select then points the label at its search box.
    expect(box).to_have_attribute("id", re.compile(r"-ts-control$"))
    # The box around the search input: with a row chosen, the input waits hidden
    # until the box is clicked. A box that already has the focus (autofocus) is
    # typed into at once: a click on an open lookup closes it, as Tom Select does.
    if not box.evaluate("input => input === document.activeElement"):
        box.locator("xpath=..").click()
    # Focusing the box asks for the first matches; typed while that answer is on
    # its way, Tom Select can drop the search of what was typed. So wait until it
    # is answered: Tom Select counts a search as loading from the focus itself
    # (before its throttle sends it) until its answer is in. A wait for a quiet
    # network could end before the throttled search was sent.
    page.wait_for_function(
        """control => {
            const id = control.id.replace(/-ts-control$/, "");
            return document.getElementById(id).tomselect.loading === 0;
        }""",
        arg=box.element_handle(),
    )

    def answers_typed(response):
        query = parse_qs(urlsplit(response.url).query)
        return "/lookup/" in response.url and query.get("q") == [typed]

    with page.expect_response(answers_typed):
        page.keyboard.type(typed)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    pattern = re.compile(re.escape(option or typed), re.IGNORECASE)
    wanted = listbox.get_by_role("option", name=pattern).first
    expect(wanted).to_be_visible()
    for _step in range(20):
        if "active" in (wanted.get_attribute("class") or "").split():
            break
        page.keyboard.press("ArrowDown")
    expect(wanted).to_have_class(re.compile(r"\bactive\b"))
    page.keyboard.press("Enter")
    # A choice can swap in new fields (a template's values): htmx has sent that
    # request by the time Enter returns; the next step must find the new fields.
    htmx_settled(page)


def clear(scope, label):
    """Empty a lookup field from the keyboard: Backspace removes the choice."""
    field(scope, label).locator("xpath=..").click()
    getattr(scope, "page", scope).keyboard.press("Backspace")
    expect(chosen(scope, label)).to_have_count(0)


def chosen(scope, label):
    """The row a lookup field shows as chosen, its number and name."""
    return field(scope, label).locator("xpath=..").locator(".item")


def answer(questions, *, accept):
    """A handler for the browser's next question (`page.once("dialog", …)`): notes
    its text in `questions`, then answers OK (`accept`) or Cancel."""

    def reply(dialog):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    return reply
