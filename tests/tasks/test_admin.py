import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from audit.models import AuditRecord
from interactions.models import InteractionLogEntry
from tasks.models import Task
from tests.factories import InteractionTemplateFactory, TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_admin_adds_through_the_service(superuser_client, contact):
    response = superuser_client.post(
        reverse("admin:tasks_task_add"),
        {
            "description": "Bellen",
            "type": "phone_call",
            "contact": contact.pk,
            "date": "2026-12-10",
            "duration": "0",
            "priority": "normal",
            "status": "not_started",
            "calc_due_date_from": "due_date",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.no == "TK00001"
    assert AuditRecord.objects.filter(object_type="task", action="created").exists()


def test_admin_shows_the_services_refusal(superuser_client):
    response = superuser_client.post(
        reverse("admin:tasks_task_add"),
        {
            "description": "Bellen",
            "type": "phone_call",
            "date": "2026-12-10",
            "duration": "0",
            "priority": "normal",
            "status": "not_started",
            "calc_due_date_from": "due_date",
        },
    )
    assert response.status_code == 200
    assert "A phone call needs a contact to call." in response.content.decode()
    assert not Task.objects.exists()


def test_admin_completes_with_the_interaction(superuser_client, contact):
    task = TaskFactory(contact=contact, template=InteractionTemplateFactory())
    response = superuser_client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "complete", "_selected_action": [task.pk]},
        follow=True,
    )
    assert "1 task completed." in response.content.decode()
    task.refresh_from_db()
    assert task.closed
    assert InteractionLogEntry.objects.get().pk == task.logged_entry_no


def test_admin_cancels(superuser_client):
    task = TaskFactory()
    superuser_client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "cancel", "_selected_action": [task.pk]},
    )
    task.refresh_from_db()
    assert task.canceled
