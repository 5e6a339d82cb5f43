"""The contact import service (crm.contact_import): preview and import in batches,
the rows it rejects and why, the report of rejected rows, and the job the page
starts. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm import contact_import
from crm.contact_import import ImportRow, InvalidRowsReport, import_contacts
from crm.imports import IMPORT_JOB_KIND, remove_stale_import_previews
from crm.models import Contact, NumberSeries
from jobs.models import Job
from jobs.services import cancel_job, start_job
from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

HEADER = "no,type,name,company,salesperson,email,city,exclude_from_segment\n"

MIXED = (
    HEADER
    + ",company,Globex,,JV,info@globex.example,Utrecht,no\n"  # new, numbered
    + "CO1,company,Acme,,JV,,Rotterdam,no\n"  # update: city
    + ",person,Bad Bob,,,not-an-e-mail,,no\n"  # rejected
    + ",person,Ann,CO1,JV,ann@acme.example,,yes\n"  # new person of CO1
)


def run(text, user, **options):
    return import_contacts(text.encode(), "csv", user=user, **options)


def preview(text, user, **options):
    return run(text, user, dry_run=True, **options)


def snapshot():
    """Every contact and number series row, as the database holds them."""
    return (
        list(Contact.objects.order_by("pk").values_list()),
        list(NumberSeries.objects.order_by("pk").values_list()),
    )


def outcomes(report):
    return [(row.line, row.outcome) for row in report.rows]


@pytest.fixture
def existing(marketing_setup):
    """A company CO1 with salesperson JV, and a blocked salesperson OLD."""
    salesperson = SalespersonFactory(code="JV")
    SalespersonFactory(code="OLD", blocked=True)
    return CompanyFactory(
        no="CO1", name="Acme", city="Amsterdam", salesperson=salesperson
    )


@pytest.fixture
def batches_of_two(monkeypatch):
    monkeypatch.setattr(contact_import, "BATCH_SIZE", 2)


def test_preview_says_what_each_row_would_do(existing, user):
    report = preview(MIXED, user)

    assert outcomes(report) == [
        (2, ImportRow.NEW),
        (3, ImportRow.UPDATE),
        (4, ImportRow.REJECTED),
        (5, ImportRow.NEW),
    ]
    new, update, rejected, person = report.rows
    assert (new.no, new.name, new.from_series) == ("CT00001", "Globex", True)
    assert update.changes == [("city", "Amsterdam", "Rotterdam")]
    assert rejected.errors == [("email", "Enter a valid email address.")]
    assert (rejected.no, rejected.name) == ("", "Bad Bob")
    assert person.no == "CT00002"
    assert dict(report.counts) == {"new": 2, "update": 1, "rejected": 1}
    assert report.read == 4
    assert report.importable


def test_preview_writes_nothing_not_even_a_number_of_the_series(existing, user):
    before = snapshot()

    preview(MIXED, user)

    assert snapshot() == before


def test_import_writes_the_valid_rows_and_leaves_out_the_rejected(existing, user):
    report = run(MIXED, user)

    assert report.text() == "2 created, 1 updated, 0 unchanged, 1 rejected."
    globex = Contact.objects.get(name="Globex")
    assert (globex.no, globex.type, globex.salesperson.code, globex.city) == (
        "CT00001",
        "company",
        "JV",
        "Utrecht",
    )
    ann = Contact.objects.get(name="Ann")
    assert (ann.no, ann.company, ann.exclude_from_segment) == (
        "CT00002",
        existing,
        True,
    )
    existing.refresh_from_db()
    assert existing.city == "Rotterdam"
    assert not Contact.objects.filter(name="Bad Bob").exists()
    # Two numbers taken, none lost to the rejected row.
    assert NumberSeries.objects.get(code="CONTACT").next_number == 3


@pytest.mark.parametrize(
    ("row", "errors"),
    [
        (
            ",robot,X,,,,,no",
            [("type", "“robot” is none of the choices: Company, Person.")],
        ),
        (
            ",person,X,CO404,,,,no",
            [("company", "There is no contact with no. CO404.")],
        ),
        (
            ",person,X,P1,,,,no",
            [("company", "The company must be a contact of type company.")],
        ),
        (
            ",company,X,CO1,,,,no",
            [("company", "A company cannot belong to another company.")],
        ),
        (
            ",person,X,,NOBODY,,,no",
            [("salesperson", "There is no salesperson with code NOBODY.")],
        ),
        (
            ",person,X,,OLD,,,no",
            [("salesperson", "Salesperson OLD is blocked and gets no new contacts.")],
        ),
        (",person,X,,,x@,,no", [("email", "Enter a valid email address.")]),
        (",person,X\x00Y,,,,,no", [("name", "The value contains a NUL character.")]),
        ("CO\x001,person,X,,,,,no", [("no", "The value contains a NUL character.")]),
        (
            ",person,X,,,,,maybe",
            [("exclude_from_segment", "Enter yes or no (or 1 or 0).")],
        ),
        (",person,,,,,,no", [("name", "This field cannot be blank.")]),
        (
            f",person,{'x' * 101},,,,,no",
            [("name", "Ensure this value has at most 100 characters (it has 101).")],
        ),
        (
            ",robot,,CO404,,x@,,maybe",
            [
                ("company", "There is no contact with no. CO404."),
                ("exclude_from_segment", "Enter yes or no (or 1 or 0)."),
                ("type", "“robot” is none of the choices: Company, Person."),
                ("name", "This field cannot be blank."),
                ("email", "Enter a valid email address."),
            ],
        ),
    ],
    ids=[
        "bad type",
        "unknown company",
        "person as company",
        "company of a company",
        "unknown salesperson",
        "blocked salesperson",
        "bad e-mail",
        "NUL byte",
        "NUL byte in the number",
        "bad yes/no",
        "no name",
        "name too long",
        "all at once",
    ],
)
def test_a_bad_row_is_rejected_with_every_error(existing, user, row, errors):
    PersonFactory(no="P1", company=existing)

    report = preview(HEADER + row + "\n", user)

    (result,) = report.rows
    assert result.outcome == ImportRow.REJECTED
    assert sorted(result.errors) == sorted(errors)
    assert not report.importable


def test_a_company_with_persons_cannot_become_a_person(existing, user):
    PersonFactory(no="P1", company=existing)

    report = run("no,type\nCO1,person\n", user)

    assert report.rows[0].errors == [
        ("type", "This company has persons; it cannot become a person.")
    ]
    assert Contact.objects.get(no="CO1").type == "company"


def test_a_contact_keeps_its_blocked_salesperson(existing, user):
    PersonFactory(
        no="P1", name="Piet", salesperson=SalespersonFactory(code="GONE", blocked=True)
    )

    report = run("no,name,salesperson,city\nP1,Piet,GONE,Delft\n", user)

    assert outcomes(report) == [(2, ImportRow.UPDATE)]
    assert Contact.objects.get(no="P1").city == "Delft"


def test_a_number_of_the_series_someone_gave_by_hand_is_passed_over(existing, user):
    CompanyFactory(no="CT00001")  # entered by hand, ahead of the series

    report = run("name\nGlobex\n", user)

    assert [(row.outcome, row.no) for row in report.rows] == [("new", "CT00002")]
    assert NumberSeries.objects.get(code="CONTACT").next_number == 3


def test_without_a_contact_series_only_rows_with_a_number_are_imported(db, user):
    report = run("no,name\n,Globex\nCO7,Initech\n", user)

    assert outcomes(report) == [(2, ImportRow.REJECTED), (3, ImportRow.NEW)]
    assert report.rows[0].errors == [
        ("", "Set up a number series for contacts in Marketing setup.")
    ]
    assert list(Contact.objects.values_list("no", flat=True)) == ["CO7"]


def test_unchanged_rows_are_reported_and_not_written(existing, user):
    updated_at = existing.updated_at

    report = run("no,name,city,salesperson\nCO1,Acme,Amsterdam,JV\n", user)

    assert outcomes(report) == [(2, ImportRow.UNCHANGED)]
    assert not report.importable
    existing.refresh_from_db()
    assert existing.updated_at == updated_at


def test_columns_left_out_keep_their_values_and_blank_cells_clear_them(existing, user):
    run("no,salesperson,email\nCO1,,new@acme.example\n", user)

    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Acme", "Amsterdam")
    assert (existing.salesperson, existing.email) == (None, "new@acme.example")


def test_choices_are_taken_by_value_or_label_in_any_case(existing, user):
    run(
        "name,type,language_code,correspondence_type,exclude_from_segment\n"
        "Ann,Person,Dutch,E-mail,TRUE\n"
        "Bob,PERSON,en,hard_copy,0\n",
        user,
    )

    assert list(
        Contact.objects.filter(name__in=["Ann", "Bob"])
        .order_by("name")
        .values_list(
            "type", "language_code", "correspondence_type", "exclude_from_segment"
        )
    ) == [("person", "nl", "email", True), ("person", "en", "hard_copy", False)]


def test_an_exported_formula_guard_is_taken_off_again(existing, user):
    run("name\n'=1+1\n", user)

    assert Contact.objects.filter(name="=1+1").exists()


def test_a_number_twice_in_the_file_imports_the_first_row_only(
    existing, user, batches_of_two
):
    report = run("no,name\nN1,First\nN2,Other\nN3,Third\nN1,Again\n", user)

    assert outcomes(report)[-1] == (5, ImportRow.REJECTED)
    assert report.rows[-1].errors == [
        ("no", "No. N1 is in the file more than once (first in row 2).")
    ]
    assert Contact.objects.get(no="N1").name == "First"


def test_without_update_an_existing_number_is_rejected(existing, user):
    report = run(
        "no,name,city\nCO1,Acme,Delft\nCO2,Initech,Delft\n", user, update=False
    )

    assert outcomes(report) == [(2, ImportRow.REJECTED), (3, ImportRow.NEW)]
    assert report.rows[0].errors == [
        (
            "no",
            "Contact CO1 exists already; the import only changes existing contacts "
            "when told to update them.",
        )
    ]
    existing.refresh_from_db()
    assert existing.city == "Amsterdam"


def test_batches_with_rejected_rows_import_the_rest_in_order(
    existing, user, batches_of_two
):
    text = "no,type,name,company,email\n" + "".join(
        f",person,P{n},CO1,{'bad' if n % 3 == 0 else f'p{n}@example.nl'}\n"
        for n in range(1, 10)
    )

    report = run(text, user)

    assert report.text() == "6 created, 0 updated, 0 unchanged, 3 rejected."
    assert list(
        Contact.objects.filter(type="person").values_list("no", "name", "company__no")
    ) == [
        ("CT00001", "P1", "CO1"),
        ("CT00002", "P2", "CO1"),
        ("CT00003", "P4", "CO1"),
        ("CT00004", "P5", "CO1"),
        ("CT00005", "P7", "CO1"),
        ("CT00006", "P8", "CO1"),
    ]
    assert NumberSeries.objects.get(code="CONTACT").next_number == 7


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_person_may_name_a_company_of_an_earlier_row(
    existing, user, batches_of_two, dry_run
):
    text = (
        "no,type,name,company\n"
        "C9,company,Initech,\n"
        ",person,Peter,C9\n"  # same batch
        ",person,Milton,C9\n"  # next batch
        ",person,Joanna,C10\n"  # named before it is in the file
        "C10,company,Chotchkie's,\n"
    )

    report = (preview if dry_run else run)(text, user)

    assert [row.outcome for row in report.rows] == [
        "new",
        "new",
        "new",
        "rejected",
        "new",
    ]
    if not dry_run:
        assert set(
            Contact.objects.filter(company__no="C9").values_list("name", flat=True)
        ) == {"Peter", "Milton"}


def test_a_batch_failing_midway_rolls_back_that_batch_only(
    existing, user, batches_of_two, monkeypatch
):
    write = contact_import.Batches.write
    calls = []

    def fail_in_the_second(self, batch):
        calls.append(batch)
        if len(calls) == 2:
            Contact.objects.create(no="HALF", name="Half written")
            raise RuntimeError("disk full")
        write(self, batch)

    monkeypatch.setattr(contact_import.Batches, "write", fail_in_the_second)

    report = run("name\nA\nB\nC\nD\nE\n", user)

    assert outcomes(report) == [
        (2, "new"),
        (3, "new"),
        (4, "failed"),
        (5, "failed"),
        (6, "new"),
    ]
    assert report.rows[2].errors == [
        (
            "",
            "This row could not be imported: its batch (rows 4 to 5) failed "
            "unexpectedly and none of it was imported.",
        )
    ]
    assert list(Contact.objects.exclude(no="CO1").values_list("no", "name")) == [
        ("CT00001", "A"),
        ("CT00002", "B"),
        ("CT00003", "E"),
    ]
    # The failed batch's numbers went back to the series with it.
    assert NumberSeries.objects.get(code="CONTACT").next_number == 4


def test_stopping_between_batches_keeps_the_batches_done(
    existing, user, batches_of_two
):
    progress = []

    report = run(
        "name\nA\nB\nC\nD\nE\n",
        user,
        progress=lambda summary: progress.append(summary.read),
        should_stop=lambda: len(progress) == 2,
    )

    assert report.stopped
    assert progress == [2, 4]
    assert Contact.objects.exclude(no="CO1").count() == 4


def test_the_report_lists_each_rejected_row_with_its_messages_and_cells(existing, user):
    stream = io.StringIO()
    text = "name,email,notes\nAnn,bad,first\nBob,bob@example.nl,x\n=cmd,,y\n"
    headers, _rows = contact_import.contact_rows(text.encode(), "csv")

    run(text, user, report=InvalidRowsReport(stream, headers))

    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [
        ["row", "errors", "name", "email", "notes"],
        ["2", "email: Enter a valid email address.", "Ann", "bad", "first"],
    ]


def test_the_report_guards_formulas(existing, user):
    stream = io.StringIO()
    text = "name,email\n=HYPERLINK(1),bad\n"
    headers, _rows = contact_import.contact_rows(text.encode(), "csv")

    run(text, user, report=InvalidRowsReport(stream, headers))

    assert stream.getvalue().splitlines()[1] == (
        "2,email: Enter a valid email address.,'=HYPERLINK(1),bad"
    )


def test_a_file_without_rows_is_refused(existing, user):
    with pytest.raises(ValidationError, match="The file has column names but no"):
        run("name\n", user)


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(existing, user):
    def queries(rows):
        text = "no,name,company,salesperson\n" + "".join(
            f"{'' if n % 2 else f'X{n}'},P{n},CO1,JV\n" for n in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            run(text, user)
        return len(captured)

    assert queries(2) == queries(50) == queries(500)


def test_two_batches_take_twice_the_queries_of_one(existing, user, monkeypatch):
    monkeypatch.setattr(contact_import, "BATCH_SIZE", 10)

    def queries(rows):
        text = "name\n" + "".join(f"P{n}\n" for n in range(rows))
        with CaptureQueriesContext(connection) as captured:
            run(text, user)
        return len(captured)

    one = queries(10)
    assert queries(20) <= 2 * one


# The job behind the page


@pytest.fixture
def waiting(media_root):
    """Put `text` where the page keeps an upload waiting for its job; its name."""
    from import_export.tmp_storages import MediaStorage

    def put(text):
        storage = MediaStorage()
        storage.save(text.encode())
        return storage.name

    return put


def test_the_job_imports_reports_progress_and_keeps_the_rejected_rows(
    existing, user, waiting, media_root, django_capture_on_commit_callbacks
):
    upload = waiting(MIXED)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            IMPORT_JOB_KIND,
            user=user,
            total=4,
            params={"upload": upload, "file_format": "csv", "update": True},
        )

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.message == (
        "Import finished: 2 created, 1 updated, 0 unchanged, 1 rejected."
    )
    assert job.result == {
        "url": f"/jobs/{job.pk}/download/",
        "label": "Rejected rows (CSV)",
    }
    assert job.file_name == "invalid-rows.csv"
    with job.file.open("rb") as report:
        lines = report.read().decode("utf-8-sig").splitlines()
    assert lines[1].startswith("4,email: Enter a valid email address.,,person,Bad Bob")
    assert Contact.objects.filter(name="Ann").exists()
    assert not (media_root / "django-import-export" / upload).exists()


def test_a_job_without_rejected_rows_links_to_the_contacts(
    existing, user, waiting, django_capture_on_commit_callbacks
):
    upload = waiting("name\nGlobex\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            IMPORT_JOB_KIND,
            user=user,
            params={"upload": upload, "file_format": "csv"},
        )

    job.refresh_from_db()
    assert (job.status, job.result["url"], job.file) == ("done", "/contacts/", "")


def test_a_job_whose_upload_is_gone_fails_saying_so(
    existing, user, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            IMPORT_JOB_KIND,
            user=user,
            params={"upload": "f" * 32, "file_format": "csv"},
        )

    job.refresh_from_db()
    assert (job.status, job.message) == (
        "failed",
        "The uploaded file is gone. Upload it again.",
    )


def test_a_canceled_job_stops_between_batches(
    existing,
    user,
    waiting,
    batches_of_two,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    report_progress = contact_import.jobs.report_progress

    def cancel_after_the_second_batch(job, **progress):
        report_progress(job, **progress)
        if progress["done"] == 4:
            cancel_job(job, user=user)

    monkeypatch.setattr(
        contact_import.jobs, "report_progress", cancel_after_the_second_batch
    )
    upload = waiting("name\nA\nB\nC\nD\nE\nF\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            IMPORT_JOB_KIND,
            user=user,
            total=6,
            params={"upload": upload, "file_format": "csv"},
        )

    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == ("canceled", 4, 6)
    assert job.message == "Canceled after 4 of 6."
    assert Contact.objects.exclude(no="CO1").count() == 4


def test_the_cleanup_keeps_the_upload_of_an_import_waiting_for_its_job(
    user, waiting, media_root, settings
):
    settings.IMPORT_PREVIEW_MAX_AGE = datetime.timedelta(0)
    queued = waiting("name\nA\n")
    stale = waiting("name\nB\n")
    Job.objects.create(
        kind=IMPORT_JOB_KIND,
        created_by=user,
        params={"upload": queued, "file_format": "csv"},
    )

    assert remove_stale_import_previews() == 1
    assert [path.name for path in (media_root / "django-import-export").iterdir()] == [
        queued
    ]
    assert stale != queued


def test_an_update_may_move_a_person_to_a_company_of_the_same_batch(existing, user):
    PersonFactory(no="P1", name="Piet", company=existing)
    PersonFactory(no="P2", name="Marie", company=existing)

    report = run(
        "no,type,name,company\nC9,company,Initech,\nP1,person,Piet,C9\nP2,person,Marie,\n",
        user,
    )

    assert outcomes(report) == [(2, "new"), (3, "update"), (4, "update")]
    assert report.rows[1].changes == [("company", "CO1", "C9")]
    assert dict(
        Contact.objects.filter(type="person").values_list("no", "company__no")
    ) == {
        "P1": "C9",
        "P2": None,
    }
