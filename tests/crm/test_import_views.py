"""The contact import page, its admin twin, and the export of the contact list."""

import io
import os
import stat
import time

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from crm.imports import ContactResource
from crm.models import Contact, NumberSeries
from crm.views import PENDING_IMPORT
from jobs.models import Job
from tests.crm.test_import import with_declared_dimension, workbook_bytes
from tests.exports import body, code_rows, csv_rows, download, filename, workbook
from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

IMPORT = reverse("crm:contact_import")
CONFIRM = reverse("crm:contact_import_confirm")
EXPORT = reverse("crm:contact_export", args=["codes.csv"])
EXPORT_XLSX = reverse("crm:contact_export", args=["xlsx"])
EXPORT_CSV = reverse("crm:contact_export", args=["csv"])

GOOD_AND_BAD = (
    "no,type,name,company,email\n"
    ",company,Globex,,info@globex.example\n"
    ",person,Bad Bob,CO404,\n"
    ",person,Ann,,ann@example.com\n"
)


def upload(client, content, name="contacts.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def confirm(crm_admin_client, django_capture_on_commit_callbacks):
    """Confirm the waiting import; its job runs as the request's transaction
    commits, as a worker would run it."""

    def post(token, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return crm_admin_client.post(CONFIRM, {"token": token, **data})

    return post


def waiting_files(tmp_path):
    folder = tmp_path / "django-import-export"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_sales_users_may_not_import(sales_client):
    assert sales_client.get(IMPORT).status_code == 403
    assert upload(sales_client, GOOD_AND_BAD).status_code == 403
    assert sales_client.post(CONFIRM, {"token": "x"}).status_code == 403


def test_the_contact_list_links_to_the_import_for_crm_admins_only(
    sales_client, client, admin_user_crm
):
    assert IMPORT not in sales_client.get(reverse("crm:contact_list")).text
    client.force_login(admin_user_crm)
    assert IMPORT in client.get(reverse("crm:contact_list")).text


def test_the_import_page_names_the_columns(crm_admin_client):
    response = crm_admin_client.get(IMPORT)

    assert response.status_code == 200
    assert "no, type, name, company, salesperson, email" in response.text


def test_preview_shows_every_row_and_writes_nothing(
    crm_admin_client, marketing_setup, tmp_path
):
    before = list(NumberSeries.objects.values_list())

    response = upload(crm_admin_client, GOOD_AND_BAD)

    assert response.status_code == 200
    rows = [
        (row.line, row.outcome, row.no, row.name, row.errors)
        for row in response.context["report"].rows
    ]
    assert rows == [
        (2, "new", "CT00001", "Globex", []),
        (
            3,
            "rejected",
            "",
            "Bad Bob",
            [("company", "There is no contact with no. CO404.")],
        ),
        (4, "new", "CT00002", "Ann", []),
    ]
    assert "There is no contact with no. CO404." in response.text
    assert "Confirm import" in response.text
    assert not Contact.objects.exists()
    assert list(NumberSeries.objects.values_list()) == before
    # The file waits for the confirmation under a generated name only the session has.
    (name,) = waiting_files(tmp_path)
    assert crm_admin_client.session[PENDING_IMPORT] == {
        "name": name,
        "format": "csv",
        "file_name": "contacts.csv",
        "rows": 3,
    }
    assert response.context["token"] == name


def test_confirm_imports_the_valid_rows_as_a_job_and_shows_its_progress(
    crm_admin_client, marketing_setup, tmp_path, confirm
):
    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]

    response = confirm(token)

    assert response.status_code == 302
    assert response.url == reverse("jobs:list")
    assert message_texts(response) == [
        "The import has started. Its progress is shown here; the rejected rows can "
        "be downloaded when it is done."
    ]
    job = Job.objects.get()
    assert (job.kind, job.status, job.created_by.username) == (
        "crm.import_contacts",
        "done",
        "crmadmin",
    )
    assert job.message == (
        "Import finished: 2 created, 0 updated, 0 unchanged, 1 rejected."
    )
    assert (job.progress_done, job.progress_total) == (3, 3)
    jobs_page = crm_admin_client.get(response.url)
    assert "Import finished: 2 created" in jobs_page.text
    assert f"/jobs/{job.pk}/download/" in jobs_page.text
    report = crm_admin_client.get(f"/jobs/{job.pk}/download/")
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines() == [
        "row,errors,no,type,name,company,email",
        "3,company: There is no contact with no. CO404.,,person,Bad Bob,CO404,",
    ]
    assert list(Contact.objects.values_list("no", "name")) == [
        ("CT00001", "Globex"),
        ("CT00002", "Ann"),
    ]
    assert waiting_files(tmp_path) == []
    assert PENDING_IMPORT not in crm_admin_client.session


def test_confirming_twice_imports_once(crm_admin_client, marketing_setup, confirm):
    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]
    confirm(token)

    response = confirm(token)

    assert response.url == IMPORT
    assert message_texts(response)[-1] == (
        "This import is no longer waiting for confirmation. Upload the file again."
    )
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("token", ["", "../../crm/settings.py", "0" * 32])
def test_confirm_with_another_token_imports_nothing(
    crm_admin_client, marketing_setup, token
):
    upload(crm_admin_client, GOOD_AND_BAD)

    response = crm_admin_client.post(CONFIRM, {"token": token})

    assert response.url == IMPORT
    assert not Contact.objects.exists()


def test_a_new_upload_replaces_the_waiting_one(
    crm_admin_client, marketing_setup, tmp_path, confirm
):
    first = upload(crm_admin_client, GOOD_AND_BAD).context["token"]
    second = upload(crm_admin_client, "name\nInitech\n").context["token"]

    assert waiting_files(tmp_path) == [second]
    assert confirm(first).url == IMPORT
    confirm(second)
    assert list(Contact.objects.values_list("name", flat=True)) == ["Initech"]


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_upload_removes_uploads_older_than_an_hour(
    crm_admin_client, marketing_setup, tmp_path
):
    folder = tmp_path / "django-import-export"
    folder.mkdir()
    (folder / "stale").write_bytes(b"name\nOld\n")
    (folder / "recent").write_bytes(b"name\nNew\n")
    age(folder / "stale", 3601)
    age(folder / "recent", 3500)

    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]

    assert waiting_files(tmp_path) == sorted(["recent", token])


def test_the_cleanup_command_removes_previews_older_than_an_hour(tmp_path):
    """Finding 12 of issue 16: previews stayed on disk with no expiry."""
    folder = tmp_path / "django-import-export"
    folder.mkdir()
    for name, seconds in [("stale", 3601), ("older", 86_400), ("recent", 60)]:
        (folder / name).write_bytes(b"name\nAnn\n")
        age(folder / name, seconds)
    out = io.StringIO()

    call_command("cleanup", stdout=out)

    assert waiting_files(tmp_path) == ["recent"]
    assert out.getvalue().splitlines()[0] == "2 import preview(s) removed."


def test_a_waiting_upload_is_readable_by_the_app_alone(
    crm_admin_client, marketing_setup, tmp_path
):
    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]

    folder = tmp_path / "django-import-export"
    assert stat.S_IMODE((folder / token).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_cancel_forgets_the_file(crm_admin_client, marketing_setup, tmp_path):
    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]

    response = crm_admin_client.post(CONFIRM, {"token": token, "cancel": "1"})

    assert response.url == reverse("crm:contact_list")
    assert message_texts(response) == ["The import has been canceled."]
    assert waiting_files(tmp_path) == []
    assert not Contact.objects.exists()


def test_a_file_with_nothing_to_import_offers_no_confirmation(
    crm_admin_client, marketing_setup, tmp_path
):
    response = upload(crm_admin_client, "name,email\nBob,bad\n")

    assert response.status_code == 200
    assert "Nothing can be imported from this file." in response.text
    assert "Confirm import" not in response.text
    assert waiting_files(tmp_path) == []


def test_a_batch_failing_in_the_job_imports_none_of_it_and_says_so(
    crm_admin_client, marketing_setup, monkeypatch, confirm
):
    token = upload(crm_admin_client, GOOD_AND_BAD).context["token"]

    def fail(self, batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crm.contact_import.Batches.write", fail)
    confirm(token)

    job = Job.objects.get()
    assert job.status == "done"
    assert job.message == (
        "Import finished: 0 created, 0 updated, 0 unchanged, 3 rejected."
    )
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "contacts.txt",
            b"name\nAnn\n",
            "File extension \u201ctxt\u201d is not allowed. Allowed extensions are: "
            "csv, xlsx.",
        ),
        ("contacts.csv", b"", "The submitted file is empty."),
        (
            "contacts.xlsx",
            b"\x00\x01garbage\xff" * 10,
            "The file cannot be read as an Excel workbook (.xlsx).",
        ),
        (
            "contacts.csv",
            b"\x81\x8d\x90garbage",
            "The file is neither UTF-8 nor Windows text. Save it as “CSV UTF-8” "
            "and try again.",
        ),
        ("contacts.csv", b"name\n", "The file has column names but no rows."),
    ],
    ids=["wrong type", "empty", "garbage xlsx", "garbage csv", "no rows"],
)
def test_a_bad_file_is_a_message_not_an_error(crm_admin_client, name, content, message):
    response = upload(crm_admin_client, content, name)

    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [message]}
    assert "report" not in response.context


def test_a_file_over_the_upload_limit_is_refused(crm_admin_client, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 1024

    response = upload(crm_admin_client, "name\n" + "Ann\n" * 300)

    assert response.context["form"].errors == {
        "file": ["The file is 1.2\xa0KB; a file to import may be at most 1.0\xa0KB."]
    }


def test_an_excel_workbook_is_imported(crm_admin_client, marketing_setup, confirm):
    workbook = Workbook()
    workbook.active.append(["name", "type", "city"])
    workbook.active.append(["Globex", "company", "Utrecht"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    token = upload(crm_admin_client, buffer.getvalue(), "contacts.xlsx").context[
        "token"
    ]
    confirm(token)

    assert list(Contact.objects.values_list("no", "name", "city")) == [
        ("CT00001", "Globex", "Utrecht")
    ]


def test_a_file_past_the_old_limit_of_1000_rows_is_previewed_and_imported(
    crm_admin_client, marketing_setup, confirm
):
    text = "name,email\n" + "".join(
        f"Contact {n},{'bad' if n == 1500 else f'c{n}@example.nl'}\n"
        for n in range(2500)
    )

    response = upload(crm_admin_client, text)

    report = response.context["report"]
    assert dict(report.counts) == {"new": 2499, "rejected": 1}
    # The first rows, then the rejected ones: a bounded list.
    assert len(report.rows) == 101
    assert report.rows[-1].line == 1502
    assert "The file has 2,500 rows; shown are the first 100" in response.text
    confirm(response.context["token"])
    assert Contact.objects.count() == 2499
    assert Job.objects.get().progress_done == 2500


def test_the_preview_asks_the_same_queries_whatever_the_rows(
    crm_admin_client, marketing_setup
):
    CompanyFactory(no="CO1")
    SalespersonFactory(code="JV")

    def queries(rows):
        text = "no,name,company,salesperson\n" + "".join(
            f"{'' if n % 2 else f'X{n}'},P{n},CO1,JV\n" for n in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            assert upload(crm_admin_client, text).status_code == 200
        return len(captured)

    assert queries(5) == queries(500)


def test_a_row_past_the_bounds_far_into_the_file_is_refused_with_a_message(
    crm_admin_client, marketing_setup
):
    text = "no,name\n" + "".join(f",Contact {n}\n" for n in range(1500))
    text += ",Wide,extra\n"

    response = upload(crm_admin_client, text)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": ["Row 1502 has more cells than the first row has column names."]
    }
    assert PENDING_IMPORT not in crm_admin_client.session


@pytest.fixture
def large(monkeypatch):
    """Every file counts as large: previewed by a job."""
    monkeypatch.setattr("crm.views.imports.INLINE_PREVIEW_BYTES", 10)


def test_a_large_file_is_previewed_by_a_job_the_page_follows(
    crm_admin_client,
    marketing_setup,
    large,
    confirm,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(crm_admin_client, GOOD_AND_BAD)

    preview_job = Job.objects.get()
    assert (preview_job.kind, preview_job.status) == (
        "crm.preview_contact_import",
        "done",
    )
    assert response.url == f"{IMPORT}?preview={preview_job.pk}"
    page = crm_admin_client.get(response.url)
    assert page.status_code == 200
    report = page.context["report"]
    assert dict(report.counts) == {"new": 2, "rejected": 1}
    assert [(row.line, row.outcome, row.no) for row in report.rows] == [
        (2, "new", "CT00001"),
        (3, "rejected", ""),
        (4, "new", "CT00002"),
    ]
    assert "There is no contact with no. CO404." in page.text
    assert "Preview of contacts.csv" in page.text
    assert not Contact.objects.exists()

    confirm(page.context["token"])

    assert list(Contact.objects.values_list("no", "name")) == [
        ("CT00001", "Globex"),
        ("CT00002", "Ann"),
    ]


def test_while_the_preview_job_runs_the_page_shows_its_progress(
    crm_admin_client, marketing_setup, large, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    url = upload(crm_admin_client, GOOD_AND_BAD).url

    page = crm_admin_client.get(url)

    assert "checked in the background" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert "report" not in page.context
    assert "Confirm import" not in page.text


def test_a_file_failing_in_its_preview_job_says_why(
    crm_admin_client, marketing_setup, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = upload(crm_admin_client, "no,name\n,Ann\n,Bob,extra\n").url

    page = crm_admin_client.get(url)

    assert "The file could not be previewed." in page.text
    assert "Row 3 has more cells than the first row has column names." in page.text
    assert "Confirm import" not in page.text


@pytest.mark.parametrize("preview", ["0", "x", "999"])
def test_another_preview_than_the_waiting_one_is_refused(
    crm_admin_client, marketing_setup, large, preview
):
    upload(crm_admin_client, GOOD_AND_BAD)

    response = crm_admin_client.get(f"{IMPORT}?preview={preview}")

    assert response.url == IMPORT
    assert message_texts(response) == [
        "This import is no longer waiting for confirmation. Upload the file again."
    ]


# Export


def export_rows(client, query=None):
    response = client.get(EXPORT, query or {})
    assert response["Content-Disposition"].startswith(
        'attachment; filename="contacts-codes-'
    )
    return code_rows(response)


def test_the_codes_export_writes_the_columns_the_import_reads(sales_client):
    company = CompanyFactory(
        no="CO1",
        name="Acme",
        salesperson=SalespersonFactory(code="JV"),
        city="Utrecht",
        email="info@acme.example",
    )
    PersonFactory(no="P1", name="Ann", company=company, exclude_from_segment=True)

    rows = export_rows(sales_client)

    assert list(rows[0]) == ContactResource.column_names()
    assert [row["no"] for row in rows] == ["CO1", "P1"]
    assert rows[0] == {
        "no": "CO1",
        "type": "company",
        "name": "Acme",
        "company": "",
        "salesperson": "JV",
        "email": "info@acme.example",
        "phone": "",
        "address": "",
        "post_code": "",
        "city": "Utrecht",
        "country": "NL",
        "language_code": "",
        "correspondence_type": "",
        "exclude_from_segment": "False",
    }
    assert (rows[1]["company"], rows[1]["exclude_from_segment"]) == ("CO1", "True")


def test_export_has_exactly_the_filtered_contacts_in_their_order(sales_client):
    CompanyFactory(no="CO1", name="Acme", city="Utrecht")
    CompanyFactory(no="CO2", name="Zeta", city="Utrecht")
    CompanyFactory(no="CO3", name="Beta", city="Delft")

    rows = export_rows(sales_client, {"city": "utrecht", "ordering": "-name"})

    assert [row["no"] for row in rows] == ["CO2", "CO1"]


def test_export_neutralises_formulas(sales_client):
    CompanyFactory(no="=1", name="+SUM(A1)", city="-2", email="", address="\x01@x")

    (row,) = export_rows(sales_client)

    assert (row["no"], row["name"], row["city"], row["address"]) == (
        "'=1",
        "'+SUM(A1)",
        "'-2",
        "'@x",
    )


def test_an_exported_file_imports_back_unchanged(
    sales_client, crm_admin_client, marketing_setup
):
    company = CompanyFactory(no="CO1", name="=Acme", salesperson=SalespersonFactory())
    PersonFactory(
        no="P1", company=company, language_code="nl", correspondence_type="email"
    )
    exported = b"".join(
        sales_client.get(EXPORT, HTTP_ACCEPT_LANGUAGE="nl").streaming_content
    )

    response = upload(crm_admin_client, exported)

    assert [row.outcome for row in response.context["report"].rows] == [
        "unchanged",
        "unchanged",
    ]
    # Nothing to correct: the page says the contacts are up to date already.
    page = response.content.decode()
    assert "Every contact in this file is up to date already" in page
    assert "Correct it and upload it again" not in page


@pytest.mark.parametrize(
    ("url", "name"),
    [(EXPORT_CSV, "contacten.csv"), (EXPORT_XLSX, "contacten.xlsx")],
    ids=["csv", "xlsx"],
)
def test_the_readable_dutch_export_imports_back_unchanged(
    sales_client, crm_admin_client, marketing_setup, url, name
):
    # Headed "Nr.;Soort;…;Bedrijfsnr.", with "Persoon", "Nederlands", "Ja": it was
    # refused for naming no contact column.
    company = CompanyFactory(
        no="CO1", name="Van Dijk B.V.", phone="+31 70 352 1900", country="NL"
    )
    PersonFactory(
        no="P1",
        company=company,
        salesperson=SalespersonFactory(code="JV"),
        language_code="nl",
        correspondence_type="email",
        exclude_from_segment=True,
    )
    exported = body(sales_client.get(url, HTTP_ACCEPT_LANGUAGE="nl"))

    response = upload(crm_admin_client, exported, name)

    assert response.status_code == 200, response.content.decode()[:500]
    assert [row.outcome for row in response.context["report"].rows] == [
        "unchanged",
        "unchanged",
    ]


@pytest.mark.parametrize("url", [EXPORT, EXPORT_CSV, EXPORT_XLSX])
def test_export_query_count_does_not_grow_with_the_contacts(sales_client, url):
    PersonFactory(salesperson=SalespersonFactory())
    with CaptureQueriesContext(connection) as one:
        body(sales_client.get(url))
    PersonFactory.create_batch(50, salesperson=SalespersonFactory())

    with CaptureQueriesContext(connection) as fifty_one:
        content = body(sales_client.get(url))

    assert len(fifty_one) == len(one)
    if url == EXPORT_XLSX:
        assert load_workbook(io.BytesIO(content)).active.max_row == 103  # header, 102
    else:
        assert content.decode("utf-8-sig").count("\n") == 103


DUTCH_HEADER = (
    "Nr.",
    "Soort",
    "Naam",
    "Bedrijfsnr.",
    "Verkoper",
    "E-mail",
    "Telefoon",
    "Adres",
    "Postcode",
    "Plaats",
    "Land",
    "Taal",
    "Correspondentietype",
    "Uitsluiten van segment",
)


def test_excel_in_dutch_has_labels_and_dutch_headers(sales_client, frozen_today):
    company = CompanyFactory(no="CO1", name="=Acme\x01", city="Utrecht")
    PersonFactory(
        no="P1",
        name="Ann",
        company=company,
        city="Utrecht",
        language_code="nl",
        correspondence_type="email",
        exclude_from_segment=True,
    )

    response = download(sales_client, EXPORT_XLSX, "nl", city="Utrecht")

    assert filename(response) == "contacten-2026-12-03.xlsx"
    sheet = workbook(response).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 30
    header, first, second = sheet.iter_rows(values_only=True)
    assert header == DUTCH_HEADER
    assert first[:4] == ("CO1", "Bedrijf", "'=Acme", None)
    assert second == (
        "P1",
        "Persoon",
        "Ann",
        "CO1",
        None,
        None,
        None,
        None,
        None,
        "Utrecht",
        "NL",
        "Nederlands",
        "E-mail",
        "Ja",
    )


def test_csv_in_dutch_opens_in_dutch_excel(sales_client):
    PersonFactory(no="P1", name="Zoë", company=None, correspondence_type="email")

    response = download(sales_client, EXPORT_CSV, "nl")

    assert filename(response).startswith("contacten-")
    header, row = csv_rows(response, ";")
    assert tuple(header) == DUTCH_HEADER
    assert row[:3] == ["P1", "Persoon", "Zoë"]
    assert (row[12], row[13]) == ("E-mail", "Nee")


def test_csv_in_english(sales_client):
    PersonFactory(no="P1", name="Zoë", company=None, correspondence_type="email")

    response = download(sales_client, EXPORT_CSV, "en")

    assert filename(response).startswith("contacts-")
    header, row = csv_rows(response, ",")
    assert header[:3] == ["No.", "Type", "Name"]
    assert (row[1], row[12], row[13]) == ("Person", "E-mail", "No")


def test_export_needs_the_view_contact_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))

    for url in (EXPORT, EXPORT_CSV, EXPORT_XLSX):
        assert client.get(url).status_code == 403


# The admin


ADMIN_IMPORT = reverse("admin:crm_contact_import")
ADMIN_PROCESS = reverse("admin:crm_contact_process_import")


def test_admin_import_leaves_out_rejected_rows_and_imports_the_rest(
    admin_client, marketing_setup
):
    preview = admin_client.post(
        ADMIN_IMPORT,
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.csv", GOOD_AND_BAD.encode()),
        },
    )
    assert preview.status_code == 200
    assert not Contact.objects.exists()
    assert "There is no contact with no. CO404." in preview.text
    assert "Rows to import" in preview.text
    confirm = preview.context["confirm_form"]

    response = admin_client.post(
        ADMIN_PROCESS, {name: confirm.initial[name] for name in confirm.fields}
    )

    assert response.status_code == 302
    assert message_texts(response) == [
        "Import finished: 2 created, 0 updated, 0 unchanged, 1 rejected."
    ]
    assert list(Contact.objects.values_list("no", "name")) == [
        ("CT00001", "Globex"),
        ("CT00002", "Ann"),
    ]


def test_admin_export_neutralises_formulas(admin_client):
    CompanyFactory(no="CO1", name="\x01=Acme")

    response = admin_client.post(
        reverse("admin:crm_contact_export"),
        {
            "format": "0",
            "resource": "0",
            "contactresource_name": "on",
            "contactresource_no": "on",
        },
    )

    assert response.status_code == 200
    assert "'=Acme" in response.content.decode()
    assert "\x01" not in response.content.decode()


def test_admin_import_needs_the_import_permission(client, django_user_model):
    user = django_user_model.objects.create_user("staff", is_staff=True)
    client.force_login(user)

    assert client.get(ADMIN_IMPORT).status_code == 403


def test_the_page_and_the_admin_read_a_forged_workbook_within_the_bounds(
    admin_client, marketing_setup
):
    bomb = with_declared_dimension(
        workbook_bytes(["name"], ["Globex"]), "A1:XFD1048576"
    )

    page = upload(admin_client, bomb, "contacts.xlsx")
    admin_preview = admin_client.post(
        ADMIN_IMPORT,
        {
            "format": "1",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.xlsx", bomb),
        },
    )

    assert [row.name for row in page.context["report"].rows] == ["Globex"]
    assert admin_preview.status_code == 200
    result = admin_preview.context["result"]
    assert [row.validation_error for row in result.rows] == [None]
    assert result.totals["new"] == 1


def test_the_admin_refuses_a_file_past_the_bounds_with_a_message(
    admin_client, settings
):
    settings.IMPORT_MAX_ROWS = 2

    response = admin_client.post(
        ADMIN_IMPORT,
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("c.csv", b"name\nA\nB\nC\n"),
        },
    )

    assert response.status_code == 200
    assert "The file has more than 2 rows." in response.text
