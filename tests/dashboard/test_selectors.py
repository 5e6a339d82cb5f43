"""The start page's reads: the resume queue, recent interactions and the three charts
(interactions.selectors and the QuerySet methods behind them), on the real database."""

import datetime
from decimal import Decimal

import pytest

from dashboard.selectors import (
    DASHBOARD_ROWS,
    dashboard,
    dashboard_charts,
    default_periods,
    recent_interactions,
    resume_queue,
)
from interactions import services
from interactions.models import InteractionDailyStatistics, InteractionLogEntry
from tests.factories import (
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    PersonFactory,
    SalespersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SATURDAY = datetime.date(2026, 11, 21)
SUNDAY = datetime.date(2026, 11, 15)
MONDAY = datetime.date(2026, 11, 16)
QUARTER = (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
STATISTICS = InteractionDailyStatistics.objects


@pytest.fixture
def letters():
    return InteractionTemplateFactory(
        code="LETTER",
        description="Letter",
        group=InteractionGroupFactory(code="LETTERS", description="Letters"),
        unit_cost=Decimal("2.50"),
        unit_duration=10,
    )


@pytest.fixture
def calls():
    return InteractionTemplateFactory(
        code="CALL",
        description="Call",
        group=InteractionGroupFactory(code="CALLS", description="Phone calls"),
        unit_cost=Decimal("1.25"),
        unit_duration=5,
    )


def chart(charts, chart_id):
    return next(chart for chart in charts if chart["id"] == chart_id)


# Periods


@pytest.mark.parametrize(
    ("today", "weeks", "quarter"),
    [
        (
            SATURDAY,
            (datetime.date(2026, 8, 31), datetime.date(2026, 11, 22)),
            QUARTER,
        ),
        (
            datetime.date(2026, 3, 31),
            (datetime.date(2026, 1, 12), datetime.date(2026, 4, 5)),
            (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ),
        (
            datetime.date(2026, 7, 1),
            (datetime.date(2026, 4, 13), datetime.date(2026, 7, 5)),
            (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        ),
    ],
)
def test_default_periods_are_twelve_whole_weeks_and_the_quarter(today, weeks, quarter):
    assert default_periods(today) == (weeks, quarter)
    assert weeks[0].weekday() == 0
    assert (weeks[1] - weeks[0]).days + 1 == 12 * 7


# QuerySet methods: one grouped query each


def test_count_by_date_and_group(letters, calls):
    for date, template in [
        (SUNDAY, letters),
        (SATURDAY, letters),
        (SATURDAY, letters),
        (SATURDAY, calls),
    ]:
        InteractionLogEntryFactory(template=template, date=date)

    rows = list(STATISTICS.count_by_date_and_group())

    assert rows == [
        {"date": SUNDAY, "group": letters.group.pk, "count": 1},
        {"date": SATURDAY, "group": letters.group.pk, "count": 2},
        {"date": SATURDAY, "group": calls.group.pk, "count": 1},
    ]


def test_totals_by_salesperson_sums_cost_and_duration(letters, calls):
    anna = SalespersonFactory(code="ANNA", name="Anna Visser")
    for template in (letters, letters, calls):
        InteractionLogEntryFactory(template=template, salesperson=anna)
    InteractionLogEntryFactory(template=calls, salesperson=None)

    rows = list(STATISTICS.totals_by_salesperson())

    assert [
        (row["salesperson__code"], row["count"], row["cost"], row["duration"])
        for row in rows
    ] == [("ANNA", 3, Decimal("6.25"), 25), (None, 1, Decimal("1.25"), 5)]


def test_count_by_evaluation(letters):
    for evaluation in ("positive", "positive", "negative", ""):
        InteractionLogEntryFactory(template=letters, evaluation=evaluation)

    assert STATISTICS.count_by_evaluation() == {
        "positive": 2,
        "negative": 1,
        "": 1,
    }


# The charts


def test_week_chart_fills_empty_weeks_and_adds_totals(letters, calls):
    InteractionLogEntryFactory(template=letters, date=datetime.date(2026, 9, 1))
    InteractionLogEntryFactory(template=letters, date=SUNDAY)
    InteractionLogEntryFactory(template=letters, date=SATURDAY)
    InteractionLogEntryFactory(template=calls, date=MONDAY)
    InteractionLogEntryFactory(template=calls, date=MONDAY, group=None)
    weeks, quarter = default_periods(SATURDAY)

    week_chart = chart(
        dashboard_charts(STATISTICS.all(), weeks_period=weeks, period=quarter),
        "weeks",
    )

    assert (week_chart["start"], week_chart["end"]) == weeks
    assert week_chart["data"]["kind"] == "weeks"
    assert week_chart["data"]["labels"][0] == "08/31/2026"
    assert len(week_chart["data"]["labels"]) == 12
    assert week_chart["data"]["datasets"] == [
        {"label": "CALLS Phone calls", "data": [0] * 11 + [1]},
        {"label": "LETTERS Letters", "data": [1] + [0] * 9 + [1, 1]},
        {"label": "No group", "data": [0] * 11 + [1]},
    ]
    assert week_chart["row_header"] == "Week starting"
    assert week_chart["columns"] == [
        "CALLS Phone calls",
        "LETTERS Letters",
        "No group",
        "Total",
    ]
    assert week_chart["rows"][0] == ("08/31/2026", [0, 1, 0, 1])
    assert week_chart["rows"][1] == ("09/07/2026", [0, 0, 0, 0])
    # Sunday the 15th ends the week before Monday the 16th.
    assert week_chart["rows"][-2] == ("11/09/2026", [0, 1, 0, 1])
    assert week_chart["rows"][-1] == ("11/16/2026", [1, 1, 1, 3])
    assert not week_chart["empty"]


def test_charts_count_neither_canceled_nor_postponed_nor_outside_the_period(letters):
    in_period = {"template": letters, "date": MONDAY}
    InteractionLogEntryFactory(**in_period, evaluation="positive")
    InteractionLogEntryFactory(**in_period, canceled=True)
    InteractionLogEntryFactory(**in_period, postponed=True)
    InteractionLogEntryFactory(template=letters, date=datetime.date(2026, 9, 30))
    InteractionLogEntryFactory(template=letters, date=datetime.date(2027, 1, 1))

    charts = dashboard_charts(
        STATISTICS.all(),
        weeks_period=(MONDAY, SATURDAY),
        period=QUARTER,
    )

    assert chart(charts, "weeks")["rows"] == [("11/16/2026", [1, 1])]
    assert [row[1][0] for row in chart(charts, "salespeople")["rows"]] == [1]
    assert chart(charts, "evaluations")["rows"][1] == ("Positive", [1, "100.0 %"])


def test_salesperson_chart_lists_cost_and_duration_with_two_decimals(letters):
    anna = SalespersonFactory(code="ANNA", name="Anna Visser")
    bert = SalespersonFactory(code="BERT", name="Bert Bakker")
    for salesperson in (anna, anna, bert):
        InteractionLogEntryFactory(
            template=letters, salesperson=salesperson, date=MONDAY
        )

    salespeople = chart(
        dashboard_charts(STATISTICS.all(), weeks_period=QUARTER, period=QUARTER),
        "salespeople",
    )

    assert salespeople["data"]["labels"] == [str(anna), str(bert)]
    assert salespeople["data"]["datasets"] == [
        {"label": "Cost", "data": [5.0, 2.5]},
        {"label": "Duration (min.)", "data": [20, 10]},
    ]
    assert salespeople["columns"] == [
        "No. of interactions",
        "Cost",
        "Duration (min.)",
    ]
    assert salespeople["rows"] == [
        (str(anna), [2, Decimal("5.00"), 20]),
        (str(bert), [1, Decimal("2.50"), 10]),
    ]
    assert str(salespeople["rows"][0][1][1]) == "5.00"


def test_evaluation_chart_runs_from_very_positive_to_not_evaluated(letters):
    for evaluation in ("very_negative", "positive", "positive", ""):
        InteractionLogEntryFactory(template=letters, evaluation=evaluation, date=MONDAY)

    evaluations = chart(
        dashboard_charts(STATISTICS.all(), weeks_period=QUARTER, period=QUARTER),
        "evaluations",
    )

    assert evaluations["data"]["labels"] == [
        "Very positive",
        "Positive",
        "Neutral",
        "Negative",
        "Very negative",
        "Not evaluated",
    ]
    assert evaluations["data"]["datasets"][0]["data"] == [0, 2, 0, 0, 1, 1]
    assert evaluations["rows"][1] == ("Positive", [2, "50.0 %"])
    assert evaluations["rows"][5] == ("Not evaluated", [1, "25.0 %"])


def test_charts_of_an_empty_period_are_empty(letters):
    InteractionLogEntryFactory(template=letters, date=MONDAY)

    charts = dashboard_charts(
        STATISTICS.all(),
        weeks_period=(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
        period=(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    )

    assert [chart["empty"] for chart in charts] == [True, True, True]


def test_each_chart_is_one_grouped_query(letters, calls, django_assert_num_queries):
    InteractionLogEntryFactory(template=letters, date=MONDAY)
    InteractionLogEntryFactory(template=calls, date=SATURDAY)

    # Plus one for the names of the interaction groups.
    with django_assert_num_queries(4):
        dashboard_charts(STATISTICS.all(), weeks_period=QUARTER, period=QUARTER)


# Resume queue and recent interactions


def test_resume_queue_holds_what_the_user_postponed_or_their_salesperson_oldest_first(
    letters,
):
    user, colleague = UserFactory(), UserFactory()
    mine = SalespersonFactory(user=user)
    other = SalespersonFactory()
    contact = PersonFactory()

    def postpone(*, by, salesperson, date):
        return services.postpone_interaction(
            contact=contact, user=by, salesperson=salesperson, date=date
        )

    newest = postpone(by=user, salesperson=other, date=SATURDAY)
    oldest = postpone(by=colleague, salesperson=mine, date=SUNDAY)
    middle = postpone(by=user, salesperson=None, date=MONDAY)
    postpone(by=colleague, salesperson=other, date=SUNDAY)
    InteractionLogEntryFactory(salesperson=mine, date=SUNDAY)

    assert resume_queue(user=user, salesperson=mine) == (
        [oldest, middle, newest],
        False,
    )
    assert resume_queue(user=user) == ([middle, newest], False)


def test_resume_queue_shows_the_oldest_rows_and_says_there_are_more():
    user = UserFactory()
    contact = PersonFactory()
    entries = [
        services.postpone_interaction(
            contact=contact, user=user, date=SUNDAY + datetime.timedelta(days=n)
        )
        for n in range(DASHBOARD_ROWS + 1)
    ]

    queue, more = resume_queue(user=user)

    assert queue == entries[:DASHBOARD_ROWS]
    assert more


def test_recent_interactions_are_the_newest_logged_ones(letters):
    entries = [
        InteractionLogEntryFactory(
            template=letters, date=datetime.date(2026, 10, 1 + n)
        )
        for n in range(DASHBOARD_ROWS + 1)
    ]
    canceled = InteractionLogEntryFactory(
        template=letters, date=SATURDAY, canceled=True
    )
    InteractionLogEntryFactory(template=letters, date=SATURDAY, postponed=True)

    recent = recent_interactions(InteractionLogEntry.objects.all())

    assert recent == [canceled, *reversed(entries)][:DASHBOARD_ROWS]


def test_dashboard_without_salesperson_or_team_shows_only_the_queue():
    user = UserFactory()
    InteractionLogEntryFactory()

    assert set(
        dashboard(user=user, own_salesperson=None, salesperson=None, whole_team=False)
    ) == {"resume_queue", "more_postponed"}


def test_dashboard_of_a_salesperson_reads_only_their_entries(letters):
    anna, bert = SalespersonFactory(), SalespersonFactory()
    annas = InteractionLogEntryFactory(template=letters, salesperson=anna)
    InteractionLogEntryFactory(template=letters, salesperson=bert)

    read = dashboard(
        user=UserFactory(), own_salesperson=anna, salesperson=anna, whole_team=False
    )
    team = dashboard(
        user=UserFactory(), own_salesperson=None, salesperson=None, whole_team=True
    )

    assert read["recent_entries"] == [annas]
    assert len(team["recent_entries"]) == 2
