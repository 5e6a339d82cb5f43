"""Toewijzen aan verkoper: the task list's bulk action and the admin action, both
through tasks.services.reassign_tasks."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditRecord
from tasks.models import Task
from tests.factories import SalespersonFactory, TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]

URL = reverse("tasks:task_reassign")


@pytest.fixture
def target():
    return SalespersonFactory(code="BJ", name="Bram Jansen")


def reassign(client, tasks=(), follow=False, **data):
    values = {"action": "reassign", "scope": "selected", "salesperson": "BJ"}
    values.update(data)
    values["selected"] = [task.pk for task in tasks]
    return client.post(URL, values, follow=follow)


def test_first_post_asks_then_the_confirmation_reassigns(
    sales_client, salesperson, target
):
    mine = [TaskFactory(salesperson=salesperson) for _ in range(2)]
    response = reassign(sales_client, mine)
    assert response.status_code == 200
    assert "assign the selected 2 tasks to BJ" in response.content.decode()
    assert not Task.objects.filter(salesperson=target).exists()
    response = reassign(sales_client, mine, confirmed="on")
    assert response.status_code == 302
    assert Task.objects.filter(salesperson=target).count() == 2
    assert AuditRecord.objects.get(action="reassigned").count == 2
    page = sales_client.get(response.url)
    assert "2 tasks assigned." in page.content.decode()


def test_all_matching_the_filter(crm_admin_client, target):
    done = TaskFactory(salesperson__code="CD")
    TaskFactory(salesperson__code="EF")
    response = crm_admin_client.post(
        URL,
        {
            "action": "reassign",
            "scope": "all",
            "query": "salesperson=CD",
            "salesperson": "BJ",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    assert list(Task.objects.filter(salesperson=target)) == [done]


def test_sales_may_not_reassign_someone_elses_task(sales_client, salesperson, target):
    theirs = TaskFactory()
    response = reassign(sales_client, [theirs], confirmed="on")
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.salesperson != target


def test_sales_may_reassign_unassigned_tasks(sales_client, salesperson, target):
    free = TaskFactory(salesperson=None)
    assert reassign(sales_client, [free], confirmed="on").status_code == 302
    free.refresh_from_db()
    assert free.salesperson == target


def test_without_change_permission_it_is_forbidden(client, target):
    client.force_login(User.objects.create_user("reader"))
    task = TaskFactory()
    assert reassign(client, [task], confirmed="on").status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"salesperson": ""}, "Choose the salesperson"),
        ({"salesperson": "NOPE"}, "Choose the salesperson"),
        ({"selected": []}, "Select at least one line"),
        ({"action": "delete"}, "not valid"),
        ({"selected": ["99999999999999999999"]}, "not valid"),
    ],
)
def test_bad_input_is_a_400_with_a_message(crm_admin_client, target, data, message):
    task = TaskFactory()
    values = {
        "action": "reassign",
        "scope": "selected",
        "salesperson": "BJ",
        "selected": [task.pk],
        "confirmed": "on",
        **data,
    }
    response = crm_admin_client.post(URL, values)
    assert response.status_code == 400
    assert message in response.content.decode()
    task.refresh_from_db()
    assert task.salesperson != target


def test_a_blocked_salesperson_is_refused_with_a_message(crm_admin_client):
    SalespersonFactory(code="BJ", blocked=True)
    task = TaskFactory()
    response = reassign(crm_admin_client, [task], confirmed="on", follow=True)
    assert "Salesperson BJ is blocked." in response.content.decode()
    task.refresh_from_db()
    assert task.salesperson.code != "BJ"


def test_query_count_does_not_grow_with_the_tasks(crm_admin_client, target):
    reassign(crm_admin_client, [TaskFactory()], confirmed="on")  # warm the session
    counts = []
    for size in (2, 12):
        tasks = [TaskFactory() for _ in range(size)]
        for confirmed in ("", "on"):
            with CaptureQueriesContext(connection) as queries:
                response = reassign(crm_admin_client, tasks, confirmed=confirmed)
            assert response.status_code == (302 if confirmed else 200)
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert Task.objects.filter(salesperson=target).count() == 15


def test_the_list_offers_the_action_in_dutch(sales_client, salesperson):
    TaskFactory(salesperson=salesperson)
    page = sales_client.get(
        reverse("tasks:task_list"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Toewijzen aan verkoper" in page
    assert 'form="bulk-form"' in page


def test_admin_action_asks_for_the_salesperson_then_reassigns(client, target):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    open_task = TaskFactory()
    closed = TaskFactory(closed=True, status="completed")
    url = reverse("admin:tasks_task_changelist")
    chosen = {"action": "reassign", "_selected_action": [open_task.pk, closed.pk]}
    response = client.post(url, chosen)
    assert response.status_code == 200
    assert "Choose the salesperson for 2 tasks" in response.content.decode()
    response = client.post(url, {**chosen, "apply": "1", "salesperson": target.pk})
    assert response.status_code == 302
    open_task.refresh_from_db()
    closed.refresh_from_db()
    assert open_task.salesperson == target
    assert closed.salesperson != target
    assert AuditRecord.objects.get(action="reassigned").count == 1
