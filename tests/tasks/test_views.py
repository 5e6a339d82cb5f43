import datetime

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from tasks.models import Task
from tasks.services import create_task
from tests.factories import (
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
    SegmentFactory,
    SegmentLineFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("task_setup")]


def on(day, salesperson, **values):
    return TaskFactory(date=day, salesperson=salesperson, **values)


def test_my_tasks_groups_open_tasks_by_when_they_are_due(
    sales_client, salesperson, frozen_today
):
    overdue = on(frozen_today - datetime.timedelta(days=2), salesperson)
    today = on(frozen_today, salesperson)
    this_week = on(frozen_today + datetime.timedelta(days=3), salesperson)  # Sunday
    later = on(frozen_today + datetime.timedelta(days=4), salesperson)
    on(frozen_today, salesperson, status="completed", closed=True)
    on(frozen_today, SalespersonFactory())
    response = sales_client.get(reverse("tasks:my_tasks"))
    sections = {
        str(section["title"]): section["tasks"]
        for section in response.context["sections"]
    }
    assert sections == {
        "Overdue": [overdue],
        "Today": [today],
        "This week": [this_week],
        "Later": [later],
    }


def test_my_tasks_in_dutch(sales_client, salesperson, frozen_today):
    on(frozen_today, salesperson, description="Offerte nabellen")
    response = sales_client.get(reverse("tasks:my_tasks"), HTTP_ACCEPT_LANGUAGE="nl")
    page = response.content.decode()
    for text in ("Mijn taken", "Achterstallig", "Vandaag", "Deze week", "Later"):
        assert text in page
    assert "Offerte nabellen" in page
    assert ">Voltooien<" in page


def test_my_tasks_without_a_salesperson_says_so(sales_client):
    response = sales_client.get(reverse("tasks:my_tasks"))
    assert "not linked to a salesperson" in response.content.decode()


def test_my_tasks_takes_constant_queries(
    sales_client, salesperson, frozen_today, django_assert_max_num_queries
):
    on(frozen_today, salesperson)
    url = reverse("tasks:my_tasks")
    with django_assert_max_num_queries(30) as captured:
        sales_client.get(url)
    for offset in range(-3, 60):
        on(frozen_today + datetime.timedelta(days=offset), salesperson)
    with django_assert_max_num_queries(len(captured)):
        response = sales_client.get(url)
    assert response.context["sections"][3]["more"]


def test_task_list_shows_own_and_unassigned_tasks_only(sales_client, salesperson):
    own = TaskFactory(salesperson=salesperson)
    unassigned = TaskFactory(salesperson=None)
    TaskFactory(description="Not mine")
    response = sales_client.get(reverse("tasks:task_list"))
    assert set(response.context["object_list"]) == {own, unassigned}


def test_crm_admin_sees_every_task(crm_admin_client):
    TaskFactory.create_batch(3)
    response = crm_admin_client.get(reverse("tasks:task_list"))
    assert len(response.context["object_list"]) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", {"late"}),
        ("priority=high", {"urgent"}),
        ("status=waiting", {"waiting"}),
        ("q=urgent", {"urgent"}),
        ("closed=true", {"done"}),
        ("date_from=2026-12-04&date_to=2026-12-31", {"urgent", "waiting"}),
    ],
)
def test_task_list_filters(crm_admin_client, frozen_today, query, expected):
    TaskFactory(description="late", date=frozen_today - datetime.timedelta(days=1))
    TaskFactory(description="urgent", priority="high", date=datetime.date(2026, 12, 5))
    TaskFactory(
        description="waiting", status="waiting", date=datetime.date(2026, 12, 6)
    )
    TaskFactory(
        description="done",
        status="completed",
        closed=True,
        date=frozen_today - datetime.timedelta(days=5),
    )
    response = crm_admin_client.get(f"{reverse('tasks:task_list')}?{query}")
    assert {task.description for task in response.context["object_list"]} == expected


def test_task_list_filters_on_salesperson_and_contact(crm_admin_client, contact):
    mine = TaskFactory(contact=contact, salesperson=contact.salesperson)
    TaskFactory()
    url = reverse("tasks:task_list")
    for query in (f"contact={contact.no}", f"salesperson={contact.salesperson.code}"):
        response = crm_admin_client.get(f"{url}?{query}")
        assert list(response.context["object_list"]) == [mine]


def test_task_list_sorts_by_a_column(crm_admin_client):
    TaskFactory(description="b")
    TaskFactory(description="a")
    response = crm_admin_client.get(
        f"{reverse('tasks:task_list')}?ordering=-description"
    )
    assert [task.description for task in response.context["object_list"]] == ["b", "a"]


def test_a_bad_filter_is_a_message_not_an_error(crm_admin_client):
    response = crm_admin_client.get(f"{reverse('tasks:task_list')}?date_from=morgen")
    assert response.status_code == 200
    assert response.context["filter"].form.errors["date_from"]


def test_task_list_takes_constant_queries(
    crm_admin_client, django_assert_max_num_queries
):
    TaskFactory()
    url = reverse("tasks:task_list")
    with django_assert_max_num_queries(30) as captured:
        crm_admin_client.get(url)
    TaskFactory.create_batch(50)
    with django_assert_max_num_queries(len(captured)):
        crm_admin_client.get(url)


def test_a_prefill_holding_nul_names_nobody(sales_client):
    # PostgreSQL refuses NUL in a query: it was a 500 (found by the form fuzzer).
    url = reverse("tasks:task_create")
    response = sales_client.get(url, {"contact": "CT\x00", "salesperson": "\x00"})
    assert response.status_code == 200
    assert response.context["form"].initial.get("contact") is None


def test_a_new_task_is_the_users_own_else_the_contacts_salesperson(
    sales_client, salesperson
):
    # Left empty it was saved without a salesperson, and missing from Mijn taken.
    url = reverse("tasks:task_create")
    other = SalespersonFactory(code="PB")
    contact = PersonFactory(no="CT00042", salesperson=other)
    form = sales_client.get(url, {"contact": contact.no}).context["form"]
    assert form.initial["salesperson"] == salesperson
    salesperson.user = None
    salesperson.save()
    form = sales_client.get(url, {"contact": contact.no}).context["form"]
    assert form.initial["salesperson"] == other
    form = sales_client.get(url, {"salesperson": "AV"}).context["form"]
    assert form.initial["salesperson"] == salesperson


def test_create_task_from_the_contact_card(sales_client, contact, salesperson):
    card = sales_client.get(contact.get_absolute_url()).content.decode()
    url = f"{reverse('tasks:task_create')}?contact={contact.no}"
    assert url in card
    form = sales_client.get(url).context["form"]
    assert form.initial["contact"] == contact
    response = sales_client.post(
        url,
        {
            "description": "Offerte sturen",
            "contact": contact.no,
            "salesperson": salesperson.code,
            "date": "2026-12-10",
            "duration": "0",
            "priority": "high",
            "calc_due_date_from": "due_date",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == task.get_absolute_url()
    assert (task.no, task.contact, task.priority) == ("TK00001", contact, "high")


def test_create_task_shows_the_services_message(sales_client, contact):
    data = {
        "description": "Bellen",
        "type": "phone_call",
        "duration": "0",
        "priority": "normal",
        "calc_due_date_from": "due_date",
    }
    response = sales_client.post(reverse("tasks:task_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["contact"] == ["A phone call needs a contact to call."]
    data.update(contact=contact.no, recurring="on", recurring_date_interval="1X")
    response = sales_client.post(reverse("tasks:task_create"), data)
    errors = response.context["form"].errors
    assert errors["recurring_date_interval"][0].startswith("The date formula 1X")
    assert not Task.objects.exists()


def test_create_task_from_an_entry_follows_it_up(sales_client, salesperson):
    entry = InteractionLogEntryFactory(salesperson=salesperson, description="Demo")
    detail = sales_client.get(reverse("interactions:entry_detail", args=[entry.pk]))
    url = f"{reverse('tasks:task_create')}?entry={entry.pk}"
    assert url in detail.content.decode()
    initial = sales_client.get(url).context["form"].initial
    assert (initial["contact"], initial["description"]) == (
        entry.contact,
        "Follow-up: Demo",
    )
    sales_client.post(
        url,
        {
            "description": "Follow-up: Demo",
            "contact": entry.contact.no,
            "duration": "0",
            "priority": "normal",
            "calc_due_date_from": "due_date",
        },
    )
    assert Task.objects.get().source_entry_no == entry.pk
    assert (
        sales_client.get(f"{reverse('tasks:task_create')}?entry=x").status_code == 404
    )


def test_create_tasks_for_a_segment_and_a_logged_segment(sales_client):
    segment = SegmentFactory(no="SM00002", description="Mailing")
    SegmentLineFactory.create_batch(2, segment=segment)
    url = reverse("tasks:segment_task_create", args=[segment.no])
    assert (
        url
        in sales_client.get(
            reverse("segments:segment_detail", args=[segment.no])
        ).content.decode()
    )
    data = {
        "description": "Nabellen",
        "duration": "0",
        "priority": "normal",
        "calc_due_date_from": "due_date",
    }
    response = sales_client.post(url, data)
    assert response["Location"] == f"{reverse('tasks:task_list')}?segment_no=SM00002"
    assert Task.objects.filter(segment_no="SM00002").count() == 2
    logged = LoggedSegmentFactory()
    InteractionLogEntryFactory(logged_segment=logged)
    sales_client.post(
        reverse("tasks:loggedsegment_task_create", args=[logged.pk]), data
    )
    assert Task.objects.filter(segment_no=logged.segment_no).count() == 1


def test_sales_cannot_open_others_tasks(sales_client):
    task = TaskFactory()
    for name in ("tasks:task_detail", "tasks:task_update"):
        assert sales_client.get(reverse(name, args=[task.pk])).status_code == 404
    response = sales_client.post(reverse("tasks:task_complete", args=[task.pk]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert not task.closed


@pytest.fixture
def my_task(user, contact, salesperson):
    template = InteractionTemplateFactory(code="CALL")
    return create_task(
        user=user,
        contact=contact,
        description="Terugbellen",
        template=template,
        recurring=True,
        recurring_date_interval="1W",
    )


def test_voltooid_logs_the_interaction_and_makes_the_next(sales_client, my_task):
    mine = reverse("tasks:my_tasks")
    response = sales_client.post(
        reverse("tasks:task_complete", args=[my_task.pk]), {"next": mine}, follow=True
    )
    entry = InteractionLogEntry.objects.get()
    next_task = Task.objects.get(previous=my_task)
    assert response.redirect_chain == [(mine, 302)]
    page = response.content.decode()
    assert f"Task {my_task.no} completed. Interaction {entry.pk} logged." in page
    assert f"Next task {next_task.no}" in page
    assert (entry.contact, entry.description) == (my_task.contact, "Terugbellen")


def test_voltooid_goes_back_only_to_our_own_pages(sales_client, my_task):
    response = sales_client.post(
        reverse("tasks:task_complete", args=[my_task.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == my_task.get_absolute_url()


def test_a_refused_completion_is_a_message(sales_client, my_task):
    my_task.template.blocked = True
    my_task.template.save()
    response = sales_client.post(
        reverse("tasks:task_complete", args=[my_task.pk]), follow=True
    )
    assert "Interaction template CALL is blocked." in response.content.decode()
    my_task.refresh_from_db()
    assert not my_task.closed


def test_postpone_and_cancel_from_the_card(sales_client, frozen_today, my_task):
    card = reverse("tasks:task_detail", args=[my_task.pk])
    page = sales_client.get(card).content.decode()
    assert "Postpone" in page
    # Due today: the date it offers is tomorrow, not the day it already has.
    assert 'name="to" value="2026-12-04"' in page
    assert f'data-confirm="Cancel task {my_task.no}? It stays' in page
    response = sales_client.post(
        reverse("tasks:task_postpone", args=[my_task.pk]),
        {"to": "2026-11-01"},
        follow=True,
    )
    assert "Postpone the task to 12/04/2026 or a later date." in (
        response.content.decode()
    )
    sales_client.post(reverse("tasks:task_postpone", args=[my_task.pk]), {"to": "bad"})
    response = sales_client.post(
        reverse("tasks:task_postpone", args=[my_task.pk]),
        {"to": "2026-12-20"},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )
    assert [str(message) for message in response.context["messages"]][-1] == (
        f"Taak {my_task.no} is uitgesteld tot 20-12-2026."
    )
    my_task.refresh_from_db()
    assert (my_task.date, my_task.status) == (datetime.date(2026, 12, 20), "postponed")
    sales_client.post(reverse("tasks:task_cancel", args=[my_task.pk]))
    my_task.refresh_from_db()
    assert my_task.canceled


def test_edit_a_task(sales_client, my_task):
    url = reverse("tasks:task_update", args=[my_task.pk])
    form = sales_client.get(url).context["form"]
    assert "completed" not in dict(form.fields["status"].choices)
    data = {
        "description": "Toch mailen",
        "contact": my_task.contact.no,
        "salesperson": my_task.salesperson.code,
        "date": "2026-12-24",
        "duration": "15",
        "priority": "low",
        "status": "waiting",
        "template": "CALL",
        "recurring": "on",
        "recurring_date_interval": "2w",
        "calc_due_date_from": "closing_date",
    }
    response = sales_client.post(url, data)
    assert response["Location"] == my_task.get_absolute_url()
    my_task.refresh_from_db()
    assert (my_task.description, my_task.status, my_task.recurring_date_interval) == (
        "Toch mailen",
        "waiting",
        "2W",
    )


def test_a_closed_task_cannot_be_edited(sales_client, my_task):
    Task.objects.filter(pk=my_task.pk).update(canceled=True, closed=True)
    response = sales_client.get(
        reverse("tasks:task_update", args=[my_task.pk]), follow=True
    )
    assert "is closed and can no longer be changed" in response.content.decode()


def test_week_calendar_shows_monday_to_sunday(
    sales_client, salesperson, frozen_today, django_assert_max_num_queries
):
    monday = datetime.date(2026, 11, 30)
    TaskFactory(salesperson=salesperson, date=monday, description="Maandag")
    TaskFactory(salesperson=salesperson, date=frozen_today, description="Donderdag")
    TaskFactory(salesperson=salesperson, date=monday - datetime.timedelta(days=1))
    TaskFactory(date=frozen_today, description="Not mine")
    with django_assert_max_num_queries(30) as captured:
        response = sales_client.get(reverse("tasks:week"))
    days = dict(response.context["days"])
    assert list(days) == [monday + datetime.timedelta(days=n) for n in range(7)]
    assert [task.description for task in days[monday]] == ["Maandag"]
    assert [task.description for task in days[frozen_today]] == ["Donderdag"]
    assert sum(len(tasks) for tasks in days.values()) == 2
    TaskFactory.create_batch(20, salesperson=salesperson, date=frozen_today)
    with django_assert_max_num_queries(len(captured)):
        sales_client.get(reverse("tasks:week"))
    earlier = sales_client.get(f"{reverse('tasks:week')}?date=2026-11-29")
    assert min(dict(earlier.context["days"])) == datetime.date(2026, 11, 23)
    bad = sales_client.get(f"{reverse('tasks:week')}?date=gisteren")
    assert bad.status_code == 200


@pytest.mark.parametrize(("role", "shown"), [("sales", 0), ("crm_admin", 1)])
def test_week_calendar_of_another_salesperson_shows_only_what_may_be_seen(
    client, sales_user, admin_user_crm, frozen_today, role, shown
):
    client.force_login(sales_user if role == "sales" else admin_user_crm)
    TaskFactory(salesperson=SalespersonFactory(code="BK"), date=frozen_today)
    url = f"{reverse('tasks:week')}?salesperson=BK"
    assert sum(len(tasks) for _, tasks in client.get(url).context["days"]) == shown


def test_start_page_tiles_count_todays_and_overdue_tasks(
    sales_client, salesperson, frozen_today
):
    on(frozen_today, salesperson)
    on(frozen_today, salesperson)
    on(frozen_today - datetime.timedelta(days=1), salesperson)
    on(
        frozen_today - datetime.timedelta(days=1),
        salesperson,
        canceled=True,
        closed=True,
    )
    on(frozen_today, SalespersonFactory())
    response = sales_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.context["task_counts"] == {"today": 2, "overdue": 1}
    page = response.content.decode()
    assert "Taken vandaag" in page
    assert "Achterstallige taken" in page


def test_statistics_per_salesperson(
    client, sales_user, admin_user_crm, salesperson, frozen_today
):
    other = SalespersonFactory(code="BK")
    on(frozen_today, salesperson)
    on(frozen_today - datetime.timedelta(days=2), salesperson)
    on(
        frozen_today - datetime.timedelta(days=40),
        salesperson,
        status="completed",
        closed=True,
        date_closed=frozen_today - datetime.timedelta(days=1),
    )
    on(
        frozen_today,
        other,
        status="completed",
        closed=True,
        date_closed=datetime.date(2026, 11, 30),
    )
    client.force_login(admin_user_crm)
    rows = {
        row.code: (row.open_count, row.overdue_count, row.completed_count)
        for row in client.get(reverse("tasks:statistics")).context["rows"]
    }
    assert rows == {"AV": (2, 1, 1), "BK": (0, 0, 0)}
    client.force_login(sales_user)
    response = client.get(reverse("tasks:statistics"), HTTP_ACCEPT_LANGUAGE="nl")
    assert [row.code for row in response.context["rows"]] == ["AV"]
    headers = response.content.decode().split("<thead")[1].split("</thead>")[0]
    assert [
        " ".join(cell.split("</th>")[0].split(">")[1:])
        for cell in headers.split("<th")[1:]
    ] == [
        "Verkoper",
        "Open",
        "Achterstallig",
        "Deze maand voltooid",
    ]


def test_the_task_forms_show_where_they_came_from_and_cancel_back_there(
    sales_client, contact, salesperson
):
    def trail(url):
        page = sales_client.get(url, headers={"Accept-Language": "nl"})
        content = page.content.decode()
        crumbs = content.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
        cancel = content.split('class="btn btn-outline-secondary" href="')[1]
        return (
            [" ".join(part.split()) for part in crumbs.split("</li>")[:-1]],
            cancel.split('"')[0],
        )

    create = reverse("tasks:task_create")
    crumbs, cancel = trail(f"{create}?contact={contact.no}")
    assert crumbs[0].endswith(f'<a href="{reverse("crm:contact_list")}">Contacten</a>')
    assert f'href="{contact.get_absolute_url()}">{contact.name}</a>' in crumbs[1]
    assert crumbs[2].endswith(">Taak maken")
    assert cancel == contact.get_absolute_url()
    entry = InteractionLogEntryFactory()
    crumbs, cancel = trail(f"{create}?entry={entry.pk}")
    assert ">Interactielogposten</a>" in crumbs[0]
    assert cancel == entry.get_absolute_url()
    crumbs, cancel = trail(f"{create}?salesperson={salesperson.code}")
    assert ">Verkopers</a>" in crumbs[0]
    assert cancel == salesperson.get_absolute_url()
    crumbs, cancel = trail(create)
    assert ">Mijn taken</a>" in crumbs[0]
    assert cancel == reverse("tasks:my_tasks")
    segment = SegmentFactory(no="SM00009")
    crumbs, cancel = trail(reverse("tasks:segment_task_create", args=[segment.no]))
    assert ">Segmenten</a>" in crumbs[0]
    assert crumbs[2].endswith(">Taken maken voor segment SM00009")
    assert cancel == segment.get_absolute_url()
    task = create_task(user=None, description="Bellen", salesperson=salesperson)
    crumbs, cancel = trail(reverse("tasks:task_update", args=[task.pk]))
    assert ">Taken</a>" in crumbs[0]
    assert f">{task.no}</a>" in crumbs[1]
    assert cancel == task.get_absolute_url()


def test_the_task_card_writes_dates_as_the_other_cards_do(sales_client, salesperson):
    """dd-mm-jjjj in Dutch, as the contact and segment cards, not "8 december 2026"."""
    task = TaskFactory(
        salesperson=salesperson,
        date=datetime.date(2026, 12, 8),
        start_time=datetime.time(10, 30),
    )

    html = sales_client.get(
        task.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert "8-12-2026 10:30" in html
    assert "december" not in html
