import threading

import pytest
from playwright.sync_api import expect

from crm import contact_import
from crm.models import Contact
from jobs.models import Job
from jobs.tasks import run_job
from tests.e2e.conftest import field, menu
from tests.factories import AdminUserFactory, CompanyFactory, SalespersonFactory

pytestmark = pytest.mark.usefixtures("media_root")

CSV = (
    "no,type,name,company,salesperson,email,city\n"
    ",person,Sanne de Vries,CO1,JV,sanne@vandijk.example,Utrecht\n"
    ",person,Joost Bakker,CO404,JV,joost@example.com,Utrecht\n"
    "CO1,company,Van Dijk Installaties B.V.,,JV,info@vandijk.example,Amersfoort\n"
    ",person,Eva Jansen,CO1,,eva@vandijk.example,Utrecht\n"
)


def test_an_import_with_one_bad_row_previews_it_and_imports_the_rest(
    page, live_server, login, shot, marketing_setup
):
    SalespersonFactory(code="JV", name="Jan Visser")
    CompanyFactory(no="CO1", name="Van Dijk Installaties B.V.", city="Utrecht")
    login(AdminUserFactory(username="beheer"))

    menu(page, "Contacts")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
    field(page, "File").set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("status")).to_contain_text("2 to create")
    expect(page.get_by_role("status")).to_contain_text("1 to update")
    expect(page.get_by_role("status")).to_contain_text("1 rejected")
    bad_row = page.locator("table tbody tr", has_text="Joost Bakker")
    expect(bad_row).to_contain_text("Rejected")
    # Each column by its label, as the contact form names it.
    expect(bad_row).to_contain_text("Company: There is no contact with no. CO404.")
    update_row = page.locator("table tbody tr", has_text="CO1")
    expect(update_row).to_contain_text("City: Utrecht → Amersfoort")
    expect(page.locator("table tbody tr", has_text="Sanne de Vries")).to_contain_text(
        "CT00001 (next number)"
    )
    shot("preview")
    assert not Contact.objects.filter(name="Sanne de Vries").exists()

    page.get_by_role("button", name="Confirm import").click()

    # The job ran as the confirmation committed (the tests' immediate backend).
    expect(page.get_by_role("alert")).to_contain_text("The import has started.")
    expect(page.get_by_role("heading", name="Background jobs")).to_be_visible()
    job = page.locator("table tbody tr").first
    expect(job).to_contain_text("Contact import")
    expect(job).to_contain_text("Done")
    expect(job).to_contain_text(
        "Import finished: 2 created, 1 updated, 0 unchanged, 1 rejected."
    )
    with page.expect_download() as download:
        job.get_by_role("link", name="Rejected rows (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert report[1].startswith("3,company: There is no contact with no. CO404.")
    shot("job-done")

    menu(page, "Contacts")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Sanne de Vries")).to_contain_text("CT00001")
    expect(rows.filter(has_text="Eva Jansen")).to_contain_text("CT00002")
    expect(rows.filter(has_text="CO1")).to_contain_text("Amersfoort")
    expect(page.get_by_text("Joost Bakker")).to_have_count(0)
    shot("imported")


@pytest.fixture
def held_import(settings, monkeypatch):
    """The import job recorded but not run (a worker is the test's thread), and
    held after its fifth batch until the test lets it go on."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    held, go_on = threading.Event(), threading.Event()
    should_stop = contact_import.jobs.should_stop

    def hold_after_five_batches(job):
        job.refresh_from_db(fields=["progress_done"])
        if job.progress_done == 5000 and not go_on.is_set():
            held.set()
            go_on.wait(timeout=60)
        return should_stop(job)

    monkeypatch.setattr(contact_import.jobs, "should_stop", hold_after_five_batches)
    return held, go_on


def test_a_dutch_user_imports_20000_contacts_and_watches_the_progress(
    page, live_server, login, shot, marketing_setup, held_import
):
    held, go_on = held_import
    rows = "".join(
        f",person,Klant {n:05d} {'Oosterhuis' if n == 12345 else 'Jansen'},"
        f"klant{n}@example.nl,Utrecht\n"
        for n in range(1, 20001)
    )
    login(AdminUserFactory(username="beheer"))
    page.get_by_label("Language").select_option("nl")
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    navigation.get_by_role("link", name="Contacten", exact=True).click()
    page.get_by_role("link", name="Importeren").click()
    expect(page.get_by_role("heading", name="Contacten importeren")).to_be_visible()
    field(page, "Bestand").set_input_files(
        {
            "name": "klanten.csv",
            "mimeType": "text/csv",
            "buffer": ("no,type,name,email,city\n" + rows).encode(),
        }
    )
    page.get_by_role("button", name="Voorbeeld").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("20.000 te maken", timeout=120_000)
    expect(status).to_contain_text("0 geweigerd")
    expect(page.get_by_text("Het bestand heeft 20.000 rijen")).to_be_visible()
    shot("preview")
    page.get_by_role("button", name="Import bevestigen").click()

    expect(page.get_by_role("heading", name="Achtergrondtaken")).to_be_visible()
    job = Job.objects.get()
    worker = threading.Thread(target=run_job.call, args=(job.pk, 1))
    worker.start()
    try:
        row = page.locator(f"#job-{job.pk}")
        bar = row.get_by_role("progressbar")
        assert held.wait(timeout=120)
        expect(bar).to_have_attribute("value", "25")
        expect(row).to_contain_text("5.000 / 20.000")
        expect(row).to_contain_text("Bezig")
        shot("running")
        go_on.set()
        expect(bar).to_have_attribute("value", "100", timeout=180_000)
        expect(row).to_contain_text("Gereed")
        expect(row).to_contain_text("Import voltooid: 20.000 gemaakt")
        shot("done")
    finally:
        go_on.set()
        worker.join(timeout=180)
    assert Contact.objects.count() == 20000

    navigation.get_by_role("link", name="Contacten", exact=True).click()
    field(page, "Zoeken").fill("oosterh")
    page.get_by_role("button", name="Filteren").click()
    found = page.locator("table tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Klant 12345 Oosterhuis")
    expect(found).to_contain_text("CT12345")
    shot("found")


def test_a_large_file_s_preview_appears_when_its_job_is_done(
    page, live_server, login, shot, marketing_setup, settings, monkeypatch
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    monkeypatch.setattr("crm.views.imports.INLINE_PREVIEW_BYTES", 10)
    SalespersonFactory(code="JV", name="Jan Visser")
    CompanyFactory(no="CO1", name="Van Dijk Installaties B.V.", city="Utrecht")
    login(AdminUserFactory(username="beheer"))
    menu(page, "Contacts")
    page.get_by_role("link", name="Import").click()
    field(page, "File").set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("status")).to_contain_text("checked in the background")
    shot("checking")
    job = Job.objects.get()
    run_job.call(job.pk, 1)

    # The page asks again every 2 s and shows the preview once the job is done.
    expect(page.get_by_role("status")).to_contain_text("2 to create")
    expect(page.get_by_role("status")).to_contain_text("1 rejected")
    expect(page.locator("table tbody tr", has_text="Joost Bakker")).to_contain_text(
        "There is no contact with no. CO404."
    )
    shot("preview")
    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_role("heading", name="Background jobs")).to_be_visible()
    importing = Job.objects.get(kind="crm.import_contacts")
    run_job.call(importing.pk, 1)
    assert set(Contact.objects.values_list("name", flat=True)) == {
        "Van Dijk Installaties B.V.",
        "Sanne de Vries",
        "Eva Jansen",
    }
