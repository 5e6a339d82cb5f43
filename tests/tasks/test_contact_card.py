"""The open tasks on a contact card (tasks.templatetags.contact_tasks)."""

import re

import pytest
from django.urls import reverse

from tasks.models import Task
from tasks.services import cancel_task, create_task
from tests.factories import PersonFactory, SalespersonFactory, TaskFactory
from tests.web.test_search import plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


def open_tasks(response):
    section = response.content.decode().split('id="open-tasks"')[1]
    section = section.split("</section>")[0]
    return section, re.findall(r">(TK\d+)</a>", section)


def test_the_contact_card_shows_its_open_tasks_and_a_company_its_persons(
    sales_client, user, contact
):
    company = contact.company
    call = create_task(user=user, contact=contact, description="Terugbellen")
    visit = create_task(user=user, contact=company, description="Bezoek")
    done = create_task(user=user, contact=contact, description="Geannuleerd")
    cancel_task(done, user=user)
    TaskFactory(
        no="X1", contact=contact, salesperson=SalespersonFactory()
    )  # not theirs
    create_task(user=user, contact=PersonFactory(), description="Elders")

    section, shown = open_tasks(
        sales_client.get(contact.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    )
    assert shown == [call.no]
    assert "Open taken" in section
    task_list = reverse("tasks:task_list")
    assert f'href="{task_list}?contact={contact.no}&amp;closed=false"' in section

    section, shown = open_tasks(sales_client.get(company.get_absolute_url()))
    assert sorted(shown) == sorted([call.no, visit.no])
    assert f'href="{task_list}?company={company.no}&amp;closed=false"' in section
    # The list that link opens holds the same tasks.
    listed = sales_client.get(task_list, {"company": company.no, "closed": "false"})
    assert sorted(task.no for task in listed.context["object_list"]) == sorted(shown)


def test_a_contact_without_open_tasks_says_so(sales_client, contact):
    section, shown = open_tasks(
        sales_client.get(contact.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    )
    assert shown == []
    assert "Geen open taken voor dit contact." in section


def test_the_open_tasks_cost_the_same_queries_however_many(
    sales_client, user, contact, django_assert_max_num_queries
):
    create_task(user=user, contact=contact, description="Bellen")
    url = contact.get_absolute_url()
    with django_assert_max_num_queries(100) as one:
        sales_client.get(url)
    for _ in range(15):
        create_task(user=user, contact=contact, description="Bellen")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = sales_client.get(url)
    section, shown = open_tasks(response)
    assert len(shown) == 10
    assert "More tasks in the task list" in section


@pytest.mark.postgresql
@pytest.mark.parametrize("kind", ["person", "company"])
def test_the_open_tasks_are_read_through_an_index_on_the_contact(contact, kind):
    """Every card reads them: by the contact's (a company's: contact_company's)
    index, not through every open task (follow-ups of a mailing: one per line)."""
    shown = contact if kind == "person" else contact.company
    column = "contact_id" if kind == "person" else "contact_company_id"

    explained = plan(Task.objects.open().for_contact(shown))

    assert re.search(rf"Index Cond: \(.*\b{column} = {shown.pk}\b", explained), (
        explained
    )
