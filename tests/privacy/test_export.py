import csv
import io
import json
import zipfile

import pytest

from audit.models import AuditAction, AuditObjectType, AuditRecord
from privacy.services import export_contact_data

pytestmark = pytest.mark.usefixtures("media_root")

KINDS = (
    "contact",
    "entries",
    "delivery",
    "segment_lines",
    "logged_segments",
    "tasks",
    "audit",
)


def read_zip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_every_kind_of_data_on_the_contact(world):
    jan, user = world["jan"], world["user"]
    contact = jan.contact

    files = read_zip(export_contact_data(contact, user=user))

    assert {f"{kind}.{ext}" for kind in KINDS for ext in ("json", "csv")} <= set(files)
    data = {kind: json.loads(files[f"{kind}.json"]) for kind in KINDS}
    [fields] = data["contact"]
    assert (fields["no"], fields["name"], fields["email"]) == (
        contact.no,
        "Jan de Vries",
        "jan.devries@example.nl",
    )
    assert (fields["phone"], fields["address"]) == (
        "+31 6 12345678",
        "Keizersgracht 123",
    )
    assert [entry["entry_no"] for entry in data["entries"]] == [
        entry.pk for entry in jan.entries
    ]
    assert data["entries"][1]["postponed"] is True
    assert {row["delivery_status"] for row in data["delivery"]} == {"error", "sent"}
    assert (
        data["delivery"][0]["delivery_error"] == "jan.devries@example.nl: mailbox full"
    )
    assert [line["description"] for line in data["segment_lines"]] == [
        "Persoonlijk voor Jan de Vries"
    ]
    assert [row["segment_no"] for row in data["logged_segments"]] == ["SM00077"]
    own, attended = data["tasks"]
    assert (own["attendee"], attended["attendee"]) == (False, True)
    assert attended["description"] == ""
    assert [task["description"] for task in data["tasks"][:1]] == [
        "Jan de Vries terugbellen"
    ]
    assert {(row["object_type"], row["object_id"]) for row in data["audit"]} == {
        ("interaction_log_entry", str(jan.entries[0].pk)),
        ("contact", contact.no),
    }
    # The attachment itself, named by its entry.
    [attachment] = [name for name in files if name.startswith("attachments/")]
    assert attachment.startswith(f"attachments/{jan.entries[0].pk}-")
    assert files[attachment] == b"Offerte jan voor Jan de Vries"
    # The CSV holds the same rows; the summary is readable.
    rows = list(
        csv.reader(io.StringIO(files["entries.csv"].decode()[1:]), delimiter=";")
    )
    assert rows[0][0] == "entry_no"
    assert len(rows) == 1 + len(jan.entries)
    summary = files["summary.html"].decode()
    assert "Jan de Vries" in summary
    assert "Gesprek met Jan de Vries over jan" in summary


def test_the_export_holds_nothing_of_other_contacts(world):
    jan, piet = world["jan"], world["piet"]

    files = read_zip(export_contact_data(jan.contact, user=world["user"]))

    text = "\n".join(content.decode(errors="ignore") for content in files.values())
    for value in [*piet.values, *piet.texts, piet.contact.no, "Offerte piet"]:
        assert value not in text


def test_the_export_is_audited(world):
    jan, user = world["jan"], world["user"]

    export_contact_data(jan.contact, user=user)

    record = AuditRecord.objects.get(
        action=AuditAction.EXPORTED, object_type=AuditObjectType.CONTACT
    )
    assert (record.user, record.object_id, record.count) == (user, jan.contact.no, 4)
    assert record.details == {"format": "zip", "entries": 4, "tasks": 2, "files": 1}


def test_the_summary_is_in_the_users_language(world):
    from django.utils import translation

    with translation.override("nl"):
        files = read_zip(export_contact_data(world["jan"].contact, user=world["user"]))

    summary = files["summary.html"].decode()
    assert "Interactielogposten" in summary
    # Read by a person: the fields' names and the values as the pages show them,
    # not the files' column keys and stored codes.
    for technical in ("entry_no", "company__no", "salesperson__code", "False"):
        assert technical not in summary
    assert "<th>Verkoper (code)</th>" in summary
    assert "<td>Nee</td>" in summary
