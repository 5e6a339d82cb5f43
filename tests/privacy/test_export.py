import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from audit.models import AuditAction, AuditObjectType, AuditRecord
from privacy.services import export_contact_data
from tests.factories import InteractionLogEntryFactory, PersonFactory

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


def read_csv(content, delimiter=";"):
    """The rows of a CSV of the zip, without its byte-order mark."""
    return list(csv.reader(io.StringIO(content.decode()[1:]), delimiter=delimiter))


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
    # The CSV holds the same rows, for a spreadsheet; the summary is readable.
    rows = read_csv(files["entries.csv"], delimiter=",")
    assert rows[0][0] == "Entry no."
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
    with translation.override("nl"):
        files = read_zip(export_contact_data(world["jan"].contact, user=world["user"]))

    summary = files["summary.html"].decode()
    assert "Interactielogposten" in summary
    # Read by a person: the fields' names and the values as the pages show them,
    # not the files' column keys and stored codes.
    for technical in ("entry_no", "company__no", "salesperson__code", "False"):
        assert technical not in summary
    assert "<th>Verkoper</th>" in summary
    # The contact, one row, reads down: each heading beside its value; a table
    # of many rows scrolls sideways in its box instead of breaking its headings.
    assert '<tr><th scope="row">Naam</th><td>Jan de Vries</td></tr>' in summary
    assert '<div class="wide"><table><thead><tr><th>Volgnr.</th>' in summary
    assert "<td>Anna Visser (AV)</td>" in summary
    assert "<td>Nederland</td>" in summary
    assert "<td>Nee</td>" in summary
    # The delivery is headed with the app's word for it, as on the entry pages.
    assert "<h2>Verzending (2)</h2>" in summary
    assert "Leveringsstatus" not in summary
    # Opened from the zip, the page carries its own style.
    assert "<style>" in summary
    assert "<link" not in summary
    assert 'De map "attachments" bevat het bestand' in summary


def test_the_summary_names_the_attachments_folder_only_when_there_are_files(db):
    contact = PersonFactory()
    InteractionLogEntryFactory(contact=contact)

    with translation.override("nl"):
        files = read_zip(export_contact_data(contact, user=None))

    assert not [name for name in files if name.startswith("attachments/")]
    assert "attachments" not in files["summary.html"].decode()


def test_the_csvs_are_written_as_the_lists_readable_exports_write_them(world):
    jan = world["jan"]
    contact, entry = jan.contact, jan.entries[0]
    entry.cost, entry.information_flow = Decimal("1250.50"), "outbound"
    entry.save()

    with translation.override("nl"):
        files = read_zip(export_contact_data(contact, user=world["user"]))

    def local(moment):
        return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")

    header, row = read_csv(files["contact.csv"])
    fields = dict(zip(header, row, strict=True))
    assert {
        name: fields[name]
        for name in ("Nr.", "Verkoper", "Land", "Privacy geblokkeerd", "Gemaakt op")
    } == {
        "Nr.": contact.no,
        "Verkoper": "",
        "Land": "Nederland",
        "Privacy geblokkeerd": "Nee",
        "Gemaakt op": local(contact.created_at),
    }
    # A text a spreadsheet would run as a formula keeps the lists' guard, as the
    # contact list's CSV export writes a phone number; the summary says so.
    assert fields["Telefoon"] == "'+31 6 12345678"
    header, *rows = read_csv(files["entries.csv"])
    first, draft = (dict(zip(header, row, strict=True)) for row in rows[:2])
    assert {
        name: first[name]
        for name in (
            "Volgnr.",
            "Datum",
            "Kosten",
            "Informatiestroom",
            "Verkoper",
            "Uitgesteld",
            "Gemaakt op",
        )
    } == {
        "Volgnr.": str(entry.pk),
        "Datum": entry.date.strftime("%d-%m-%Y"),
        "Kosten": "1250,50",
        "Informatiestroom": "Uitgaand",
        "Verkoper": "Anna Visser (AV)",
        "Uitgesteld": "Nee",
        "Gemaakt op": local(entry.created_at),
    }
    assert draft["Uitgesteld"] == "Ja"
    header, *rows = read_csv(files["delivery.csv"])
    assert [row[header.index("Verzending")] for row in rows] == ["Fout", "Verzonden"]
    header, *rows = read_csv(files["audit.csv"])
    assert [row[header.index("Details")] for row in rows] == [
        f"Contact: {contact}",
        "",
    ]
    text = "".join(files[f"{kind}.csv"].decode() for kind in KINDS)
    for stored in ("+00:00", "True", "False", "outbound", "salesperson__code"):
        assert stored not in text


def test_the_json_keeps_the_stored_values(world):
    contact = world["jan"].contact

    with translation.override("nl"):
        files = read_zip(export_contact_data(contact, user=world["user"]))

    [fields] = json.loads(files["contact.json"])
    [entry, *_rest] = json.loads(files["entries.json"])
    assert (fields["country"], fields["privacy_blocked"]) == ("NL", False)
    assert fields["phone"] == "+31 6 12345678"
    assert fields["created_at"].endswith("Z")
    assert (entry["salesperson__code"], entry["information_flow"]) == (
        "AV",
        world["jan"].entries[0].information_flow,
    )
