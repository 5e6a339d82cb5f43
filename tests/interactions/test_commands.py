import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from interactions.models import InteractionLogEntry
from tests.factories import InteractionLogEntryFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 15)


def run(*args):
    out = StringIO()
    call_command("delete_canceled_interactions", *args, stdout=out)
    return out.getvalue()


def test_command_deletes_canceled_entries_and_says_how_many():
    InteractionLogEntryFactory.create_batch(2, canceled=True)
    kept = InteractionLogEntryFactory()

    assert run() == "2 interaction log entries deleted.\n"
    assert list(InteractionLogEntry.objects.all()) == [kept]


def test_command_speaks_of_one_entry_in_the_singular():
    InteractionLogEntryFactory(canceled=True)

    assert run() == "1 interaction log entry deleted.\n"


def test_command_dry_run_deletes_nothing():
    InteractionLogEntryFactory.create_batch(3, canceled=True)

    assert run("--dry-run") == "3 interaction log entries would be deleted.\n"
    assert InteractionLogEntry.objects.count() == 3


def test_command_never_deletes_postponed_entries():
    InteractionLogEntryFactory(postponed=True, canceled=True)

    assert run() == "0 interaction log entries deleted.\n"
    assert InteractionLogEntry.objects.count() == 1


def test_command_filters_on_dates_exclusively():
    for day in (-1, 0, 1, 2):
        InteractionLogEntryFactory(
            canceled=True, date=DAY + datetime.timedelta(days=day), description=str(day)
        )

    output = run("--after", "2026-03-14", "--before", "2026-03-17")

    assert output == "2 interaction log entries deleted.\n"
    assert set(InteractionLogEntry.objects.values_list("description", flat=True)) == {
        "-1",
        "2",
    }


@pytest.mark.parametrize(
    ("option", "key"),
    [
        ("--contact", lambda entry: entry.contact.no),
        ("--template", lambda entry: entry.template.code),
        ("--group", lambda entry: entry.group.code),
        ("--salesperson", lambda entry: entry.salesperson.code),
    ],
)
def test_command_filters_by_number_or_code(option, key):
    target = InteractionLogEntryFactory(canceled=True)
    other = InteractionLogEntryFactory(canceled=True)

    assert run(option, key(target)) == "1 interaction log entry deleted.\n"
    assert list(InteractionLogEntry.objects.all()) == [other]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--before", "2026-13-01"],
            "“2026-13-01” is not a valid date. Use YYYY-MM-DD.",
        ),
        (
            ["--after", "15-03-2026"],
            "“15-03-2026” is not a valid date. Use YYYY-MM-DD.",
        ),
        (["--contact", "CT999"], "Contact “CT999” does not exist."),
        (["--template", "NOPE"], "Interaction template “NOPE” does not exist."),
        (["--group", "NOPE"], "Interaction group “NOPE” does not exist."),
        (["--salesperson", "NOPE"], "Salesperson “NOPE” does not exist."),
    ],
)
def test_command_refuses_bad_options_and_deletes_nothing(args, message):
    InteractionLogEntryFactory(canceled=True)

    with pytest.raises(CommandError) as caught:
        run(*args)

    assert str(caught.value) == message
    assert InteractionLogEntry.objects.count() == 1


def test_command_removes_attachment_files_of_deleted_entries(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    entry = InteractionLogEntryFactory(
        canceled=True, attachment=SimpleUploadedFile("letter.pdf", b"%PDF")
    )
    path = tmp_path / entry.attachment.name

    with django_capture_on_commit_callbacks(execute=True):
        run()

    assert not path.exists()
