"""A Dutch user exports the filtered entry list from the Export menu, with and
without JavaScript, and opens the files as Excel would."""

import csv
import datetime
import io
import threading
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from jobs.models import Job
from jobs.tasks import run_job
from tests.e2e.conftest import choose
from tests.factories import (
    InteractionLogEntryFactory,
    PersonFactory,
    SalesUserFactory,
)


def entries():
    anne = PersonFactory(no="CT00042", name="Anne Jansen", company=None)
    for day, cost in ((1, "12.50"), (2, "1250.00")):
        InteractionLogEntryFactory(
            contact=anne,
            date=datetime.date(2026, 11, day),
            cost=Decimal(cost),
            information_flow="outbound",
        )
    InteractionLogEntryFactory(contact=PersonFactory(name="Someone else"))


def in_dutch(page, live_server):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )


def test_a_dutch_user_exports_the_filtered_entries_to_excel(
    page, live_server, login, shot
):
    entries()
    login(SalesUserFactory(username="anna"))
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{reverse('interactions:entry_list')}")
    choose(page, "Contact", "anne jan", "CT00042 Anne Jansen")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("table tbody tr")).to_have_count(2)

    page.get_by_text("Exporteren", exact=True).click()
    expect(page.get_by_role("link", name="CSV (codes, UTF-8)")).to_be_visible()
    shot("export-menu")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()

    assert download.value.suggested_filename == (
        f"interactielogposten-{timezone.localdate():%Y-%m-%d}.xlsx"
    )
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:5] == ("Volgnr.", "Datum", "Tijd", "Contactnr.", "Contactnaam")
    assert [(row[3], row[10], row[15]) for row in rows] == [
        ("CT00042", "Uitgaand", 1250),
        ("CT00042", "Uitgaand", 12.5),
    ]
    # Escape closes the menu again.
    page.get_by_text("Exporteren", exact=True).click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Excel (.xlsx)")).to_be_hidden()


def test_without_javascript_the_menu_opens_and_the_csv_is_dutch(
    new_context, live_server, marketing_setup
):
    entries()
    user = SalesUserFactory(username="anna")
    context = new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{reverse('interactions:entry_list')}?contact=CT00042")

    page.get_by_text("Exporteren", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()

    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(text[1:]), delimiter=";")
    assert header[15] == "Kosten"
    assert [row[15] for row in rows] == ["1250,00", "12,50"]
    context.close()


def test_a_dutch_user_s_large_export_is_made_on_achtergrondtaken(
    page, live_server, login, shot, settings
):
    """Over EXPORT_JOB_THRESHOLD (lowered) the export becomes a job: the page goes to
    Achtergrondtaken, the progress bar reaches 100 % and the file is downloaded."""
    settings.EXPORT_JOB_THRESHOLD = 3
    # The job waits, as for a worker, until the test runs it (below).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    anne = PersonFactory(no="CT00042", name="Anne Jansen", company=None)
    for day in range(1, 6):
        InteractionLogEntryFactory(
            contact=anne, date=datetime.date(2026, 11, day), cost=Decimal("12.50")
        )
    InteractionLogEntryFactory(contact=PersonFactory(name="Someone else"))
    login(SalesUserFactory(username="anna"))
    in_dutch(page, live_server)
    page.goto(f"{live_server.url}{reverse('interactions:entry_list')}")
    choose(page, "Contact", "anne jan", "CT00042 Anne Jansen")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("table tbody tr")).to_have_count(5)

    page.get_by_text("Exporteren", exact=True).click()
    page.get_by_role("link", name="CSV", exact=True).click()

    expect(page.get_by_role("heading", name="Achtergrondtaken")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "5 rijen zijn te veel om in één keer te downloaden"
    )
    job = Job.objects.get()
    row = page.locator(f"#job-{job.pk}")
    expect(row).to_contain_text("Exporteren")
    worker = threading.Thread(target=run_job.call, args=(job.pk, job.attempt))
    worker.start()
    worker.join(timeout=30)

    expect(row.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(row).to_contain_text("100 % · 5 / 5")
    expect(row).to_contain_text("Gereed")
    expect(row).to_contain_text("Interactielogposten")
    shot("export-job-done")
    name = f"interactielogposten-{timezone.localdate():%Y-%m-%d}.csv"
    with page.expect_download() as download:
        row.get_by_role("link", name=name).click()

    assert download.value.suggested_filename == name
    text = download.value.path().read_text(encoding="utf-8")
    header, *rows = csv.reader(io.StringIO(text[1:]), delimiter=";")
    assert header[15] == "Kosten"
    assert [row[3] for row in rows] == ["CT00042"] * 5
