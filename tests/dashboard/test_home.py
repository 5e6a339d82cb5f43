"""The start page as a dashboard (dashboard.views.HomeView): resume queue, recent
interactions, charts with their tables, the period form and who sees what."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from interactions import services
from interactions.models import InteractionLogEntry
from tests.factories import (
    AdminUserFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    SalesUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

HOME = reverse("home")


@pytest.fixture
def today(frozen_today):
    return frozen_today


@pytest.fixture
def template():
    return InteractionTemplateFactory(
        code="CALL",
        description="Phone call",
        group=InteractionGroupFactory(code="PHONE", description="Phone"),
        unit_cost=Decimal("2.50"),
        unit_duration=15,
    )


@pytest.fixture
def anna(sales_user):
    return SalespersonFactory(code="ANNA", name="Anna Visser", user=sales_user)


@pytest.fixture
def bert():
    return SalespersonFactory(code="BERT", name="Bert Bakker")


def log(template, salesperson, date, **values):
    return InteractionLogEntryFactory(
        template=template, salesperson=salesperson, date=date, **values
    )


def chart_data(response, chart_id):
    """The JSON a chart is drawn from, as the page's json_script wrote it."""
    html = response.content.decode()
    match = re.search(
        rf'<script id="chart-data-{chart_id}" type="application/json">(.*?)</script>',
        html,
    )
    return json.loads(match.group(1))


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c["id"] == chart_id)


# What a salesperson sees


def test_a_salesperson_sees_their_queue_recent_interactions_and_charts(
    sales_client, sales_user, anna, bert, template, today
):
    mine = log(template, anna, today, description="Called Anna's customer")
    log(template, bert, today, description="Called Bert's customer")
    draft = services.postpone_interaction(
        contact=PersonFactory(), user=sales_user, description="Call back later"
    )

    response = sales_client.get(HOME)

    assert response.status_code == 200
    assert response.context["resume_queue"] == [draft]
    assert response.context["recent_entries"] == [mine]
    html = response.content.decode()
    assert "My postponed interactions" in html
    assert "My recent interactions" in html
    assert "Called Anna&#x27;s customer" in html
    assert "Called Bert" not in html
    resume = reverse("interactions:entry_resume", args=[draft.pk])
    assert f'href="{resume}?next=/"' in html
    assert "Figures of Anna Visser" in html
    assert 'name="salesperson"' not in html
    assert chart_data(response, "weeks")["datasets"] == [
        {"label": "PHONE Phone", "data": [0] * 11 + [1]}
    ]
    assert chart_data(response, "salespeople")["labels"] == [str(anna)]


def test_each_chart_has_a_canvas_and_a_table_with_the_same_numbers(
    sales_client, anna, template, today
):
    log(template, anna, today, evaluation="positive")
    log(template, anna, today, evaluation="positive")

    response = sales_client.get(HOME)

    html = response.content.decode()
    assert html.count("<canvas") == 3
    assert html.count('role="img"') == 3
    assert html.count("<summary>Show as table</summary>") == 3
    for chart_id in ("weeks", "salespeople", "evaluations"):
        assert f'data-chart="chart-data-{chart_id}"' in html
    evaluations = chart(response, "evaluations")
    assert chart_data(response, "evaluations")["datasets"][0]["data"] == [
        0,
        2,
        0,
        0,
        0,
        0,
    ]
    assert evaluations["rows"][1] == ("Positive", [2, "100.0 %"])
    table = html.split(f"<caption>{evaluations['title']}, ")[1].split("</table>")[0]
    assert '<th scope="col">Evaluation</th>' in table
    assert '<th scope="row" class="fw-normal">Positive</th>' in table
    assert '<td class="text-end">2</td>' in table
    salespeople = html.split("<caption>Cost and duration per salesperson")[1]
    assert '<td class="text-end">5.00</td>' in salespeople.split("</table>")[0]


def test_the_page_loads_chart_js_from_the_vendored_files(sales_client, anna):
    html = sales_client.get(HOME).content.decode()

    assert '<script src="/static/vendor/chartjs-4.6.1/chart.umd.min.js">' in html
    assert '<script src="/static/js/dashboard.js">' in html
    # Chart data is JSON for the browser, never code the CSP would have to allow.
    assert re.findall(r"<script(?! src=)(?! id=\"chart-data-)", html) == []


def test_markup_in_chart_labels_stays_text(sales_client, anna, today):
    template = InteractionTemplateFactory(
        group=InteractionGroupFactory(code="X", description="<b>bold</b>")
    )
    log(template, anna, today)

    html = sales_client.get(HOME).content.decode()

    assert "<b>bold</b>" not in html
    assert "X &lt;b&gt;bold&lt;/b&gt;" in html
    assert "X \\u003Cb\\u003Ebold\\u003C/b\\u003E" in html


def test_an_empty_period_says_so_instead_of_drawing(sales_client, anna):
    html = sales_client.get(HOME).content.decode()

    assert html.count("No interactions in this period.") == 3
    assert "<canvas" not in html
    assert "No interactions have been logged yet." in html
    assert "Nothing to resume: you have no postponed interactions." in html


# Users without a salesperson, without permissions, and the whole team


def test_without_a_salesperson_the_page_explains_and_keeps_the_queue(
    sales_client, sales_user, template, bert, today
):
    log(template, bert, today)
    draft = services.postpone_interaction(contact=PersonFactory(), user=sales_user)

    response = sales_client.get(HOME)

    assert response.status_code == 200
    assert response.context["resume_queue"] == [draft]
    assert "charts" not in response.context
    html = response.content.decode()
    assert "Your login is not linked to a salesperson." in html
    assert "Your interactions are those of your salesperson." in html
    assert "<canvas" not in html


def test_without_permission_to_view_interactions_only_the_welcome_shows(client, bert):
    user = UserFactory(first_name="Ina")
    SalespersonFactory(user=user)
    log(InteractionTemplateFactory(), bert, timezone.localdate())
    client.force_login(user)

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, Ina" in html
    assert "My postponed interactions" not in html
    assert "<canvas" not in html


def test_a_crm_admin_sees_the_whole_team_and_can_choose_a_salesperson(
    crm_admin_client, anna, bert, template, today
):
    annas = log(template, anna, today)
    berts = log(template, bert, today)

    team = crm_admin_client.get(HOME)
    one = crm_admin_client.get(HOME, {"salesperson": bert.pk})

    assert set(team.context["recent_entries"]) == {annas, berts}
    assert "Recent interactions of the team" in team.content.decode()
    assert "Figures of the whole team" in team.content.decode()
    assert chart_data(team, "salespeople")["labels"] == [
        str(anna),
        str(bert),
    ]
    assert 'name="salesperson"' in team.content.decode()
    assert one.context["recent_entries"] == [berts]
    assert "Recent interactions of Bert Bakker" in one.content.decode()
    assert chart_data(one, "salespeople")["labels"] == [str(bert)]


def test_a_salesperson_cannot_look_at_a_colleague(
    sales_client, anna, bert, template, today
):
    log(template, bert, today)

    response = sales_client.get(HOME, {"salesperson": bert.pk})

    assert response.status_code == 200
    assert response.context["recent_entries"] == []
    assert chart(response, "salespeople")["empty"]


def test_an_unknown_salesperson_is_a_bad_request(crm_admin_client, anna):
    response = crm_admin_client.get(HOME, {"salesperson": "999999"})

    assert response.status_code == 400
    assert (
        "No salesperson found with code or name “999999”." in response.content.decode()
    )
    assert "Figures of the whole team" in response.content.decode()


# The period


def test_a_chosen_period_applies_to_every_chart(sales_client, anna, template, today):
    log(template, anna, datetime.date(2025, 2, 3))
    log(template, anna, datetime.date(2025, 6, 1))
    log(template, anna, today)

    response = sales_client.get(
        HOME, {"date_from": "2025-01-01", "date_to": "2025-03-31"}
    )

    assert response.status_code == 200
    for item in response.context["charts"]:
        assert (item["start"], item["end"]) == (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 3, 31),
        )
    weeks = chart(response, "weeks")
    assert weeks["rows"][0][0] == "12/30/2024"
    assert len(weeks["rows"]) == 14
    assert sum(row[1][-1] for row in weeks["rows"]) == 1
    assert chart(response, "salespeople")["rows"][0][1][0] == 1
    assert "01/01/2025 \N{EN DASH} 03/31/2025" in response.content.decode()


def test_without_dates_each_chart_keeps_its_default_period(sales_client, anna, today):
    response = sales_client.get(HOME)

    weeks, salespeople, evaluations = response.context["charts"]
    monday = today - datetime.timedelta(days=today.weekday())
    assert weeks["start"] == monday - datetime.timedelta(weeks=11)
    assert weeks["end"] == monday + datetime.timedelta(days=6)
    assert (
        salespeople["start"]
        == evaluations["start"]
        == today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    )


def test_a_start_alone_runs_to_today(sales_client, anna, today):
    start = today - datetime.timedelta(days=40)

    response = sales_client.get(HOME, {"date_from": start.isoformat()})

    assert response.status_code == 200
    assert (chart(response, "weeks")["start"], chart(response, "weeks")["end"]) == (
        start,
        today,
    )


def test_an_end_alone_starts_twelve_weeks_before(sales_client, anna):
    response = sales_client.get(HOME, {"date_to": "2026-03-31"})

    assert (chart(response, "evaluations")["start"]) == datetime.date(2026, 1, 7)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-02-30"}, "Enter a valid date."),
        ({"date_to": "yesterday"}, "Enter a valid date."),
        (
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
            "The start date is after the end date.",
        ),
        (
            {"date_from": "2015-01-01", "date_to": "2026-01-01"},
            "Choose a period of at most five years.",
        ),
    ],
)
def test_bad_dates_are_a_bad_request_with_a_message(
    sales_client, anna, template, today, query, message
):
    log(template, anna, today)

    response = sales_client.get(HOME, query)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "The figures below are for the default periods" in html
    # The charts fall back to their defaults rather than disappearing.
    assert html.count("<canvas") == 3


# Resume from the queue, and the query count


def test_resume_from_the_queue_comes_back_to_the_start_page(
    sales_client, sales_user, anna, template
):
    draft = services.postpone_interaction(
        contact=PersonFactory(),
        user=sales_user,
        description="Call back",
        salesperson=anna,
    )
    resume = reverse("interactions:entry_resume", args=[draft.pk])
    assert f'href="{resume}?next=/"' in sales_client.get(HOME).content.decode()

    form = sales_client.get(f"{resume}?next=/")
    assert form.status_code == 200
    data = {
        "contact": draft.contact.no,
        "template": template.pk,
        "description": "Call back",
        "salesperson": anna.pk,
        "date": timezone.localdate().isoformat(),
        "interaction_successful": "on",
        "cost": "2.50",
        "duration": "15",
        "next": "/",
    }
    response = sales_client.post(resume, data)

    assert response.status_code == 302
    assert response.url == HOME
    home = sales_client.get(HOME)
    assert home.context["resume_queue"] == []
    assert home.context["recent_entries"] == [InteractionLogEntry.objects.get()]
    assert not InteractionLogEntry.objects.get().postponed


@pytest.mark.parametrize("role", ["sales", "crm admin"])
def test_query_count_does_not_grow_with_the_data(
    client, role, today, django_assert_max_num_queries
):
    user = (SalesUserFactory if role == "sales" else AdminUserFactory)()
    own = SalespersonFactory(user=user)
    client.force_login(user)

    def grow(count):
        for n in range(count):
            template = InteractionTemplateFactory(group=InteractionGroupFactory())
            salesperson = SalespersonFactory() if n % 2 else own
            date = today - datetime.timedelta(days=n)
            log(template, salesperson, date, evaluation="positive" if n % 3 else "")
            log(template, own, date, canceled=True)
            services.postpone_interaction(
                contact=PersonFactory(), user=user, salesperson=own, date=date
            )

    grow(1)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    grow(50)

    with django_assert_max_num_queries(len(one)):
        response = client.get(HOME)

    assert len(response.context["resume_queue"]) == 10
    assert len(response.context["recent_entries"]) == 10
    assert not any(item["empty"] for item in response.context["charts"])


def test_a_user_without_a_salesperson_gets_team_data_only_as_crm_admin(client, bert):
    user = AdminUserFactory()
    client.force_login(user)
    log(InteractionTemplateFactory(), bert, timezone.localdate())

    response = client.get(f"{HOME}?{urlencode({'salesperson': ''})}")

    assert response.status_code == 200
    assert len(response.context["recent_entries"]) == 1
    assert "Your login is not linked to a salesperson." in response.content.decode()


# The greeting


def test_home_shows_the_users_salesperson(client):
    user = SalesUserFactory(first_name="Jan", last_name="Visser")
    salesperson = SalespersonFactory(code="JV", name="Jan Visser", user=user)
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert "Welcome, Jan Visser" in html
    assert "You work as salesperson <strong>Jan Visser</strong> (JV)." in html
    contacts_url = reverse("crm:contact_list")
    assert f'href="{contacts_url}?salesperson={salesperson.code}"' in html


def test_home_without_a_linked_salesperson(sales_client):
    html = sales_client.get(reverse("home")).content.decode()

    assert "Your login is not linked to a salesperson." in html
    assert reverse("crm:marketing_setup") not in html.split("<main")[1]


def test_a_login_without_a_role_is_told_who_gives_it_one(client):
    """A user just made in the admin, with no group yet: every CRM page would be a
    403, so the start page names the groups instead of a salesperson, and the top
    bar offers none of those pages."""
    client.force_login(UserFactory(first_name="Kees"))

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your login has no role in the CRM yet" in html
    assert "the group <strong>Sales</strong> (salespeople) or <strong>CRM admin" in html
    assert "Your login is not linked to a salesperson." not in html
    for name in ("crm:contact_list", "crm:salesperson_list", "interactions:entry_list"):
        assert f'href="{reverse(name)}"' not in html


def test_a_role_keeps_the_top_bar_and_no_role_message(sales_client):
    html = sales_client.get(HOME).content.decode()

    assert "no role in the CRM" not in html
    for name in ("crm:contact_list", "crm:salesperson_list", "interactions:entry_list"):
        assert f'href="{reverse(name)}"' in html
