import re
import threading

import pytest
from playwright.sync_api import expect

from jobs import registry, services
from jobs.tasks import run_job
from tests.e2e.conftest import menu
from tests.factories import SalesUserFactory
from tests.jobs import operations


@pytest.fixture
def count_kind(settings):
    """A job kind that counts in batches, one batch each time the test says so; the
    job is recorded by start_job and run by the test itself, as a worker would."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    registry.register("test.count", "tests.jobs.operations.count", label="Count")
    operations.PAUSES["e2e"] = operations.Gate()
    yield operations.PAUSES["e2e"]
    registry.unregister("test.count")
    del operations.PAUSES["e2e"]


def test_a_job_s_progress_bar_reaches_100_and_a_toast_says_it_is_done(
    page, live_server, login, shot, count_kind
):
    anna = SalesUserFactory(username="anna")
    job = services.start_job(
        "test.count", user=anna, params={"to": 40, "batch": 10, "pause": "e2e"}
    )
    worker = threading.Thread(target=run_job.call, args=(job.pk, 1))
    worker.start()
    login(anna)

    menu(page, "Background jobs")
    expect(page.get_by_role("heading", name="Background jobs")).to_be_visible()
    row = page.locator(f"#job-{job.pk}")
    bar = row.get_by_role("progressbar")
    expect(row).to_contain_text("Running")
    expect(bar).to_have_attribute("value", "0")

    count_kind.release()
    expect(bar).to_have_attribute("value", "25")
    expect(row).to_contain_text("10 / 40")
    shot("running")

    count_kind.release(3)
    expect(bar).to_have_attribute("value", "100")
    expect(row).to_contain_text("Done")
    expect(row.get_by_role("link", name="Counted to 40")).to_be_visible()
    toast = page.get_by_role("status").filter(has_text="Count is done.")
    expect(toast).to_be_visible()
    shot("done")
    worker.join(timeout=10)

    # The toast is said once: the next page has none.
    page.get_by_role("link", name=re.compile("^Refresh$")).click()
    expect(page.locator(f"#job-{job.pk}")).to_contain_text("Done")
    expect(page.locator(".toast")).to_have_count(0)
