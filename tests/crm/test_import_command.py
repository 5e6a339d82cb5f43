"""`manage.py import_contacts`: the import service from the shell."""

import io
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from crm.models import Contact, NumberSeries
from tests.factories import CompanyFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

FILE = (
    "no,type,name,company,salesperson,email\n"
    ",company,Globex,,JV,info@globex.example\n"
    "CO1,company,Acme Holding,,JV,\n"
    ",person,Bad Bob,CO404,,\n"
)


@pytest.fixture
def existing(marketing_setup):
    SalespersonFactory(code="JV")
    return CompanyFactory(no="CO1", name="Acme")


@pytest.fixture
def contacts_csv(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contacts", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_new_contacts_and_rejects_existing_numbers(
    existing, contacts_csv
):
    out, err = command(contacts_csv)

    assert out.splitlines() == [
        "Row 3: no: Contact CO1 exists already; the import only changes existing "
        "contacts when told to update them.",
        "Row 4: company: There is no contact with no. CO404.",
        "Import finished: 1 created, 0 updated, 0 unchanged, 2 rejected.",
    ]
    assert "100 % 3 / 3 rows" in err
    assert list(Contact.objects.values_list("no", "name")) == [
        ("CO1", "Acme"),
        ("CT00001", "Globex"),
    ]


def test_update_changes_existing_contacts_and_writes_the_report(
    existing, contacts_csv, tmp_path
):
    report = tmp_path / "rejected.csv"

    out, _err = command(contacts_csv, "--update", "--report", report)

    assert out.splitlines()[-1] == (
        "Import finished: 1 created, 1 updated, 0 unchanged, 1 rejected."
    )
    assert Contact.objects.get(no="CO1").name == "Acme Holding"
    assert report.read_text(encoding="utf-8-sig").splitlines() == [
        "row,errors,no,type,name,company,salesperson,email",
        "4,company: There is no contact with no. CO404.,,person,Bad Bob,CO404,,",
    ]


def test_an_anonymised_contact_in_the_file_is_a_rejected_row(existing, contacts_csv):
    Contact.objects.filter(no="CO1").update(erased_at="2026-12-01T10:00:00Z")

    out, _err = command(contacts_csv, "--update")

    assert out.splitlines() == [
        "Row 3: no: Contact CO1 has been anonymised and cannot be changed.",
        "Row 4: company: There is no contact with no. CO404.",
        "Import finished: 1 created, 0 updated, 0 unchanged, 2 rejected.",
    ]
    assert Contact.objects.get(no="CO1").name == "Acme"


def test_a_dry_run_writes_nothing(existing, contacts_csv):
    before = (
        list(Contact.objects.values_list()),
        list(NumberSeries.objects.values_list()),
    )

    out, _err = command(contacts_csv, "--dry-run", "--update")

    assert out.splitlines()[-1] == (
        "Dry run, nothing written: 1 created, 1 updated, 0 unchanged, 1 rejected."
    )
    assert (
        list(Contact.objects.values_list()),
        list(NumberSeries.objects.values_list()),
    ) == before


def test_the_user_is_looked_up(existing, contacts_csv, sales_user):
    out, _err = command(contacts_csv, "--user", "sales")

    assert out.splitlines()[-1].startswith("Import finished: 1 created")


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, ["missing.csv"], "missing.csv cannot be read: No such file"),
        ("contacts.txt", [], "contacts.txt is not a .csv or .xlsx file."),
        ("contacts.csv", ["--user", "nobody"], "There is no user 'nobody'."),
        ("empty.csv", [], "The file is empty."),
        ("bad.xlsx", [], "The file cannot be read as an Excel workbook (.xlsx)."),
    ],
    ids=["missing", "wrong type", "unknown user", "empty", "bad workbook"],
)
def test_bad_input_is_a_command_error(existing, tmp_path, make, args, message):
    if make:
        content = {"empty.csv": "", "bad.xlsx": "garbage"}.get(make, FILE)
        (tmp_path / make).write_text(content)
        args = [tmp_path / make, *args]
    else:
        args = [tmp_path / args[0]]

    with pytest.raises(CommandError, match=re.escape(message)):
        command(*args)
    assert Contact.objects.count() == 1


def test_a_file_over_the_upload_limit_is_refused(existing, contacts_csv, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 10

    with pytest.raises(CommandError, match="a file to import may be at most 10"):
        command(contacts_csv)


def test_a_bad_option_exits_non_zero(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_contacts", str(tmp_path / "x.txt")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "x.txt is not a .csv or .xlsx file." in result.stderr
