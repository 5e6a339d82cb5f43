"""Privacy blocked (issue 22): a blocked contact gets no new interactions, segment
lines, tasks or deliveries on any write path, and keeps its history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditRecord
from crm import services as crm_services
from crm.models import Contact
from interactions import correspondence
from interactions import services as interaction_services
from interactions.models import DeliveryStatus, DocumentType, InteractionLogEntry
from segments import services as segment_services
from segments.selectors import log_check
from tasks import services as task_services
from tasks.models import Task
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

REFUSED = "is privacy blocked"


@pytest.fixture
def setup(marketing_setup):
    marketing_setup.task_nos = NumberSeriesFactory(code="TASK", prefix="TK")
    marketing_setup.save()
    return marketing_setup


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE"),
        information_flow="outbound",
        initiated_by="us",
    )


@pytest.fixture
def mail_template():
    return InteractionTemplateFactory(
        code="MAIL",
        description="Mailing",
        group=InteractionGroupFactory(code="MAILS"),
        correspondence_type="email",
        letter_text="Dear {{ contact.name }}",
    )


@pytest.fixture
def open_contact(salesperson):
    return PersonFactory(
        no="CT00001", name="Open Olga", city="Utrecht", email="olga@example.org"
    )


@pytest.fixture
def blocked(salesperson, user):
    contact = PersonFactory(
        no="CT00002", name="Blocked Bram", city="Utrecht", email="bram@example.org"
    )
    crm_services.set_privacy_blocked(contact, True, user=user)
    return contact


def refused(error):
    message = " ".join(error.value.messages)
    assert REFUSED in message
    return message


class TestBlockService:
    def test_block_and_unblock_are_audited_and_a_repeat_changes_nothing(
        self, user, open_contact
    ):
        assert crm_services.set_privacy_blocked(open_contact, True, user=user)
        assert not crm_services.set_privacy_blocked(open_contact, True, user=user)
        assert Contact.objects.get(pk=open_contact.pk).privacy_blocked
        assert crm_services.set_privacy_blocked(open_contact, False, user=user)

        records = AuditRecord.objects.order_by("pk")
        assert [(r.action, r.object_type, r.object_id) for r in records] == [
            (AuditAction.BLOCKED, "contact", "CT00001"),
            (AuditAction.UNBLOCKED, "contact", "CT00001"),
        ]
        assert records[0].username == "sales"

    def test_update_contact_changing_the_flag_is_audited(self, user, open_contact):
        crm_services.update_contact(open_contact, user=user, privacy_blocked=True)
        crm_services.update_contact(open_contact, user=user, privacy_blocked=False)

        assert list(
            AuditRecord.objects.order_by("pk").values_list("action", flat=True)
        ) == [AuditAction.BLOCKED, AuditAction.UNBLOCKED]
        assert not Contact.objects.get(pk=open_contact.pk).privacy_blocked

    def test_saving_an_older_copy_keeps_the_block(self, user, open_contact):
        stale = Contact.objects.get(pk=open_contact.pk)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        crm_services.update_contact(stale, user=user, city="Zeist")

        assert Contact.objects.get(pk=open_contact.pk).privacy_blocked
        assert Contact.objects.get(pk=open_contact.pk).city == "Zeist"

    def test_create_contact_blocked_is_audited(self, user, setup):
        contact = crm_services.create_contact(
            user=user, name="New Nina", type="person", privacy_blocked=True
        )

        assert contact.privacy_blocked
        assert AuditRecord.objects.get().action == AuditAction.BLOCKED

    def test_queryset_vocabulary(self, open_contact, blocked):
        assert list(Contact.objects.privacy_blocked()) == [blocked]
        persons = Contact.objects.filter(type="person")
        assert list(persons.not_privacy_blocked()) == [open_contact]

    def test_refusal_names_the_contacts_and_counts_the_rest(self, user):
        for n in range(7):
            PersonFactory(no=f"CT1{n:04d}", name=f"Person {n}", privacy_blocked=True)
        with pytest.raises(ValidationError) as error:
            crm_services.refuse_privacy_blocked(
                Contact.objects.all(), user=user, action="test"
            )

        assert error.value.code == "privacy_blocked"
        assert error.value.messages == [
            "7 contacts are privacy blocked: CT10000 Person 0, CT10001 Person 1, "
            "CT10002 Person 2, CT10003 Person 3, CT10004 Person 4, and 2 more. No "
            "new interactions, segment lines, tasks or deliveries can be made for "
            "them."
        ]
        assert error.value.contacts[:2] == ["CT10000", "CT10001"]

    def test_refusal_reads_the_flag_again(self, user, open_contact):
        stale = Contact.objects.get(pk=open_contact.pk)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        with pytest.raises(ValidationError):
            crm_services.refuse_privacy_blocked(stale)

    def test_no_refusal_for_open_contacts(self, open_contact):
        crm_services.refuse_privacy_blocked([open_contact])
        crm_services.refuse_privacy_blocked([])


class TestInteractions:
    def test_create_interaction_is_refused_and_the_history_stays(
        self, user, blocked, template, salesperson
    ):
        old = InteractionLogEntryFactory(contact=blocked, template=template)

        with pytest.raises(ValidationError) as error:
            interaction_services.create_interaction(
                contact=blocked, template=template, user=user, description="Call"
            )

        assert refused(error) == (
            "Contact CT00002 Blocked Bram is privacy blocked: no new interactions, "
            "segment lines, tasks or deliveries can be made for it."
        )
        assert list(InteractionLogEntry.objects.all()) == [old]
        assert not AuditRecord.objects.filter(action=AuditAction.CREATED).exists()

    def test_postponing_is_refused(self, user, blocked, template):
        with pytest.raises(ValidationError) as error:
            interaction_services.postpone_interaction(
                contact=blocked, user=user, template=template
            )
        refused(error)
        assert not InteractionLogEntry.objects.exists()

    def test_resuming_a_draft_of_a_contact_blocked_since_is_refused(
        self, user, open_contact, template, salesperson
    ):
        draft = interaction_services.postpone_interaction(
            contact=open_contact, user=user, template=template, description="Draft"
        )
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        with pytest.raises(ValidationError) as error:
            interaction_services.resume_interaction(draft, user=user)

        refused(error)
        assert InteractionLogEntry.objects.get().postponed

    def test_automatic_recording_is_refused(self, user, blocked, template):
        with pytest.raises(ValidationError) as error:
            interaction_services.log_document(
                document_type=DocumentType.SALES_INVOICE,
                document_no="INV-1",
                contact=blocked,
                template=template,
                user=user,
            )
        refused(error)
        assert not InteractionLogEntry.objects.exists()

    def test_no_e_mail_is_sent_and_nothing_logged(
        self, user, blocked, mail_template, mailoutbox
    ):
        with pytest.raises(ValidationError) as error:
            correspondence.send_email(
                contact=blocked,
                subject="Hello",
                body="Hi",
                user=user,
                template=mail_template,
            )
        refused(error)
        assert mailoutbox == []
        assert not InteractionLogEntry.objects.exists()

    def test_a_letter_is_not_logged(self, user, blocked, mail_template):
        with pytest.raises(ValidationError):
            correspondence.log_letter(mail_template, contact=blocked, user=user)
        assert not InteractionLogEntry.objects.exists()


@pytest.fixture
def segment(setup, user, template, salesperson):
    return segment_services.create_segment(
        user=user,
        description="Spring",
        template=template,
        salesperson=salesperson,
        date=datetime.date(2026, 3, 15),
    )


def line_contacts(segment):
    return set(segment.lines.values_list("contact__no", flat=True))


class TestSegments:
    def test_add_line_by_hand_is_refused(self, user, segment, blocked):
        with pytest.raises(ValidationError) as error:
            segment_services.add_line(segment, contact=blocked, user=user)
        refused(error)
        assert not segment.lines.exists()

    def test_add_contacts_leaves_blocked_contacts_out(
        self, user, segment, open_contact, blocked
    ):
        added = segment_services.add_contacts(
            segment, [open_contact, blocked], user=user, ignore_exclusion=True
        )
        assert added == 1
        assert line_contacts(segment) == {"CT00001"}

    def test_criteria_add_leaves_them_out_whatever_the_options(
        self, user, segment, open_contact, blocked
    ):
        criteria = {"city": "Utrecht"}
        assert (
            segment_services.preview_action(
                segment, "add", criteria, ignore_exclusion=True
            )
            == 1
        )
        added = segment_services.add_contacts_by_criteria(
            segment,
            criteria,
            user=user,
            ignore_exclusion=True,
            expand_contact=True,
            allow_company_with_persons=True,
            allow_existing=True,
        )
        assert "CT00002" not in line_contacts(segment)
        assert "CT00001" in line_contacts(segment)
        assert added == len(line_contacts(segment))

    def test_from_entries_counts_the_blocked_ones_left_out(
        self, user, segment, open_contact, blocked, template
    ):
        InteractionLogEntryFactory(contact=open_contact, template=template)
        InteractionLogEntryFactory(contact=blocked, template=template)

        result = segment_services.add_contacts_from_entries(
            segment, entries=InteractionLogEntry.objects.all(), user=user
        )

        assert (result.added, result.blocked, result.excluded) == (1, 1, 0)
        assert line_contacts(segment) == {"CT00001"}

    def test_segment_from_entries_of_blocked_contacts_only_is_refused(
        self, user, setup, blocked, template
    ):
        InteractionLogEntryFactory(contact=blocked, template=template)
        with pytest.raises(ValidationError, match="1 privacy blocked"):
            segment_services.create_segment_from_entries(
                InteractionLogEntry.objects.all(), user=user, description="X"
            )

    def test_reusing_a_logged_segment_leaves_them_out(
        self, user, segment, open_contact, template, salesperson
    ):
        segment_services.add_contacts(segment, [open_contact], user=user)
        logged, _follow_up = segment_services.log_segment(segment, user=user)
        crm_services.set_privacy_blocked(open_contact, True, user=user)
        other = segment_services.create_segment(user=user, description="Again")

        assert segment_services.reuse_logged_segment(other, logged, user=user) == 0

    def test_reusing_saved_criteria_leaves_them_out(
        self, user, segment, open_contact, blocked
    ):
        segment_services.add_contacts_by_criteria(
            segment, {"city": "Utrecht"}, user=user
        )
        saved = segment_services.save_criteria(
            segment, code="UTR", description="Utrecht", user=user
        )
        other = segment_services.create_segment(user=user, description="Again")

        segment_services.reuse_criteria(other, saved, user=user)

        assert "CT00002" not in line_contacts(other)

    def test_logging_a_segment_with_a_line_blocked_since_is_refused(
        self, user, segment, open_contact
    ):
        segment_services.add_contacts(segment, [open_contact], user=user)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        with pytest.raises(ValidationError) as error:
            segment_services.log_segment(segment, user=user)

        assert (
            "Contact CT00001 Open Olga in segment SM00001 is privacy blocked: "
            "remove its line." in error.value.messages
        )
        assert not InteractionLogEntry.objects.exists()
        check = log_check(segment)
        assert [(reason.value, count) for reason, count in check.reason_counts] == [
            ("privacy_blocked", 1)
        ]

    def test_the_header_template_does_not_lift_a_blocked_line(
        self, user, segment, open_contact
    ):
        segment_services.add_contacts(segment, [open_contact], user=user)
        segment.lines.update(template=None)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        changed = segment_services.apply_header_template_to_blocking_lines(
            segment, user=user
        )

        assert changed == 0
        assert segment.lines.blocking().count() == 1

    def test_a_dynamic_segment_drops_the_line_at_log_and_reports_it(
        self, user, segment, open_contact, blocked
    ):
        other = PersonFactory(no="CT00003", city="Utrecht", company=None)
        segment.reapply_criteria = True
        segment.save()
        segment_services.add_contacts_by_criteria(
            segment, {"city": "Utrecht"}, user=user, allow_company_with_persons=True
        )
        assert "CT00003" in line_contacts(segment)
        crm_services.set_privacy_blocked(other, True, user=user)
        # The Log page's check knows the replay will drop the line.
        assert log_check(segment).loggable

        logged, _follow_up = segment_services.log_segment(segment, user=user)

        logged_for = set(logged.log_entries.values_list("contact__no", flat=True))
        assert "CT00003" not in logged_for
        assert "CT00002" not in logged_for
        assert "CT00001" in logged_for
        record = AuditRecord.objects.get(action=AuditAction.SEGMENT_LOGGED)
        assert record.details["privacy_blocked"] == 1

    def test_delivery_skips_a_contact_blocked_after_the_logging(
        self, user, setup, mail_template, salesperson, open_contact, mailoutbox
    ):
        second = PersonFactory(no="CT00004", name="Second", email="s@example.org")
        segment = segment_services.create_segment(
            user=user,
            description="Mailing",
            template=mail_template,
            salesperson=salesperson,
            subject="Offer",
            date=datetime.date(2026, 3, 15),
            ignore_contact_correspondence_type=True,
        )
        segment_services.add_contacts(segment, [open_contact, second], user=user)
        # No user: no job; the delivery is run below, after the block.
        logged, _follow_up = segment_services.log_segment(
            segment, user=None, deliver=True
        )
        crm_services.set_privacy_blocked(second, True, user=user)

        segment_services.deliver_logged_segment(logged)

        assert [message.to for message in mailoutbox] == [["olga@example.org"]]
        entry = logged.log_entries.get(contact=second)
        assert entry.delivery_status == DeliveryStatus.ERROR
        assert entry.delivery_error == "Not sent: the contact is privacy blocked."


class TestTasks:
    def test_create_task_is_refused(self, user, setup, blocked):
        with pytest.raises(ValidationError) as error:
            task_services.create_task(user=user, contact=blocked, description="Call")
        refused(error)
        assert not Task.objects.exists()

    def test_a_blocked_attendee_is_refused(self, user, setup, open_contact, blocked):
        with pytest.raises(ValidationError):
            task_services.create_task(
                user=user,
                type="meeting",
                contact=open_contact,
                description="Meet",
                attendee_contacts=[blocked],
            )
        assert not Task.objects.exists()

    def test_changing_a_task_to_a_blocked_contact_is_refused(
        self, user, setup, open_contact, blocked
    ):
        task = task_services.create_task(
            user=user, contact=open_contact, description="Call"
        )
        with pytest.raises(ValidationError):
            task_services.update_task(task, user=user, contact=blocked)
        # A task of a contact blocked since may still be changed.
        crm_services.set_privacy_blocked(open_contact, True, user=user)
        task_services.update_task(task, user=user, description="Call later")

    def test_completing_with_logging_is_refused_and_the_task_stays_open(
        self, user, setup, open_contact, template
    ):
        task = task_services.create_task(
            user=user, contact=open_contact, description="Call", template=template
        )
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        with pytest.raises(ValidationError) as error:
            task_services.complete_task(task, user=user)

        refused(error)
        task.refresh_from_db()
        assert not task.closed
        assert not InteractionLogEntry.objects.exists()

    def test_a_recurring_task_of_a_blocked_contact_gets_no_next_one(
        self, user, setup, open_contact
    ):
        task = task_services.create_task(
            user=user,
            contact=open_contact,
            description="Weekly",
            recurring=True,
            recurring_date_interval="1W",
        )
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        completion = task_services.complete_task(task, user=user)

        assert completion.next_task is None
        assert Task.objects.count() == 1

    def test_tasks_for_a_segment_with_a_blocked_line_are_refused(
        self, user, segment, open_contact
    ):
        segment_services.add_contacts(segment, [open_contact], user=user)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        with pytest.raises(ValidationError) as error:
            task_services.create_tasks_for_segment(
                segment, user=user, description="Follow up"
            )
        refused(error)
        assert not Task.objects.exists()

    def test_tasks_for_a_logged_segment_leave_blocked_contacts_out(
        self, user, segment, open_contact
    ):
        second = PersonFactory(no="CT00005")
        segment_services.add_contacts(segment, [open_contact, second], user=user)
        logged, _follow_up = segment_services.log_segment(segment, user=user)
        crm_services.set_privacy_blocked(second, True, user=user)

        made = task_services.create_tasks_for_segment(
            logged, user=user, description="Follow up"
        )

        assert made == 1
        assert list(Task.objects.values_list("contact__no", flat=True)) == ["CT00001"]
