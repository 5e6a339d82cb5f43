"""Privacy blocked through the interfaces: the contact card, its block page, the
contact list and form, the admin, the pages that write, and the API (400 and an
audit record REFUSED)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditAction, AuditRecord, detail_lines
from crm import services as crm_services
from crm.models import Contact
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplateSetup,
)
from segments import services as segment_services
from tasks.models import Task
from tests.api.conftest import token_client
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    NumberSeriesFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

MESSAGE = (
    "Contact CT00002 Blocked Bram is privacy blocked: no new interactions, segment "
    "lines, tasks or deliveries can be made for it."
)


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
def blocked(salesperson, user):
    contact = PersonFactory(no="CT00002", name="Blocked Bram", city="Utrecht")
    crm_services.set_privacy_blocked(contact, True, user=user)
    return contact


@pytest.fixture
def open_contact(salesperson):
    return PersonFactory(no="CT00001", name="Open Olga", city="Utrecht")


def refusals():
    return list(AuditRecord.objects.filter(action=AuditAction.REFUSED))


class TestCard:
    def test_card_shows_the_badge_and_the_lift_button(self, sales_client, blocked):
        html = sales_client.get(blocked.get_absolute_url()).content.decode()

        assert "Privacy blocked" in html
        assert "Lift privacy block" in html
        assert reverse("crm:contact_privacy_block", args=[blocked.pk]) in html

    def test_card_offers_no_action_the_block_refuses(
        self, sales_client, blocked, open_contact
    ):
        refused = [
            reverse("interactions:entry_create"),
            reverse("interactions:send_email"),
            reverse("interactions:letter"),
            reverse("tasks:task_create"),
        ]
        blocked_html = sales_client.get(blocked.get_absolute_url()).content.decode()
        open_html = sales_client.get(open_contact.get_absolute_url()).content.decode()

        assert [url for url in refused if f'href="{url}?' in blocked_html] == []
        assert "no new interactions, e-mails, letters or tasks" in blocked_html
        assert [url for url in refused if f'href="{url}?' in open_html] == refused
        assert "no new interactions, e-mails, letters or tasks" not in open_html

    def test_block_asks_first_then_blocks_and_audits(self, sales_client, open_contact):
        url = reverse("crm:contact_privacy_block", args=[open_contact.pk])

        page = sales_client.get(url)
        assert page.status_code == 200
        assert "Mark contact" in page.content.decode()
        assert not Contact.objects.get(pk=open_contact.pk).privacy_blocked

        response = sales_client.post(url, {"blocked": "true"})

        assert response.status_code == 302
        assert response.url == open_contact.get_absolute_url()
        assert Contact.objects.get(pk=open_contact.pk).privacy_blocked
        record = AuditRecord.objects.get()
        assert (record.action, record.object_id, record.username) == (
            AuditAction.BLOCKED,
            "CT00001",
            "sales",
        )
        # The same click again changes nothing and writes nothing.
        sales_client.post(url, {"blocked": "true"})
        assert AuditRecord.objects.count() == 1

    def test_unblock(self, sales_client, blocked):
        url = reverse("crm:contact_privacy_block", args=[blocked.pk])

        sales_client.post(url, {"blocked": "false"})

        assert not Contact.objects.get(pk=blocked.pk).privacy_blocked
        assert AuditRecord.objects.filter(action=AuditAction.UNBLOCKED).exists()

    @pytest.mark.parametrize("value", ["", "yes", "\x00"])
    def test_bad_input_is_a_400_with_a_message(self, sales_client, open_contact, value):
        url = reverse("crm:contact_privacy_block", args=[open_contact.pk])

        response = sales_client.post(url, {"blocked": value})

        assert response.status_code == 400
        assert "true or false" in response.content.decode()
        assert not AuditRecord.objects.exists()

    def test_without_the_change_permission_403(self, client, open_contact):
        client.force_login(UserFactory(username="viewer", groups=[]))
        url = reverse("crm:contact_privacy_block", args=[open_contact.pk])

        assert client.post(url, {"blocked": "true"}).status_code == 403

    def test_the_contact_form_changes_the_flag_audited(
        self, sales_client, open_contact
    ):
        response = sales_client.post(
            reverse("crm:contact_update", args=[open_contact.pk]),
            {
                "type": "person",
                "name": "Open Olga",
                "city": "Utrecht",
                "correspondence_type": "",
                "privacy_blocked": "on",
            },
        )

        assert response.status_code == 302
        assert Contact.objects.get(pk=open_contact.pk).privacy_blocked
        assert AuditRecord.objects.get().action == AuditAction.BLOCKED


class TestContactList:
    URL = reverse("crm:contact_list")

    def test_filter_and_badge(self, sales_client, open_contact, blocked):
        response = sales_client.get(self.URL, {"privacy_blocked": "true"})

        assert list(response.context["contact_list"]) == [blocked]
        assert "Privacy blocked" in response.content.decode()
        response = sales_client.get(
            self.URL, {"privacy_blocked": "false", "type": "person"}
        )
        assert list(response.context["contact_list"]) == [open_contact]

    def test_list_queries_do_not_grow_with_blocked_rows(self, sales_client, user):
        PersonFactory(privacy_blocked=True)
        with CaptureQueriesContext(connection) as few:
            assert sales_client.get(self.URL).status_code == 200
        for _n in range(50):
            PersonFactory(privacy_blocked=True)
        with CaptureQueriesContext(connection) as many:
            assert sales_client.get(self.URL).status_code == 200

        assert len(many) <= len(few)


class TestPages:
    def test_create_interaction_page_shows_the_refusal(
        self, sales_client, blocked, template, salesperson
    ):
        response = sales_client.post(
            reverse("interactions:entry_create"),
            {
                "contact": blocked.no,
                "template": template.pk,
                "description": "Called",
                "salesperson": salesperson.pk,
                "date": "2026-11-20",
                "time": "10:42",
                "interaction_successful": "on",
                "action": "finish",
            },
        )

        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        assert not InteractionLogEntry.objects.exists()

    def test_create_interaction_page_warns_before_it_is_filled_in(
        self, sales_client, blocked, open_contact
    ):
        url = reverse("interactions:entry_create")

        warned = sales_client.get(url, {"contact": blocked.no}).content.decode()
        other = sales_client.get(url, {"contact": open_contact.no}).content.decode()

        assert (
            "Contact CT00002 Blocked Bram is privacy blocked: an interaction for it "
            "will be refused." in warned
        )
        assert "privacy-blocked-warning" not in other

    def test_create_task_page_shows_the_refusal(self, sales_client, setup, blocked):
        response = sales_client.post(
            reverse("tasks:task_create"),
            {
                "type": "",
                "description": "Call back",
                "contact": blocked.no,
                "date": "2026-11-20",
                "duration": "0",
                "priority": "normal",
                "status": "not_started",
                "calc_due_date_from": "due_date",
            },
        )

        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        assert not Task.objects.exists()

    def test_send_email_page_sends_nothing(
        self, sales_client, blocked, template, mailoutbox
    ):
        blocked.email = "bram@example.org"
        blocked.save()
        response = sales_client.post(
            f"{reverse('interactions:send_email')}?contact={blocked.no}",
            {"subject": "Hello", "body": "Text", "template": template.pk},
        )

        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        assert mailoutbox == []

    def test_log_page_names_the_blocked_line(
        self, sales_client, setup, open_contact, template, salesperson, user
    ):
        segment = segment_services.create_segment(
            user=user, description="Spring", template=template, salesperson=salesperson
        )
        segment_services.add_contacts(segment, [open_contact], user=user)
        crm_services.set_privacy_blocked(open_contact, True, user=user)

        response = sales_client.post(reverse("segments:segment_log", args=[segment.no]))

        assert response.status_code == 400
        html = response.content.decode()
        # The lines that stop the logging are listed with the reason.
        assert "1 line cannot be logged." in html
        assert "Open Olga</td>" in html
        assert "<td>Contact privacy blocked</td>" in html
        assert not InteractionLogEntry.objects.exists()

    def test_log_page_offers_no_template_fix_for_a_privacy_blocked_line(
        self, sales_client, setup, open_contact, blocked, template, salesperson, user
    ):
        segment = segment_services.create_segment(
            user=user, description="Spring", template=template, salesperson=salesperson
        )
        segment_services.add_contacts(segment, [open_contact], user=user)
        crm_services.set_privacy_blocked(open_contact, True, user=user)
        url = reverse("segments:segment_log", args=[segment.no])

        html = sales_client.get(url, headers={"accept-language": "nl"}).content
        html = html.decode()

        # Applying the header's template changes nothing for it: the page says
        # to remove the line, and offers the way to it.
        assert "Sjabloon van de kop toepassen" not in html
        assert "verwijder ze uit het segment." in html
        assert "Deze regel tonen" in html

        # A line the header can help still gets the button beside it.
        other = PersonFactory(no="CT00003", name="Open Otto")
        segment_services.add_contacts(segment, [other], user=user)
        segment.lines.filter(contact=other).update(template=None)
        html = sales_client.get(url, headers={"accept-language": "nl"}).content
        assert "Sjabloon van de kop toepassen" in html.decode()

    def test_add_contacts_from_entries_page_says_who_was_left_out(
        self, sales_client, setup, open_contact, blocked, template, user
    ):
        segment = segment_services.create_segment(user=user, description="Spring")
        InteractionLogEntryFactory(contact=open_contact, template=template)
        InteractionLogEntryFactory(contact=blocked, template=template)

        response = sales_client.post(
            reverse("segments:add_contacts_from_entries", args=[segment.no]),
            {"query": ""},
            follow=True,
        )

        messages = [str(m) for m in response.context["messages"]]
        assert messages == [
            "1 contact added to segment SM00001. 1 privacy blocked contact was "
            "left out."
        ]
        assert list(segment.lines.values_list("contact__no", flat=True)) == ["CT00001"]


@pytest.fixture
def superuser_client(client):
    client.force_login(
        UserFactory(username="root", is_superuser=True, is_staff=True, groups=[])
    )
    return client


class TestAdmin:
    def test_contact_admin_change_of_the_flag_is_audited(
        self, superuser_client, open_contact
    ):
        response = superuser_client.post(
            reverse("admin:crm_contact_change", args=[open_contact.pk]),
            {
                "no": open_contact.no,
                "type": "person",
                "name": open_contact.name,
                "city": "Utrecht",
                "correspondence_type": "",
                "privacy_blocked": "on",
            },
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        assert Contact.objects.get(pk=open_contact.pk).privacy_blocked
        assert AuditRecord.objects.get().action == AuditAction.BLOCKED

    def test_contact_admin_filters_on_the_flag(self, superuser_client, blocked):
        response = superuser_client.get(
            reverse("admin:crm_contact_changelist"), {"privacy_blocked__exact": "1"}
        )
        assert list(response.context["cl"].result_list) == [blocked]

    def test_task_admin_add_is_refused(self, superuser_client, setup, blocked):
        response = superuser_client.post(
            reverse("admin:tasks_task_add"),
            {
                "description": "Bellen",
                "type": "phone_call",
                "contact": blocked.pk,
                "date": "2026-12-10",
                "duration": "0",
                "priority": "normal",
                "status": "not_started",
                "calc_due_date_from": "due_date",
            },
        )

        assert response.status_code == 200
        assert MESSAGE in response.content.decode()
        assert not Task.objects.exists()

    def test_segment_line_admin_add_is_refused(
        self, superuser_client, setup, blocked, template, user
    ):
        segment = segment_services.create_segment(
            user=user, description="Spring", template=template
        )
        response = superuser_client.post(
            reverse("admin:segments_segmentline_add"),
            {
                "segment": segment.pk,
                "contact": blocked.pk,
                "cost": "0",
                "duration": "0",
                "information_flow": "",
                "initiated_by": "",
                "correspondence_type": "",
            },
        )

        assert response.status_code == 200
        assert MESSAGE in response.content.decode()
        assert not segment.lines.exists()


class TestApi:
    @pytest.fixture
    def api(self, sales_user):
        return token_client(sales_user)

    def test_create_interaction_is_400_and_audited_refused(
        self, api, blocked, template, sales_user
    ):
        response = api.post(
            reverse("api:interaction_list"),
            {"contact": blocked.no, "template": template.code},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [MESSAGE]}
        assert not InteractionLogEntry.objects.exists()
        [record] = refusals()
        assert (record.object_type, record.object_id, record.username) == (
            "contact",
            "CT00002",
            "sales",
        )
        assert record.details["action"] == "create_interaction"
        assert record.details["message"] == MESSAGE

    def test_automatic_recording_is_400_and_audited_refused(
        self, api, blocked, template
    ):
        InteractionTemplateSetup.objects.update_or_create(
            document_type=DocumentType.SALES_INVOICE, defaults={"template": template}
        )
        response = api.post(
            reverse("api:document_create"),
            {
                "document_type": "sales_invoice",
                "document_no": "SI-1",
                "contact": blocked.no,
            },
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [MESSAGE]}
        assert refusals()[0].details["action"] == "log_document"

    def test_create_task_is_400_and_audited_refused(self, api, setup, blocked):
        response = api.post(
            reverse("api:task_list"),
            {"description": "Bellen", "contact": blocked.no, "date": "2026-12-10"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [MESSAGE]}
        assert not Task.objects.exists()
        assert refusals()[0].details["action"] == "create_task"

    def test_the_audit_trail_names_the_refused_action_in_words(
        self, api, setup, blocked, crm_admin_client
    ):
        api.post(
            reverse("api:task_list"),
            {"description": "Bellen", "contact": blocked.no, "date": "2026-12-10"},
            format="json",
        )
        [record] = refusals()

        # Stored as the service's name, shown as what the user tried to do.
        with translation.override("nl"):
            assert dict(detail_lines(record.details))["Actie"] == "Taak maken"
        assert dict(detail_lines(record.details))["Action"] == "Create task"
        page = crm_admin_client.get(
            reverse("audit:list"), headers={"accept-language": "nl"}
        )
        assert "Taak maken" in page.content.decode()
        assert "create_task" not in page.content.decode()

    def test_other_refusals_write_no_refused_record(self, api, template):
        response = api.post(
            reverse("api:interaction_list"),
            {"contact": "NOPE", "template": template.code},
            format="json",
        )
        assert response.status_code == 400
        assert refusals() == []

    def test_the_contact_list_shows_the_flag(self, api, blocked):
        response = api.get(reverse("api:contact_list"), {"privacy_blocked": "true"})

        assert [row["no"] for row in response.json()["results"]] == ["CT00002"]
        assert response.json()["results"][0]["privacy_blocked"] is True
