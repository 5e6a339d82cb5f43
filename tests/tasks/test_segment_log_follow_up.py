"""Opvolgtaak on Log segment: a follow-up task per logged contact, made by the
tasks app's section (segments.sections) in the transaction of log_segment."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import InteractionLogEntry
from jobs.models import Job
from segments import services
from segments.models import LoggedSegment, Segment
from tasks.models import Task
from tests.factories import (
    CompanyFactory,
    InteractionTemplateFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]

FOLLOW_UP = {
    "follow_up_task": {
        "date": "2026-12-14",
        "type": "phone_call",
        "description": "Nabellen mailing",
    }
}


@pytest.fixture
def filled(task_setup, sales_user, salesperson):
    segment = services.create_segment(
        user=sales_user,
        description="Voorjaarsmailing",
        template=InteractionTemplateFactory(code="LETTER"),
        salesperson=salesperson,
    )
    company = CompanyFactory(name="Bakkerij Utrecht")
    persons = [PersonFactory(company=company) for _ in range(2)]
    services.add_contacts(segment, [company, *persons], user=sales_user)
    return segment


def test_log_segment_makes_a_follow_up_task_per_contact(filled, sales_user):
    contacts = set(filled.lines.values_list("contact", flat=True))
    logged, _follow_up = services.log_segment(
        filled, user=sales_user, sections=FOLLOW_UP
    )
    tasks = Task.objects.all()
    assert {task.contact_id for task in tasks} == contacts
    assert {
        (task.segment_no, task.date, task.type, task.description, task.salesperson)
        for task in tasks
    } == {
        (
            logged.segment_no,
            datetime.date(2026, 12, 14),
            "phone_call",
            "Nabellen mailing",
            filled.salesperson,
        )
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"type": "bogus"}, "Unknown task type"),
        ({"date": "14-12-2026"}, "Enter a valid date"),
        ({"description": ""}, "You must fill in a description"),
        ({"type": "meeting"}, "A meeting needs a start time"),
    ],
)
def test_a_bad_follow_up_value_logs_nothing(filled, sales_user, values, message):
    sections = {"follow_up_task": {**FOLLOW_UP["follow_up_task"], **values}}
    with pytest.raises(ValidationError) as raised:
        services.log_segment(filled, user=sales_user, sections=sections)
    assert message in " ".join(raised.value.messages)
    assert "Follow-up task: " in raised.value.messages[0]
    assert Segment.objects.filter(pk=filled.pk).exists()
    assert not LoggedSegment.objects.exists()
    assert not InteractionLogEntry.objects.exists()
    assert not Task.objects.exists()


def test_a_missing_task_series_logs_nothing(filled, sales_user, no_task_series):
    with pytest.raises(ValidationError):
        services.log_segment(filled, user=sales_user, sections=FOLLOW_UP)
    assert Segment.objects.filter(pk=filled.pk).exists()
    assert not InteractionLogEntry.objects.exists()


def post(client, segment, **extra):
    data = {
        "follow_up_task-create": "on",
        "follow_up_task-date": "2026-12-14",
        "follow_up_task-type": "phone_call",
        "follow_up_task-description": "Nabellen mailing",
        **extra,
    }
    url = reverse("segments:segment_log", args=[segment.no])
    return client.post(url, data, follow=True)


def test_the_log_page_makes_the_follow_up_tasks(sales_client, filled):
    response = post(sales_client, filled)
    assert "Segment SM00001 has been logged." in response.content.decode()
    assert Task.objects.filter(description="Nabellen mailing").count() == 3


def test_the_log_page_says_how_many_follow_up_tasks_it_made(sales_client, filled):
    """The user ticked Opvolgtaak maken: the page says the tasks are there, with
    their date as a Dutch user writes it."""
    sales_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = post(sales_client, filled)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Segment SM00001 is geregistreerd.",
        "3 opvolgtaken gemaakt voor 14-12-2026.",
    ]


def test_the_log_page_shows_the_section_in_dutch(sales_client, filled):
    for name in ("segment_log", "segment_detail"):
        url = reverse(f"segments:{name}", args=[filled.no])
        page = sales_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Opvolgtaak" in page
        assert 'name="follow_up_task-date"' in page


def test_a_follow_up_without_date_is_refused_and_nothing_logged(sales_client, filled):
    response = post(sales_client, filled, **{"follow_up_task-date": ""})
    assert response.status_code == 400
    assert "Fill this in for the follow-up task." in response.content.decode()
    assert Segment.objects.filter(pk=filled.pk).exists()
    assert not Task.objects.exists()


def test_the_services_refusal_is_shown_and_nothing_logged(sales_client, filled):
    response = post(sales_client, filled, **{"follow_up_task-type": "meeting"})
    assert response.status_code == 400
    assert "A meeting needs a start time" in response.content.decode()
    assert not LoggedSegment.objects.exists()
    assert not Task.objects.exists()


def test_left_empty_no_tasks_are_made(sales_client, filled):
    post(sales_client, filled, **{"follow_up_task-create": ""})
    assert LoggedSegment.objects.exists()
    assert not Task.objects.exists()


def test_without_permission_to_add_tasks_there_is_no_section(client, filled):
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_segment", "view_segment", "add_interactionlogentry"]
        )
    )
    client.force_login(user)
    post(client, filled)
    assert LoggedSegment.objects.exists()
    assert not Task.objects.exists()


def test_a_segment_logged_by_a_job_makes_the_tasks_in_the_job(
    sales_client, filled, settings, django_capture_on_commit_callbacks
):
    settings.SEGMENT_LOG_JOB_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        post(sales_client, filled)
    job = Job.objects.get(kind="segments.log")
    assert job.params["sections"] == FOLLOW_UP
    assert job.status == "done"
    assert LoggedSegment.objects.exists()
    assert Task.objects.count() == 3


def test_a_refused_follow_up_fails_the_job_and_logs_nothing(
    sales_client, filled, settings, django_capture_on_commit_callbacks
):
    settings.SEGMENT_LOG_JOB_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        post(sales_client, filled, **{"follow_up_task-type": "meeting"})
    job = Job.objects.get(kind="segments.log")
    assert job.status == "failed"
    assert "Follow-up task: A meeting needs a start time" in job.message
    assert not LoggedSegment.objects.exists()
    assert Segment.objects.filter(pk=filled.pk).exists()
    assert not Task.objects.exists()


def test_query_count_does_not_grow_with_the_lines(sales_user, salesperson):
    counts = []
    for size in (2, 8):
        segment = services.create_segment(
            user=sales_user,
            description="Mailing",
            template=InteractionTemplateFactory(),
            salesperson=salesperson,
        )
        people = [PersonFactory(company=None) for _ in range(size)]
        services.add_contacts(segment, people, user=sales_user)
        with CaptureQueriesContext(connection) as queries:
            services.log_segment(segment, user=sales_user, sections=FOLLOW_UP)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Task.objects.count() == 10
