"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest

# pytest-playwright's sync API runs an event loop in this thread; Django's ORM calls from
# the test body are still synchronous and safe here.
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


@pytest.fixture
def shot(page, request):
    """Save a screenshot of what the user sees now: test-artifacts/<test>-<n>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    counter = iter(range(1, 1000))
    test_name = re.sub(r"[^\w]+", "_", request.node.name)

    def take(name):
        page.screenshot(
            path=ARTIFACTS / f"{test_name}-{next(counter):02d}-{name}.png", full_page=True
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
