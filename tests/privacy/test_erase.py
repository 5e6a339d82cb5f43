from urllib.parse import quote_plus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditRecord
from crm.models import Contact
from crm.services import set_privacy_blocked, update_contact
from interactions.models import (
    DeliveryStatus,
    InteractionDailyStatistics,
    InteractionLogEntry,
    InteractionTotalStatistics,
)
from privacy.models import ContactExport
from privacy.services import erase_contact, export_contact_data, store_export
from segments.models import LoggedSegment, SegmentLine
from tasks.models import CalendarFeed, Task
from tests.factories import AuditRecordFactory, InteractionLogEntryFactory, TaskFactory
from tests.privacy.stored import database_hits, media_hits, pdf_pages

pytestmark = pytest.mark.usefixtures("media_root")


def statistics():
    return [
        list(model.objects.order_by("pk").values())
        for model in (InteractionDailyStatistics, InteractionTotalStatistics)
    ]


def erase(contact, user, capture):
    with capture(execute=True):
        return erase_contact(contact, user=user)


def test_after_erase_no_table_and_no_file_holds_the_contact(
    world, media_root, django_capture_on_commit_callbacks
):
    jan, piet, user = world["jan"], world["piet"], world["user"]
    store_export(jan.contact, export_contact_data(jan.contact, user=user), user=user)
    # The e-mail address also as a list export's query string keeps it.
    wanted = [*jan.values, *jan.texts, quote_plus(jan.contact.email)]
    found = database_hits(wanted)
    # The search finds what it looks for: the values sit in many tables first.
    tables = {label for label, _field, _value in found}
    assert {
        "crm.Contact",
        "interactions.InteractionLogEntry",
        "segments.SegmentLine",
        "segments.SegmentHistory",
        "segments.SegmentCriteriaAction",
        "tasks.Task",
        "tasks.CalendarFeed",
        "audit.AuditRecord",
        "admin.LogEntry",
        "jobs.Job",
    } <= tables
    assert media_hits(media_root, wanted)
    piet_before = database_hits(piet.values)
    letters = LoggedSegment.objects.get().letters.read()
    assert pdf_pages(letters) == 2
    totals = statistics()

    erased = erase(jan.contact, user, django_capture_on_commit_callbacks)

    assert database_hits(wanted) == set()
    assert media_hits(media_root, wanted) == set()
    for name in jan.files:
        assert not (media_root / name).exists()
    assert not ContactExport.objects.exists()
    # Piet keeps everything, his letter too.
    assert {
        hit for hit in database_hits(piet.values) if hit[0] != "tasks.CalendarFeed"
    } == {hit for hit in piet_before if hit[0] != "tasks.CalendarFeed"}
    for name in piet.files:
        assert (media_root / name).exists()
    logged = LoggedSegment.objects.get()
    assert pdf_pages(logged.letters.read()) == 1
    # What the entries count stays.
    assert statistics() == totals
    assert InteractionLogEntry.objects.filter(contact=erased).count() == 4
    assert erased.name == f"Anonymised contact {erased.no}"
    assert (erased.email, erased.phone, erased.address, erased.post_code) == (
        "",
        "",
        "",
        "",
    )
    assert erased.privacy_blocked
    assert not SegmentLine.objects.filter(contact=erased).exists()
    assert (
        Task.objects.get(contact=erased).duration
        == Task.objects.get(contact=piet.contact).duration
    )
    assert CalendarFeed.objects.get().body == b""


def test_the_audit_trail_keeps_what_happened_not_who(
    world, django_capture_on_commit_callbacks
):
    jan, user = world["jan"], world["user"]
    number = jan.contact.no
    before = AuditRecord.objects.count()

    erase(jan.contact, user, django_capture_on_commit_callbacks)

    placeholder = f"Anonymised contact {number}"
    about = AuditRecord.objects.filter(object_id__in=[number, str(jan.entries[0].pk)])
    assert {record.action for record in about} == {
        AuditAction.CREATED,
        AuditAction.BLOCKED,
        AuditAction.ERASED,
    }
    for record in about:
        assert record.object_repr == placeholder
        assert record.details.get("contact", placeholder) == placeholder
    searched = {
        record.details["filters"]["search"]
        for record in AuditRecord.objects.filter(action=AuditAction.EXPORTED)
    }
    assert searched == {placeholder, "piet.jansen@example.nl"}
    erased = AuditRecord.objects.get(action=AuditAction.ERASED)
    assert erased.user == user
    assert erased.count == 4
    assert set(erased.details) == {
        "entries",
        "segment_lines",
        "tasks",
        "letters",
        "exports",
        "files",
        "audit",
    }
    assert AuditRecord.objects.count() == before + 1


def test_erase_is_refused_while_a_delivery_to_the_contact_is_in_progress(
    world, django_capture_on_commit_callbacks
):
    jan = world["jan"]
    InteractionLogEntry.objects.filter(pk=jan.entries[2].pk).update(
        delivery_status=DeliveryStatus.IN_PROGRESS
    )

    with pytest.raises(ValidationError, match="while a delivery to it is in progress"):
        erase(jan.contact, world["user"], django_capture_on_commit_callbacks)

    contact = Contact.objects.get(pk=jan.contact.pk)
    assert contact.name == "Jan de Vries"
    assert not AuditRecord.objects.filter(action=AuditAction.ERASED).exists()


def test_a_second_erase_is_refused_and_changes_nothing(
    world, django_capture_on_commit_callbacks, time_machine
):
    jan, user = world["jan"], world["user"]
    time_machine.move_to("2026-12-03 10:00+01:00", tick=False)
    erase(jan.contact, user, django_capture_on_commit_callbacks)
    totals = statistics()
    records = AuditRecord.objects.count()
    erased = Contact.objects.get(pk=jan.contact.pk)
    assert erased.erased_at is not None

    with pytest.raises(
        ValidationError,
        match=f"Contact {erased.no} has already been anonymised on 12/03/2026",
    ) as refused:
        erase(jan.contact, user, django_capture_on_commit_callbacks)

    assert refused.value.code == "erased"
    assert statistics() == totals
    assert AuditRecord.objects.count() == records
    assert Contact.objects.get(pk=jan.contact.pk).erased_at == erased.erased_at


def test_an_erased_contact_stays_as_erasure_left_it(
    world, django_capture_on_commit_callbacks, time_machine
):
    jan, user = world["jan"], world["user"]
    time_machine.move_to("2026-12-03 10:05+01:00", tick=False)
    erase(jan.contact, user, django_capture_on_commit_callbacks)
    erased = Contact.objects.get(pk=jan.contact.pk)
    # Erasure is the contact's last change.
    assert erased.updated_at == erased.erased_at
    records = AuditRecord.objects.count()

    message = f"Contact {erased.no} has been anonymised and cannot be changed."
    with pytest.raises(ValidationError, match=message) as edited:
        update_contact(erased, user=user, name="Jan de Vries")
    with pytest.raises(ValidationError, match=message) as lifted:
        set_privacy_blocked(erased, False, user=user)

    assert (edited.value.code, lifted.value.code) == ("erased", "erased")
    # Blocking it again is no change, and no refusal.
    assert set_privacy_blocked(erased, True, user=user) is False
    stored = Contact.objects.get(pk=jan.contact.pk)
    assert (stored.name, stored.privacy_blocked) == (erased.name, True)
    assert AuditRecord.objects.count() == records


def test_erase_takes_as_many_queries_for_a_long_history_as_for_a_short_one(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    jan, user = world["jan"], world["user"]
    piet = world["piet"]
    with CaptureQueriesContext(connection) as short:
        erase(piet.contact, user, django_capture_on_commit_callbacks)
    for _ in range(50):
        entry = InteractionLogEntryFactory(
            contact=jan.contact, template=jan.entries[0].template
        )
        AuditRecordFactory(
            object_type="interaction_log_entry",
            object_id=str(entry.pk),
            details={"contact": str(jan.contact)},
        )
        TaskFactory(contact=jan.contact, description="Jan de Vries bellen")

    with django_assert_max_num_queries(len(short.captured_queries)):
        erase(jan.contact, user, django_capture_on_commit_callbacks)

    assert not AuditRecord.objects.filter(details__contact=str(jan.contact)).exists()
