"""The "Opvolgtaak" section of Create interaction (tasks.sections)."""

import datetime

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from tasks.models import Task
from tests.factories import InteractionTemplateFactory

pytestmark = pytest.mark.django_db
CREATE_URL = reverse("interactions:entry_create")


@pytest.fixture
def call_template():
    return InteractionTemplateFactory(code="CALL", description="Telefoongesprek")


def form_data(contact, entry_template, salesperson, **follow_up):
    data = {
        "contact": contact.no,
        "template": entry_template.pk,
        "description": "Offerte besproken",
        "salesperson": salesperson.code,
        "date": "2026-12-03",
        "time": "10:42",
        "interaction_successful": "on",
        "action": "finish",
    }
    data.update({f"follow_up-{name}": value for name, value in follow_up.items()})
    return data


def test_the_section_is_on_the_page_in_dutch(sales_client):
    page = sales_client.get(CREATE_URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Opvolgtaak" in page
    assert 'name="follow_up-description"' in page


@pytest.mark.usefixtures("task_setup")
def test_the_follow_up_is_made_with_the_interaction(
    sales_client, contact, salesperson, call_template
):
    response = sales_client.post(
        CREATE_URL,
        form_data(
            contact,
            call_template,
            salesperson,
            create="on",
            date="2026-12-10",
            type="phone_call",
            description="Terugbellen over offerte",
            template="CALL",
            recurring_date_interval="1w",
        ),
    )
    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    task = Task.objects.get()
    assert (task.contact, task.salesperson, task.source_entry_no) == (
        contact,
        salesperson,
        entry.pk,
    )
    assert (task.date, task.type, task.template, task.recurring) == (
        datetime.date(2026, 12, 10),
        "phone_call",
        call_template,
        True,
    )
    assert task.recurring_date_interval == "1W"
    # The message says the task was made too.
    said = [str(message) for message in response.wsgi_request._messages]
    assert said[0].endswith(f"min.). Follow-up task {task.no} created.")


@pytest.mark.usefixtures("task_setup")
def test_without_the_box_no_task_is_made(
    sales_client, contact, salesperson, call_template
):
    response = sales_client.post(
        CREATE_URL, form_data(contact, call_template, salesperson)
    )
    assert InteractionLogEntry.objects.count() == 1
    assert not Task.objects.exists()
    said = [str(message) for message in response.wsgi_request._messages]
    assert said[0].endswith("min.).")


@pytest.mark.usefixtures("task_setup")
def test_a_follow_up_needs_a_date_and_description(
    sales_client, contact, salesperson, call_template
):
    response = sales_client.post(
        CREATE_URL, form_data(contact, call_template, salesperson, create="on")
    )
    assert response.status_code == 400
    assert "Fill this in for the follow-up task." in response.content.decode()
    assert not InteractionLogEntry.objects.exists()


def test_a_refused_follow_up_logs_nothing(
    sales_client, contact, salesperson, call_template, marketing_setup
):
    response = sales_client.post(
        CREATE_URL,
        form_data(
            contact,
            call_template,
            salesperson,
            create="on",
            date="2026-12-10",
            description="Terugbellen",
        ),
    )
    assert response.status_code == 400
    assert (
        "Follow-up task: Set up a number series for tasks in Marketing setup."
        in response.content.decode()
    )
    assert not InteractionLogEntry.objects.exists()
    assert not Task.objects.exists()
