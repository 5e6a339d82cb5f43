from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditRecord
from interactions import admin as interactions_admin
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import LoggedSegment
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return InteractionLogEntryFactory(logged_segment=LoggedSegmentFactory())


@pytest.mark.parametrize(
    "model", [InteractionGroup, InteractionTemplate, InteractionLogEntry, LoggedSegment]
)
def test_admin_changelist_and_change_pages_load(admin_client, entry, model):
    obj = model.objects.get()
    info = model._meta.app_label, model._meta.model_name

    changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    change = admin_client.get(
        reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    )

    assert changelist.status_code == 200
    assert change.status_code == 200


def test_admin_entry_changelist_searches_contact_number(admin_client, entry):
    InteractionLogEntryFactory()
    url = reverse("admin:interactions_interactionlogentry_changelist")

    response = admin_client.get(url, {"q": entry.contact.no})

    assert list(response.context["cl"].result_list) == [entry]


@pytest.mark.parametrize(
    "model", [InteractionGroup, InteractionTemplate, InteractionLogEntry, LoggedSegment]
)
def test_admin_classes_pass_the_system_checks(model):
    assert admin.site._registry[model].check() == []


def test_admin_cannot_add_or_plainly_delete_entries(admin_client, entry):
    add = admin_client.get(reverse("admin:interactions_interactionlogentry_add"))
    delete = admin_client.get(
        reverse("admin:interactions_interactionlogentry_delete", args=[entry.pk])
    )

    assert add.status_code == 403
    assert delete.status_code == 403


def test_admin_entry_edit_changes_only_the_evaluation(admin_client, entry):
    url = reverse("admin:interactions_interactionlogentry_change", args=[entry.pk])

    response = admin_client.post(
        url, {"evaluation": "very_positive", "description": "Hacked"}
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.evaluation == "very_positive"
    assert entry.description != "Hacked"


def run_action(client, action, entries):
    return client.post(
        reverse("admin:interactions_interactionlogentry_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [entry.pk for entry in entries]},
        follow=True,
    )


def test_admin_action_marks_selected_entries_canceled(admin_client, entry):
    other = InteractionLogEntryFactory()

    response = run_action(admin_client, "mark_canceled", [entry])

    assert "1 interaction log entry marked canceled." in response.content.decode()
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.canceled is True
    assert entry.canceled_by.username == "admin"
    assert other.canceled is False


def test_admin_action_removes_the_canceled_mark(admin_client):
    entries = InteractionLogEntryFactory.create_batch(2, canceled=True)

    response = run_action(admin_client, "remove_canceled_mark", entries)

    assert "Canceled mark removed from 2 interaction log entries." in (
        response.content.decode()
    )
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()


def test_admin_action_shows_why_the_canceled_mark_stays(admin_client):
    segment = LoggedSegmentFactory(segment_no="SM00007", canceled=True)
    entry = InteractionLogEntryFactory(canceled=True, logged_segment=segment)

    response = run_action(admin_client, "remove_canceled_mark", [entry])

    assert "belongs to logged segment SM00007, which is canceled" in (
        response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.canceled is True


def test_admin_action_deletes_only_the_canceled_selected_entries(admin_client):
    canceled = InteractionLogEntryFactory(canceled=True)
    active = InteractionLogEntryFactory()
    unselected = InteractionLogEntryFactory(canceled=True)

    response = run_action(admin_client, "delete_canceled", [canceled, active])

    assert "1 canceled interaction log entry deleted." in response.content.decode()
    assert set(InteractionLogEntry.objects.all()) == {active, unselected}


def test_delete_canceled_action_needs_its_permission():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_interactionlogentry", "change_interactionlogentry"]
        )
    )
    request = RequestFactory().get("/")
    request.user = staff
    model_admin = admin.site._registry[InteractionLogEntry]

    assert set(model_admin.get_actions(request)) == {
        "mark_canceled",
        "remove_canceled_mark",
    }

    staff.user_permissions.add(
        Permission.objects.get(codename="delete_canceled_entries")
    )
    request.user = type(staff).objects.get(pk=staff.pk)  # fresh permission cache

    assert "delete_canceled" in model_admin.get_actions(request)


# Groups and templates through the services, as on the pages


def spy(monkeypatch, name):
    """Wrap the service `name` the admin calls; the list collects its calls' users."""
    calls = []
    real = getattr(interactions_admin, name)

    def wrapper(*args, **kwargs):
        calls.append(kwargs["user"])
        return real(*args, **kwargs)

    monkeypatch.setattr(interactions_admin, name, wrapper)
    return calls


def template_data(group, **values):
    return {
        "code": "visit",
        "group": group.pk,
        "description": "Visit",
        "unit_cost": "12.50",
        "unit_duration": "30",
        "information_flow": "",
        "initiated_by": "",
        "correspondence_type": "",
        "letter_text": "",
        **values,
    }


def test_admin_adds_a_template_through_create_template(
    admin_client, admin_user, monkeypatch
):
    calls = spy(monkeypatch, "create_template")
    group = InteractionGroupFactory(code="VISITS")

    response = admin_client.post(
        reverse("admin:interactions_interactiontemplate_add"), template_data(group)
    )

    assert response.status_code == 302
    assert calls == [admin_user]
    template = InteractionTemplate.objects.get()
    assert (template.code, template.group, template.unit_cost) == (
        "VISIT",
        group,
        Decimal("12.50"),
    )


def test_admin_changes_a_template_through_update_template(
    admin_client, admin_user, monkeypatch
):
    calls = spy(monkeypatch, "update_template")
    template = InteractionTemplateFactory(code="VISIT")
    url = reverse("admin:interactions_interactiontemplate_change", args=[template.pk])

    response = admin_client.post(
        url, template_data(template.group, description="House visit")
    )

    assert response.status_code == 302
    assert calls == [admin_user]
    template.refresh_from_db()
    assert template.description == "House visit"


def test_a_refusal_of_the_template_service_shows_on_the_admin_form(
    admin_client, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValidationError({"unit_cost": ValidationError("Refused by the service.")})

    monkeypatch.setattr(interactions_admin, "create_template", refuse)
    group = InteractionGroupFactory()

    response = admin_client.post(
        reverse("admin:interactions_interactiontemplate_add"), template_data(group)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "unit_cost": ["Refused by the service."]
    }
    assert not InteractionTemplate.objects.exists()


def test_the_admin_refuses_a_letter_text_as_the_template_service_does(admin_client):
    group = InteractionGroupFactory()

    response = admin_client.post(
        reverse("admin:interactions_interactiontemplate_add"),
        template_data(group, letter_text="Dear {{ contact.password }}"),
    )

    assert response.status_code == 200
    assert "Unknown placeholder {{ contact.password }}" in response.content.decode()
    assert not InteractionTemplate.objects.exists()


def test_admin_adds_and_changes_a_group_through_the_services(
    admin_client, admin_user, monkeypatch
):
    created = spy(monkeypatch, "create_group")
    updated = spy(monkeypatch, "update_group")

    admin_client.post(
        reverse("admin:interactions_interactiongroup_add"),
        {"code": "visits", "description": "Visits"},
    )
    group = InteractionGroup.objects.get()
    admin_client.post(
        reverse("admin:interactions_interactiongroup_change", args=[group.pk]),
        {"code": "visits", "description": "House visits"},
    )

    assert (created, updated) == ([admin_user], [admin_user])
    group.refresh_from_db()
    assert (group.code, group.description) == ("VISITS", "House visits")


def test_the_admin_names_a_taken_group_code(admin_client):
    InteractionGroupFactory(code="BEURS")

    response = admin_client.post(
        reverse("admin:interactions_interactiongroup_add"), {"code": "BEURS"}
    )

    assert response.context["adminform"].form.errors == {
        "code": ["Code BEURS already exists."]
    }
    assert InteractionGroup.objects.count() == 1


def test_admin_deletes_an_unused_group_through_delete_group(
    admin_client, admin_user, monkeypatch
):
    calls = spy(monkeypatch, "delete_group")
    group = InteractionGroupFactory()

    response = admin_client.post(
        reverse("admin:interactions_interactiongroup_delete", args=[group.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert calls == [admin_user]
    assert not InteractionGroup.objects.exists()


def test_admin_bulk_delete_of_templates_calls_delete_template_for_each(
    admin_client, admin_user, monkeypatch
):
    calls = spy(monkeypatch, "delete_template")
    templates = InteractionTemplateFactory.create_batch(2)

    response = admin_client.post(
        reverse("admin:interactions_interactiontemplate_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [template.pk for template in templates],
        },
    )

    assert response.status_code == 302
    assert calls == [admin_user, admin_user]
    assert not InteractionTemplate.objects.exists()


def test_admin_bulk_delete_keeps_every_group_when_the_service_refuses_one(
    admin_client, monkeypatch
):
    groups = InteractionGroupFactory.create_batch(2)
    real = interactions_admin.delete_group

    def refuse_the_second(group, *, user):
        if group == groups[1]:
            raise ValidationError("In use since the confirmation.")
        real(group, user=user)

    monkeypatch.setattr(interactions_admin, "delete_group", refuse_the_second)

    response = admin_client.post(
        reverse("admin:interactions_interactiongroup_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [group.pk for group in groups],
        },
        follow=True,
    )

    assert InteractionGroup.objects.count() == 2
    assert "In use since the confirmation." in [
        str(message) for message in response.context["messages"]
    ]


def test_admin_action_on_entries_is_audited(admin_client, admin_user, entry):
    run_action(admin_client, "mark_canceled", [entry])

    record = AuditRecord.objects.get()
    assert (record.action, record.user, record.object_type, record.count) == (
        AuditRecord.Action.CANCELED,
        admin_user,
        AuditRecord.ObjectType.ENTRY,
        1,
    )
    assert record.details == {"entries": [entry.pk]}
