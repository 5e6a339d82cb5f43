import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import LoggedSegment
from tests.factories import (
    InteractionLogEntryFactory,
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
