"""The start page's reads: the resume queue, recent interactions and the charts."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from interactions.models import (
    Evaluation,
    InteractionDailyStatistics,
    InteractionGroup,
    InteractionLogEntry,
)

# Rows of the start page's resume queue and recent interactions.
DASHBOARD_ROWS = 10
# The week chart's default: this week and the eleven before it.
DASHBOARD_WEEKS = 12
# The longest period the charts draw (a week chart of five years has 262 bars).
LONGEST_PERIOD = datetime.timedelta(days=5 * 366)


def dashboard(*, user, own_salesperson, salesperson, whole_team, period=None):
    """What the start page reads: the user's resume queue and, for `salesperson` or
    the `whole_team` (neither: nothing), the recent interactions and the charts over
    `period` (None: each chart's default, default_periods())."""
    queue, more_postponed = resume_queue(user=user, salesperson=own_salesperson)
    context = {"resume_queue": queue, "more_postponed": more_postponed}
    if salesperson is None and not whole_team:
        return context
    # Sales users see their own salesperson's entries; only the team permission
    # (views.TEAM_PERMISSION) reads everyone's.
    entries = InteractionLogEntry.objects.all()
    statistics = InteractionDailyStatistics.objects.all()
    if salesperson is not None:
        entries = entries.for_salesperson(salesperson)
        statistics = statistics.for_salesperson(salesperson)
    weeks, quarter = default_periods(timezone.localdate())
    context.update(
        recent_entries=recent_interactions(entries),
        charts=dashboard_charts(
            statistics, weeks_period=period or weeks, period=period or quarter
        ),
    )
    return context


def resume_queue(*, user, salesperson=None):
    """The user's postponed interactions, oldest first, and whether there are more
    than DASHBOARD_ROWS: those they started and those for their salesperson."""
    # NAV's "postponed interactions" are the user's own drafts, and those made for
    # their salesperson by someone else (a colleague filling in for them).
    mine = Q(created_by=user)
    if salesperson is not None:
        mine |= Q(salesperson=salesperson)
    entries = list(
        InteractionLogEntry.objects.postponed()
        .filter(mine)
        .for_rows()
        # Oldest first: the longest-waiting draft is the one to resume.
        .order_by("date", "entry_no")[: DASHBOARD_ROWS + 1]
    )
    return entries[:DASHBOARD_ROWS], len(entries) > DASHBOARD_ROWS


def recent_interactions(entries):
    """The newest DASHBOARD_ROWS log entries of `entries` (canceled ones too)."""
    return list(entries.visible().for_rows()[:DASHBOARD_ROWS])


def default_periods(today):
    """(first, last day) of the week chart and of the others: the last 12 weeks
    (whole weeks, this one included) and the quarter `today` is in."""
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = (
        monday - datetime.timedelta(weeks=DASHBOARD_WEEKS - 1),
        monday + datetime.timedelta(days=6),
    )
    # Calendar quarters, as the sales reports count them (no fiscal year setup).
    first_month = (today.month - 1) // 3 * 3 + 1
    quarter_start = today.replace(month=first_month, day=1)
    # 92 days from a quarter's first day always lands in the next quarter.
    next_quarter = (quarter_start + datetime.timedelta(days=92)).replace(day=1)
    return weeks, (quarter_start, next_quarter - datetime.timedelta(days=1))


def dashboard_charts(statistics, *, weeks_period, period):
    """The start page's three charts over `statistics` (InteractionDailyStatistics,
    the counted entries by day), one grouped query each (and one for the groups'
    names): interactions per week and group over `weeks_period`, cost and duration
    per salesperson and the evaluations over `period` ((first, last day) pairs).

    Each chart is a dict: `id`, `title`, `start`, `end`, `empty` (nothing in the
    period), `data` (what static/js/dashboard.js draws) and the same numbers as a
    table: `row_header`, `columns` and `rows` of (header, cells).
    """
    # The table holds counted entries only (neither canceled nor postponed), as
    # NAV's statistics count them; a few thousand rows a quarter, however many entries.
    return [
        _week_chart(statistics.between(*weeks_period), *weeks_period),
        _salesperson_chart(statistics.between(*period), *period),
        _evaluation_chart(statistics.between(*period), *period),
    ]


def _chart(chart_id, title, start, end, *, kind, labels, datasets, table):
    row_header, columns, rows = table
    return {
        "id": chart_id,
        "title": title,
        "start": start,
        "end": end,
        "empty": not any(any(dataset["data"]) for dataset in datasets),
        "data": {"kind": kind, "labels": labels, "datasets": datasets},
        "row_header": row_header,
        "columns": columns,
        "rows": rows,
    }


def _week_chart(statistics, start, end):
    first_monday = start - datetime.timedelta(days=start.weekday())
    weeks = [
        first_monday + datetime.timedelta(weeks=number)
        for number in range((end - first_monday).days // 7 + 1)
    ]
    # Grouped by day in SQL and summed into weeks here: at most 5 * 366 rows.
    counts = defaultdict(int)
    for row in statistics.count_by_date_and_group():
        monday = row["date"] - datetime.timedelta(days=row["date"].weekday())
        counts[monday, row["group"]] += row["count"]
    found = {group for _week, group in counts}
    groups = InteractionGroup.objects.in_bulk(found - {None})
    # By code; entries without a group come last.
    keys = sorted(found, key=lambda key: (key is None, key and groups[key].code))
    names = [str(groups[key]) if key else _("No group") for key in keys]
    labels = [formats.date_format(week, "SHORT_DATE_FORMAT") for week in weeks]
    return _chart(
        "weeks",
        _("Interactions per week by interaction group"),
        start,
        end,
        kind="weeks",
        labels=labels,
        datasets=[
            {"label": name, "data": [counts[week, key] for week in weeks]}
            for key, name in zip(keys, names, strict=True)
        ],
        table=(
            _("Week starting"),
            [*names, _("Total")],
            [
                (
                    label,
                    [
                        *(counts[week, key] for key in keys),
                        sum(counts[week, key] for key in keys),
                    ],
                )
                for label, week in zip(labels, weeks, strict=True)
            ],
        ),
    )


def _salesperson_chart(statistics, start, end):
    rows = [
        (
            f"{row['salesperson__code']} \N{EN DASH} {row['salesperson__name']}"
            if row["salesperson__code"]
            else _("No salesperson"),
            row["count"],
            # In cents, as every amount is shown: the chart and its table alike.
            row["cost"].quantize(Decimal("0.01")),
            row["duration"],
        )
        for row in statistics.totals_by_salesperson()
    ]
    return _chart(
        "salespeople",
        _("Cost and duration per salesperson"),
        start,
        end,
        kind="salespeople",
        labels=[label for label, *_values in rows],
        datasets=[
            {"label": _("Cost"), "data": [float(cost) for _l, _c, cost, _d in rows]},
            {
                "label": _("Duration (min.)"),
                "data": [duration for *_values, duration in rows],
            },
        ],
        table=(
            _("Salesperson"),
            [_("No. of interactions"), _("Cost"), _("Duration (min.)")],
            [(label, values) for label, *values in rows],
        ),
    )


def _evaluation_chart(statistics, start, end):
    counts = statistics.count_by_evaluation()
    total = sum(counts.values())
    # Very positive to very negative, then the entries nobody evaluated.
    choices = [*Evaluation.choices[1:], (Evaluation.BLANK, _("Not evaluated"))]
    rows = [(str(label), counts.get(value, 0)) for value, label in choices]
    return _chart(
        "evaluations",
        _("Evaluations"),
        start,
        end,
        kind="evaluations",
        labels=[label for label, _count in rows],
        datasets=[{"label": _("Interactions"), "data": [count for _l, count in rows]}],
        table=(
            _("Evaluation"),
            [_("No. of interactions"), _("Share")],
            [
                (
                    label,
                    # Without entries the chart is empty and no table is shown.
                    [
                        count,
                        f"{formats.number_format(100 * count / (total or 1), 1)} %",
                    ],
                )
                for label, count in rows
            ],
        ),
    )
