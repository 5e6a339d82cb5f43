import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from tasks.models import Task
from tasks.services import create_task, update_task
from tests.api.conftest import token_client
from tests.factories import InteractionTemplateFactory, TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


@pytest.fixture
def api(sales_user):
    return token_client(sales_user)


def test_list_shows_own_and_unassigned_tasks_filtered(api, salesperson, frozen_today):
    own = TaskFactory(salesperson=salesperson, priority="high")
    TaskFactory(salesperson=None, priority="low")
    TaskFactory()
    response = api.get(reverse("api:task_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 2
    response = api.get(reverse("api:task_list"), {"priority": "high"})
    assert [row["no"] for row in response.json()["results"]] == [own.no]
    assert response.json()["results"][0]["salesperson"] == "AV"


def test_list_refuses_a_bad_filter(api):
    response = api.get(reverse("api:task_list"), {"overdue": "maybe"})
    assert response.status_code == 400
    assert response.json() == {"overdue": ["Enter true or false."]}


def test_create_through_the_service(api, contact, salesperson):
    response = api.post(
        reverse("api:task_list"),
        {"description": "Bellen", "contact": contact.no, "date": "2026-12-10"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["no"], body["contact"], body["salesperson"]) == (
        "TK00001",
        contact.no,
        "AV",
    )
    response = api.post(
        reverse("api:task_list"),
        {"description": "Bellen", "type": "phone_call"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"contact": ["A phone call needs a contact to call."]}


def test_update_and_complete(api, user, contact):
    template = InteractionTemplateFactory(code="CALL")
    task = create_task(
        user=user,
        contact=contact,
        description="Terugbellen",
        template=template,
        recurring=True,
        recurring_date_interval="1M",
    )
    url = reverse("api:task_detail", args=[task.no])
    response = api.patch(url, {"priority": "high"}, format="json")
    assert response.status_code == 200
    assert response.json()["priority"] == "high"
    response = api.post(
        reverse("api:task_complete", args=[task.no]),
        {"evaluation": "positive"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    entry = InteractionLogEntry.objects.get()
    assert body["task"]["closed"] is True
    assert body["entry"]["entry_no"] == entry.pk
    assert entry.evaluation == "positive"
    assert body["next_task"]["no"] == "TK00002"
    # A closed task is a conflict with its state, not a bad request.
    again = api.post(reverse("api:task_complete", args=[task.no]), {}, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": f"Task {task.no} is closed and can no longer be changed."
    }
    assert api.patch(url, {"priority": "low"}, format="json").status_code == 409


def test_a_change_with_if_match_is_refused_once_someone_else_changed_the_task(
    api, user, contact
):
    """Optimistic locking, as the edit page has it: GET gives the task's version as
    its ETag; a PATCH sent with it in If-Match is made only while the task is still
    at that version."""
    task = create_task(user=user, contact=contact, description="Terugbellen")
    url = reverse("api:task_detail", args=[task.no])
    etag = api.get(url).headers["ETag"]

    # Someone else changes the task (the edit page, another script).
    update_task(task, user=user, location="Kantoor Utrecht")
    refused = api.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)

    assert refused.status_code == 412
    assert refused.json()["detail"].startswith("The object has changed since")
    task.refresh_from_db()
    assert (task.priority, task.location) == ("normal", "Kantoor Utrecht")

    fresh = api.get(url).headers["ETag"]
    assert fresh != etag
    made = api.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=fresh)
    assert made.status_code == 200
    assert made.json()["priority"] == "high"
    # The answer's ETag is the new version: the next change may send it.
    assert made.headers["ETag"] == api.get(url).headers["ETag"] != fresh


@pytest.mark.parametrize("header", ["*", None])
def test_without_a_version_the_change_is_made(api, user, contact, header):
    task = create_task(user=user, contact=contact, description="Terugbellen")
    update_task(task, user=user, location="Kantoor Utrecht")
    extra = {"HTTP_IF_MATCH": header} if header else {}

    response = api.patch(
        reverse("api:task_detail", args=[task.no]),
        {"priority": "high"},
        format="json",
        **extra,
    )

    assert response.status_code == 200


@pytest.mark.parametrize("header", ['W/"abc"', "abc", '""', '"1234.5678"', ","])
def test_a_version_the_task_is_not_at_is_refused(api, user, contact, header):
    task = create_task(user=user, contact=contact, description="Terugbellen")

    response = api.patch(
        reverse("api:task_detail", args=[task.no]),
        {"priority": "high"},
        format="json",
        HTTP_IF_MATCH=header,
    )

    assert response.status_code == 412
    task.refresh_from_db()
    assert task.priority == "normal"


def test_log_interaction_is_json_true_or_false(api, user, contact):
    task = create_task(user=user, contact=contact, description="Terugbellen")
    response = api.post(
        reverse("api:task_complete", args=[task.no]),
        {"log_interaction": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "log_interaction" in response.json()
    task.refresh_from_db()
    assert not task.closed


def test_a_task_ending_after_the_year_9999_is_a_400(api, contact):
    response = api.post(
        reverse("api:task_list"),
        {
            "description": "Bellen",
            "contact": contact.no,
            "date": "9457-07-15",
            "start_time": "09:00",
            "duration": 2147483647,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"duration": ["The task would end after the year 9999."]}
    assert not Task.objects.exists()


def test_others_tasks_are_404(api):
    task = TaskFactory()
    assert api.get(reverse("api:task_detail", args=[task.no])).status_code == 404
    response = api.post(reverse("api:task_complete", args=[task.no]), {}, format="json")
    assert response.status_code == 404
    assert not Task.objects.get().closed


def test_list_takes_constant_queries(api, salesperson, django_assert_max_num_queries):
    TaskFactory(salesperson=salesperson)
    with django_assert_max_num_queries(20) as captured:
        api.get(reverse("api:task_list"))
    TaskFactory.create_batch(30, salesperson=salesperson)
    with django_assert_max_num_queries(len(captured)):
        api.get(reverse("api:task_list"))
