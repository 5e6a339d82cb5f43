"""The audit trail: one record per action on interaction log entries and logged
segments, written in the action's transaction, kept when the entries are deleted, and
shown to CRM admins on the Audit trail page and in the admin."""

import datetime
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditRecord, details_text
from audit.services import record_audit
from interactions import services
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplateSetup,
)
from segments import services as segment_services
from segments.models import LoggedSegment
from tests.api.conftest import token_client
from tests.factories import (
    AuditRecordFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

LIST_URL = reverse("audit:list")
DAY = datetime.date(2026, 3, 15)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def salesperson():
    return SalespersonFactory(code="ANNA")


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="LETTER",
        group=InteractionGroupFactory(code="LETTERS"),
        description="Letter sent",
        unit_cost=Decimal("12.50"),
    )


@pytest.fixture
def person(salesperson):
    return PersonFactory(no="CT00010", name="Sanne de Vries", salesperson=salesperson)


def create(person, template, user, **values):
    return services.create_interaction(
        contact=person, template=template, user=user, **values
    )


def only_record():
    [record] = AuditRecord.objects.all()
    return record


def summary(record):
    return (
        record.action,
        record.object_type,
        record.object_id,
        record.count,
        record.username,
    )


# Each service writes one record


def test_create_interaction_records_who_created_which_entry(person, template, user):
    entry = create(person, template, user)

    record = only_record()
    assert summary(record) == (
        "created",
        "interaction_log_entry",
        str(entry.pk),
        1,
        "sales",
    )
    assert record.user == user
    assert record.object_repr == "Letter sent"
    assert record.details == {"contact": "CT00010 Sanne de Vries"}


def test_postponing_and_resuming_record_the_postponed_interaction(
    person, template, user
):
    draft = services.postpone_interaction(contact=person, user=user)
    services.postpone_interaction(contact=person, user=user, entry=draft)
    services.resume_interaction(draft, user=user, template=template)

    assert [summary(r) for r in AuditRecord.objects.order_by("id")] == [
        ("postponed", "postponed_interaction", str(draft.pk), 1, "sales"),
        ("postponed", "postponed_interaction", str(draft.pk), 1, "sales"),
        ("resumed", "postponed_interaction", str(draft.pk), 1, "sales"),
    ]


def test_log_document_records_the_document_once(person, template, user):
    entry = services.log_document(
        document_type=DocumentType.SALES_INVOICE,
        document_no="SI-1001",
        contact=person,
        user=user,
        template=template,
    )
    again = services.log_document(
        document_type=DocumentType.SALES_INVOICE,
        document_no="SI-1001",
        contact=person,
        user=user,
        template=template,
    )

    assert again == entry
    record = only_record()
    assert summary(record) == (
        "created",
        "interaction_log_entry",
        str(entry.pk),
        1,
        "sales",
    )
    assert record.details == {
        "contact": "CT00010 Sanne de Vries",
        "document_type": "sales_invoice",
        "document_no": "SI-1001",
    }


def test_log_document_without_a_template_records_nothing(person, user):
    assert (
        services.log_document(
            document_type=DocumentType.SALES_QUOTE,
            document_no="SQ-1",
            contact=person,
            user=user,
        )
        is None
    )
    assert not AuditRecord.objects.exists()


def test_set_canceled_writes_one_record_naming_the_listed_entries(
    person, template, user
):
    entries = [create(person, template, user) for _ in range(3)]
    AuditRecord.objects.all().delete()

    assert services.set_canceled(entries, True, user=user) == 3
    assert services.set_canceled(entries[:1], False, user=user) == 1

    canceled, uncanceled = AuditRecord.objects.order_by("id")
    assert summary(canceled) == ("canceled", "interaction_log_entry", "", 3, "sales")
    assert canceled.details == {"entries": sorted(entry.pk for entry in entries)}
    # One entry: the record names it, so the page finds it by its number.
    assert summary(uncanceled) == (
        "uncanceled",
        "interaction_log_entry",
        str(entries[0].pk),
        1,
        "sales",
    )


def test_set_canceled_keeps_the_callers_criteria(person, template, user):
    create(person, template, user)
    AuditRecord.objects.all().delete()
    criteria = {"filters": {"contact": "CT00010", "date_from": "2026-03-01"}}

    services.set_canceled(
        InteractionLogEntry.objects.all(), True, user=user, criteria=criteria
    )

    assert only_record().details == criteria


def test_evaluate_entries_records_the_evaluation(person, template, user):
    entries = [create(person, template, user) for _ in range(2)]
    AuditRecord.objects.all().delete()

    services.evaluate_entries(
        InteractionLogEntry.objects.all(),
        "positive",
        user=user,
        criteria={"filters": {"template": "LETTER"}},
    )

    record = only_record()
    assert summary(record) == ("evaluated", "interaction_log_entry", "", 2, "sales")
    assert record.details == {
        "filters": {"template": "LETTER"},
        "evaluation": "positive",
    }
    assert len(entries) == 2


def test_delete_postponed_records_the_deletion(person, user):
    drafts = [
        services.postpone_interaction(contact=person, user=user) for _ in range(2)
    ]
    AuditRecord.objects.all().delete()

    services.delete_postponed(drafts, user=user)

    record = only_record()
    assert summary(record) == ("deleted", "postponed_interaction", "", 2, "sales")
    assert record.details == {"entries": sorted(draft.pk for draft in drafts)}


def test_delete_canceled_entries_records_its_filters_and_user(
    person, template, salesperson, admin_user_crm
):
    entry = create(person, template, admin_user_crm, date=DAY)
    services.set_canceled([entry], True, user=admin_user_crm)
    AuditRecord.objects.all().delete()

    count = services.delete_canceled_entries(
        before=DAY + datetime.timedelta(days=1),
        contact=person,
        template=template,
        group=template.group,
        salesperson=salesperson,
        user=admin_user_crm,
    )

    assert count == 1
    record = only_record()
    assert summary(record) == ("deleted", "interaction_log_entry", "", 1, "crmadmin")
    assert record.details == {
        "filters": {
            "before": "2026-03-16",
            "contact": "CT00010",
            "template": "LETTER",
            "group": "LETTERS",
            "salesperson": "ANNA",
        }
    }


def test_delete_canceled_entries_from_a_command_records_no_user():
    InteractionLogEntryFactory(canceled=True)

    services.delete_canceled_entries()

    record = only_record()
    assert (record.user, record.username, record.count) == (None, "", 1)
    assert record.details == {"filters": {}}


def test_a_dry_run_records_nothing():
    InteractionLogEntryFactory(canceled=True)

    assert services.delete_canceled_entries(dry_run=True) == 1
    assert not AuditRecord.objects.exists()


def test_nothing_to_do_is_still_recorded_as_done(user):
    # A confirmed action that found nothing (a nightly clean-up) shows it ran.
    assert services.delete_canceled_entries(user=user) == 0

    assert summary(only_record()) == (
        "deleted",
        "interaction_log_entry",
        "",
        0,
        "sales",
    )


@pytest.fixture
def segment(marketing_setup, template, salesperson, user):
    segment = segment_services.create_segment(
        user=user,
        description="Spring mailing",
        template=template,
        salesperson=salesperson,
        date=DAY,
    )
    segment_services.add_contacts(segment, PersonFactory.create_batch(4), user=user)
    return segment


def test_log_segment_writes_one_record_with_the_number_of_entries(segment, user):
    logged, follow_up = segment_services.log_segment(
        segment, user=user, create_follow_up=True
    )

    record = only_record()
    assert summary(record) == (
        "segment_logged",
        "logged_segment",
        "SM00001",
        4,
        "sales",
    )
    assert record.object_repr == "Spring mailing"
    assert record.details == {"follow_up": follow_up.no}
    assert logged.log_entries.count() == 4


def test_canceling_a_logged_segment_writes_one_record_naming_it(segment, user):
    logged, _follow_up = segment_services.log_segment(segment, user=user)

    segment_services.set_logged_segment_canceled(logged, True, user=user)
    segment_services.set_logged_segment_canceled(logged, False, user=user)

    assert [summary(r) for r in AuditRecord.objects.order_by("id")] == [
        ("segment_logged", "logged_segment", "SM00001", 4, "sales"),
        ("canceled", "logged_segment", "SM00001", 4, "sales"),
        ("uncanceled", "logged_segment", "SM00001", 4, "sales"),
    ]


# A failing action writes no record


def test_refused_actions_write_no_record(person, template, user):
    entry = create(person, template, user)
    bound = InteractionLogEntryFactory(
        canceled=True, logged_segment=LoggedSegmentFactory(canceled=True)
    )
    draft = services.postpone_interaction(contact=person, user=UserFactory())
    AuditRecord.objects.all().delete()

    with pytest.raises(ValidationError, match="You must select a salesperson"):
        create(PersonFactory(), template, user)
    with pytest.raises(ValidationError, match="which is canceled"):
        services.set_canceled([bound], False, user=user)
    with pytest.raises(ValidationError, match="is not a valid evaluation"):
        services.evaluate_entries([entry], "great", user=user)
    with pytest.raises(PermissionDenied):
        services.delete_postponed([draft], user=user)

    assert not AuditRecord.objects.exists()


def test_logging_an_empty_segment_writes_no_record(marketing_setup, user):
    empty = segment_services.create_segment(user=user, description="Empty")

    with pytest.raises(ValidationError, match="is empty"):
        segment_services.log_segment(empty, user=user)

    assert not AuditRecord.objects.exists()


def test_the_record_is_rolled_back_with_the_callers_transaction(person, template, user):
    entry = create(person, template, user)
    AuditRecord.objects.all().delete()

    def cancel_then_fail():
        with transaction.atomic():
            services.set_canceled([entry], True, user=user)
            raise RuntimeError("the caller fails after the service")

    with pytest.raises(RuntimeError, match="the caller fails"):
        cancel_then_fail()

    entry.refresh_from_db()
    assert not entry.canceled
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_audit_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        record_audit(action="deleted", user=None, object_type="interaction_log_entry")
    assert not AuditRecord.objects.exists()


# Records are kept


def test_records_survive_deleting_the_entries_and_the_user(person, template):
    user = UserFactory(username="leaver")
    entry = create(person, template, user)
    services.set_canceled([entry], True, user=user)
    services.delete_canceled_entries(user=user)
    assert not InteractionLogEntry.objects.exists()

    user.delete()

    records = AuditRecord.objects.order_by("id")
    assert [(r.action, r.object_id or r.count) for r in records] == [
        ("created", str(entry.pk)),
        ("canceled", str(entry.pk)),
        ("deleted", 1),
    ]
    assert {(r.user_id, r.username) for r in records} == {(None, "leaver")}


def test_bulk_delete_stays_one_delete_with_one_audit_insert(
    django_assert_max_num_queries,
):
    InteractionLogEntryFactory(canceled=True)
    with CaptureQueriesContext(connection) as one:
        services.delete_canceled_entries()
    InteractionLogEntryFactory.create_batch(51, canceled=True)

    with (
        django_assert_max_num_queries(len(one)),
        CaptureQueriesContext(connection) as many,
    ):
        assert services.delete_canceled_entries() == 51

    writes = [
        re.match(r"\s*(INSERT INTO|UPDATE|DELETE FROM) (\S+)", query["sql"])
        for query in many
    ]
    assert [w.groups() for w in writes if w] == [
        ("DELETE FROM", '"interactions_interactionlogentry"'),
        ("INSERT INTO", '"audit_auditrecord"'),
    ]


# The Audit trail page


def test_only_crm_admins_and_superusers_see_the_page(
    client, sales_user, admin_user_crm, admin_user
):
    assert client.get(LIST_URL).status_code == 302  # to the login page
    client.force_login(sales_user)
    assert client.get(LIST_URL).status_code == 403
    assert "Audit trail" not in client.get(reverse("home")).content.decode()
    client.force_login(admin_user_crm)
    assert client.get(LIST_URL).status_code == 200
    assert LIST_URL in client.get(reverse("home")).content.decode()
    client.force_login(admin_user)
    assert client.get(LIST_URL).status_code == 200


def test_the_page_lists_who_did_what_newest_first(
    crm_admin_client, person, template, user
):
    entry = create(person, template, user)
    services.set_canceled(
        InteractionLogEntry.objects.all(),
        True,
        user=user,
        criteria={"filters": {"contact": "CT00010"}},
    )

    response = crm_admin_client.get(LIST_URL)

    rows = response.context["page_obj"].object_list
    assert [r.action for r in rows] == ["canceled", "created"]
    html = response.content.decode()
    assert "Canceled" in html
    assert "Interaction log entry" in html
    assert f'<td class="text-nowrap">{entry.pk}</td>' in html
    assert "Contact = CT00010" in html
    assert "CT00010 Sanne de Vries" in html


def test_a_record_without_a_user_shows_system(crm_admin_client):
    AuditRecordFactory(username="", action="deleted")

    response = crm_admin_client.get(LIST_URL)

    assert "System" in response.content.decode()


def test_people_and_times_are_shown_as_the_users_language_writes_them(
    crm_admin_client,
):
    anna = UserFactory(username="anna", first_name="Anna", last_name="de Boer")
    AuditRecordFactory(user=anna, username="anna", at=at(datetime.date(2026, 3, 16), 9))
    AuditRecordFactory(username="gone", at=at(datetime.date(2026, 3, 15), 14))

    html = crm_admin_client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<span title="anna">Anna de Boer</span>' in html
    # A deleted user's name as it was recorded.
    assert "<td>gone</td>" in html
    assert "16-3-2026 09:00:00" in html
    assert "2026-03-16" not in html


def at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "deleted"}, {"deleted-by-anna"}),
        ({"username": " anna "}, {"canceled-by-anna", "deleted-by-anna"}),
        ({"username": "ann"}, set()),
        ({"object_type": "logged_segment"}, {"logged-by-bob"}),
        ({"object_id": "SM00001"}, {"logged-by-bob"}),
        ({"object_id": "12"}, {"canceled-by-anna"}),
        # Days in the site's time zone: 00:30 on the 16th is the 16th, not the 15th.
        ({"date_from": "2026-03-16"}, {"deleted-by-anna", "logged-by-bob"}),
        ({"date_to": "2026-03-15"}, {"canceled-by-anna"}),
        (
            {"date_from": "2026-03-16", "date_to": "2026-03-16"},
            {"deleted-by-anna"},
        ),
        ({"date_from": "not a date"}, set()),
    ],
)
def test_filters(crm_admin_client, query, expected):
    AuditRecordFactory(
        object_repr="canceled-by-anna", username="anna", object_id="12", at=at(DAY, 23)
    )
    AuditRecordFactory(
        object_repr="deleted-by-anna",
        username="anna",
        action="deleted",
        object_id="",
        at=at(DAY + datetime.timedelta(days=1), 0).replace(minute=30),
    )
    AuditRecordFactory(
        object_repr="logged-by-bob",
        username="bob",
        action="segment_logged",
        object_type="logged_segment",
        object_id="SM00001",
        at=at(DAY + datetime.timedelta(days=2), 9),
    )

    response = crm_admin_client.get(LIST_URL, query)

    assert response.status_code == 200
    shown = {r.object_repr for r in response.context["page_obj"].object_list}
    assert shown == expected


def test_the_page_paginates(crm_admin_client):
    AuditRecordFactory.create_batch(30)

    response = crm_admin_client.get(LIST_URL, {"page": 2})

    assert len(response.context["page_obj"].object_list) == 5


def test_query_count_does_not_grow_with_rows(
    crm_admin_client, django_assert_max_num_queries
):
    AuditRecordFactory(details={"entries": [1, 2]}, user=UserFactory())
    with CaptureQueriesContext(connection) as one:
        crm_admin_client.get(LIST_URL, {"action": "canceled"})
    for _ in range(50):
        AuditRecordFactory(details={"filters": {"contact": "CT1"}}, user=UserFactory())

    with django_assert_max_num_queries(len(one)):
        response = crm_admin_client.get(LIST_URL, {"action": "canceled"})

    assert len(response.context["page_obj"].object_list) == 25


# The pages, the API, the admin and the command are audited through the services


def test_bulk_action_on_everything_matching_the_filter_records_the_filter(
    client, person, template, user
):
    create(person, template, user, date=DAY)
    create(PersonFactory(), template, user, salesperson=SalespersonFactory())
    AuditRecord.objects.all().delete()
    client.force_login(user)

    client.post(
        reverse("interactions:entry_bulk"),
        {
            "action": "evaluate",
            "evaluation": "negative",
            "scope": "all",
            "query": "contact=CT00010&date_from=2026-03-01&ordering=-date",
            "confirmed": "on",
        },
    )

    record = only_record()
    assert summary(record) == ("evaluated", "interaction_log_entry", "", 1, "sales")
    assert record.details == {
        "filters": {"contact": "CT00010", "date_from": "2026-03-01"},
        "evaluation": "negative",
    }


def test_bulk_action_on_selected_lines_records_their_numbers(
    client, person, template, user
):
    entries = [create(person, template, user) for _ in range(2)]
    AuditRecord.objects.all().delete()
    client.force_login(user)

    client.post(
        reverse("interactions:entry_bulk"),
        {
            "action": "cancel",
            "scope": "selected",
            "selected": [entry.pk for entry in entries],
            "query": "",
            "confirmed": "on",
        },
    )

    assert only_record().details == {"entries": sorted(e.pk for e in entries)}


def test_deleting_postponed_interactions_on_the_page_is_recorded(client, person, user):
    draft = services.postpone_interaction(contact=person, user=user)
    AuditRecord.objects.all().delete()
    client.force_login(user)

    client.post(
        reverse("interactions:postponed_bulk"),
        {
            "action": "delete",
            "scope": "selected",
            "selected": [draft.pk],
            "confirmed": "on",
        },
    )

    assert summary(only_record()) == (
        "deleted",
        "postponed_interaction",
        str(draft.pk),
        1,
        "sales",
    )


def test_delete_canceled_page_records_the_user_and_the_filters(
    crm_admin_client, person, template, admin_user_crm
):
    entry = create(person, template, admin_user_crm, date=DAY)
    services.set_canceled([entry], True, user=admin_user_crm)
    AuditRecord.objects.all().delete()
    url = reverse("interactions:delete_canceled")
    filters = {"contact": "CT00010", "date_from": "2026-03-01"}
    counted = crm_admin_client.post(url, filters)

    crm_admin_client.post(
        url,
        {
            **filters,
            "confirmed": "1",
            "counted_filters": counted.context["counted_filters"],
        },
    )

    record = only_record()
    assert summary(record) == ("deleted", "interaction_log_entry", "", 1, "crmadmin")
    assert record.details == {
        "filters": {"date_from": "2026-03-01", "contact": "CT00010"}
    }


def test_logging_and_canceling_a_segment_on_its_pages_is_recorded(
    client, segment, user
):
    client.force_login(user)

    client.post(reverse("segments:segment_log", args=[segment.no]))
    logged = LoggedSegment.objects.get()
    client.post(
        reverse("segments:loggedsegment_cancel", args=[logged.pk]), {"canceled": "true"}
    )

    assert [summary(r) for r in AuditRecord.objects.order_by("id")] == [
        ("segment_logged", "logged_segment", "SM00001", 4, "sales"),
        ("canceled", "logged_segment", "SM00001", 4, "sales"),
    ]


def test_the_api_records_the_tokens_user(person, template, user, salesperson):
    InteractionTemplateSetup.objects.update_or_create(
        document_type=DocumentType.SALES_INVOICE, defaults={"template": template}
    )
    api = token_client(user)

    created = api.post(
        "/api/v1/interactions/",
        {"contact": "CT00010", "template": "LETTER", "salesperson": "ANNA"},
        format="json",
    )
    document = api.post(
        "/api/v1/documents/",
        {
            "document_type": "sales_invoice",
            "document_no": "SI-1001",
            "contact": "CT00010",
        },
        format="json",
    )

    assert (created.status_code, document.status_code) == (201, 201)
    records = AuditRecord.objects.order_by("id")
    assert [(r.action, r.user, r.details.get("document_no")) for r in records] == [
        ("created", user, None),
        ("created", user, "SI-1001"),
    ]


def test_the_admin_actions_record_the_ticked_rows_or_the_filter(admin_client):
    ticked = InteractionLogEntryFactory()
    InteractionLogEntryFactory(canceled=True)
    url = reverse("admin:interactions_interactionlogentry_changelist")

    admin_client.post(
        url, {"action": "mark_canceled", ACTION_CHECKBOX_NAME: [ticked.pk]}
    )
    admin_client.post(
        f"{url}?canceled__exact=1",
        {
            "action": "delete_canceled",
            "select_across": "1",
            "index": "0",
            ACTION_CHECKBOX_NAME: [ticked.pk],
        },
    )

    canceled, deleted = AuditRecord.objects.order_by("id")
    assert summary(canceled) == (
        "canceled",
        "interaction_log_entry",
        str(ticked.pk),
        1,
        "admin",
    )
    assert canceled.details == {"entries": [ticked.pk]}
    assert summary(deleted) == ("deleted", "interaction_log_entry", "", 2, "admin")
    assert deleted.details == {"filters": {"canceled__exact": "1"}}


def test_the_admins_evaluation_edit_is_recorded(admin_client):
    entry = InteractionLogEntryFactory()

    admin_client.post(
        reverse("admin:interactions_interactionlogentry_change", args=[entry.pk]),
        {"evaluation": "very_positive"},
    )

    record = only_record()
    assert summary(record) == (
        "evaluated",
        "interaction_log_entry",
        str(entry.pk),
        1,
        "admin",
    )


def test_the_command_records_its_filters():
    InteractionLogEntryFactory(canceled=True, date=DAY)

    call_command(
        "delete_canceled_interactions", "--before", "2026-03-16", stdout=io.StringIO()
    )

    record = only_record()
    assert summary(record) == ("deleted", "interaction_log_entry", "", 1, "")
    assert record.details == {"filters": {"before": "2026-03-16"}}


# The admin is read-only


def test_the_admin_shows_records_and_changes_none(admin_client):
    record = AuditRecordFactory()
    changelist = reverse("admin:audit_auditrecord_changelist")
    change = reverse("admin:audit_auditrecord_change", args=[record.pk])

    listed = admin_client.get(changelist)
    shown = admin_client.get(change)

    assert listed.status_code == 200
    assert "delete_selected" not in listed.content.decode()
    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert admin_client.post(change, {"username": "someone"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    delete = reverse("admin:audit_auditrecord_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.username != "someone"


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "codes.csv"])
def test_an_export_is_audited_with_its_filters_and_row_count(
    client, person, template, user, file_format
):
    """Finding 11 of issue 16: exports left no trace."""
    create(person, template, user)
    create(person, template, user)
    client.force_login(user)

    response = client.get(
        reverse("interactions:entry_export", args=[file_format]),
        {"contact": person.no},
        headers={"accept-language": "nl"},
    )
    assert response.status_code == 200

    record = AuditRecord.objects.get(action="exported")
    assert (record.username, record.object_type, record.count) == (
        user.username,
        "list",
        2,
    )
    # The list as its user saw it named.
    assert record.object_repr == "Interactielogposten"
    assert record.details == {"format": file_format, "filters": {"contact": person.no}}


def test_an_export_with_filters_it_cannot_read_is_not_audited(client, user):
    client.force_login(user)

    response = client.get(
        reverse("interactions:entry_export", args=["csv"]), {"date_from": "nope"}
    )

    assert response.status_code == 400
    assert not AuditRecord.objects.filter(action="exported").exists()


def test_coded_details_are_shown_by_their_labels_and_dates_as_dutch_writes_them():
    details = {
        "evaluation": "positive",
        "document_type": "email",
        "previous_date": "2026-12-06",
        "format": "xlsx",
    }
    with translation.override("nl"):
        assert details_text(details) == (
            "Evaluatie: Positief; Documentsoort: E-mail; Indeling: Excel (.xlsx); "
            "Vorige datum: 6-12-2026"
        )
    # A code or a date an older record holds that is not known stays as stored.
    assert details_text({"evaluation": "grand", "previous_date": "soon"}) == (
        "Evaluation: grand; Previous date: soon"
    )


def test_a_criteria_actions_details_read_as_the_criteria_page_words_them():
    details = {
        "criteria": {"city": "den haag", "type": "person", "segment": 7},
        "options": {"allow_existing": False, "allow_company_with_persons": True},
        "segment": "SM00007",
    }
    with translation.override("nl"):
        assert details_text(details) == (
            "Criteria: plaats begint met den haag, soort = Persoon, in segment = 7; "
            "Opties: Bedrijf met personen toestaan; Segment: SM00007"
        )
        # Criteria that no longer read as criteria are shown as they were kept.
        assert details_text({"criteria": {"gone": 1}, "options": {}}) == (
            'Criteria: {"gone": 1}; Opties: —'
        )


def test_the_filters_an_export_was_chosen_by_read_by_their_labels():
    from django.utils import translation

    from audit.models import details_text

    details = {"filters": {"salesperson": "LP", "contact": "CT00012", "odd": "x"}}
    with translation.override("nl"):
        assert details_text(details) == (
            "Filters: Verkoper = LP, Contact = CT00012, odd = x"
        )


def test_the_filters_values_read_as_the_filter_offers_them_not_as_codes():
    # Kept as codes and ISO dates (scripts read them); shown in the page's words.
    details = {
        "format": "codes.csv",
        "filters": {
            "type": "company",
            "action": "exported",
            "canceled": "False",
            "date_from": "2026-10-01",
            "after": "2026-11-30",
            "evaluation": "gone",
        },
    }
    with translation.override("nl"):
        assert details_text(details) == (
            "Filters: Soort = Bedrijf, Actie = Geëxporteerd, Geannuleerd = Nee, "
            "Van = 1-10-2026, Gedateerd na = 30-11-2026, Evaluatie = gone; "
            "Indeling: CSV (codes, UTF-8)"
        )


def test_an_unticked_box_is_no_filter_of_an_export(client, user, segment):
    client.force_login(user)

    response = client.get(
        reverse("segments:line_export", args=[segment.no, "csv"]), {"blocking": ""}
    )

    assert response.status_code == 200
    record = AuditRecord.objects.get(action="exported")
    assert record.details["filters"] == {}
