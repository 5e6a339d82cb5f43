"""Reads of the interaction history for other apps' pages (contact, salesperson, the
start page)."""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crm.models import Contact
from interactions.filters import ContactTimelineFilter
from interactions.models import Evaluation, InteractionGroup, InteractionLogEntry

CARD_PAGE_SIZE = 10
TIMELINE_PAGE_SIZE = 25
# Rows of the start page's resume queue and recent interactions.
DASHBOARD_ROWS = 10
# The week chart's default: this week and the eleven before it.
DASHBOARD_WEEKS = 12
# The longest period the charts draw (a week chart of five years has 262 bars).
LONGEST_PERIOD = datetime.timedelta(days=5 * 366)


def interaction_card(*, salesperson, user, page=None):
    """Statistics, a page of entries (newest first) and the postponed ones `user`
    may see for a salesperson's card (a contact's card has its timeline instead)."""
    entries = InteractionLogEntry.objects.for_salesperson(salesperson)
    statistics = entries.statistics(with_visible_count=True)
    paginator = Paginator(entries.visible().for_rows(), CARD_PAGE_SIZE)
    # Counted with the statistics: a second COUNT would read every entry again.
    paginator.count = statistics.pop("visible_count")
    postponed = (
        entries.postponed().visible_to(user).for_rows().order_by("-date", "-entry_no")
    )
    return {
        "statistics": statistics,
        "entries_page": paginator.get_page(page),
        "postponed_entries": postponed[:CARD_PAGE_SIZE],
    }


def dashboard(*, user, own_salesperson, salesperson, whole_team, period=None):
    """What the start page reads: the user's resume queue and, for `salesperson` or
    the `whole_team` (neither: nothing), the recent interactions and the charts over
    `period` (None: each chart's default, default_periods())."""
    queue, more_postponed = resume_queue(user=user, salesperson=own_salesperson)
    context = {"resume_queue": queue, "more_postponed": more_postponed}
    if salesperson is None and not whole_team:
        return context
    entries = InteractionLogEntry.objects.all()
    if salesperson is not None:
        entries = entries.for_salesperson(salesperson)
    weeks, quarter = default_periods(timezone.localdate())
    context.update(
        recent_entries=recent_interactions(entries),
        charts=dashboard_charts(
            entries, weeks_period=period or weeks, period=period or quarter
        ),
    )
    return context


def resume_queue(*, user, salesperson=None):
    """The user's postponed interactions, oldest first, and whether there are more
    than DASHBOARD_ROWS: those they started and those for their salesperson."""
    mine = Q(created_by=user)
    if salesperson is not None:
        mine |= Q(salesperson=salesperson)
    entries = list(
        InteractionLogEntry.objects.postponed()
        .filter(mine)
        .for_rows()
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
    first_month = (today.month - 1) // 3 * 3 + 1
    quarter_start = today.replace(month=first_month, day=1)
    next_quarter = (quarter_start + datetime.timedelta(days=92)).replace(day=1)
    return weeks, (quarter_start, next_quarter - datetime.timedelta(days=1))


def dashboard_charts(entries, *, weeks_period, period):
    """The start page's three charts over the counted ones of `entries`, one grouped
    query each (and one for the groups' names): interactions per week and group over
    `weeks_period`, cost and duration per salesperson and the evaluations over
    `period` ((first, last day) pairs).

    Each chart is a dict: `id`, `title`, `start`, `end`, `empty` (nothing in the
    period), `data` (what static/js/dashboard.js draws) and the same numbers as a
    table: `row_header`, `columns` and `rows` of (header, cells).
    """
    counted = entries.counted()
    return [
        _week_chart(counted.between(*weeks_period), *weeks_period),
        _salesperson_chart(counted.between(*period), *period),
        _evaluation_chart(counted.between(*period), *period),
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


def _week_chart(entries, start, end):
    first_monday = start - datetime.timedelta(days=start.weekday())
    weeks = [
        first_monday + datetime.timedelta(weeks=number)
        for number in range((end - first_monday).days // 7 + 1)
    ]
    counts = defaultdict(int)
    for row in entries.count_by_date_and_group():
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


def _salesperson_chart(entries, start, end):
    rows = [
        (
            f"{row['salesperson__code']} \N{EN DASH} {row['salesperson__name']}"
            if row["salesperson__code"]
            else _("No salesperson"),
            row["count"],
            row["cost"].quantize(Decimal("0.01")),
            row["duration"],
        )
        for row in entries.totals_by_salesperson()
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
            [_("Interactions"), _("Cost"), _("Duration (min.)")],
            [(label, values) for label, *values in rows],
        ),
    )


def _evaluation_chart(entries, start, end):
    counts = entries.count_by_evaluation()
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
            [_("Interactions"), _("Share")],
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


@dataclasses.dataclass(frozen=True)
class Position:
    """Where an item stands in a timeline: its date, time and entry no.

    Written into the page links as `2026-11-20_10:42:00_123` (no time: `2026-11-20__7`).
    """

    date: datetime.date
    time: datetime.time | None
    entry_no: int

    @classmethod
    def of(cls, entry):
        return cls(entry.date, entry.time, entry.pk)

    @classmethod
    def parse(cls, value):
        """The position `value` names, or None when it names none: an edited or
        garbled link shows the newest items, as a bad page number shows page 1."""
        try:
            day, time, number = (value or "").split("_")
            time = datetime.time.fromisoformat(time) if time else None
            if time is not None and time.tzinfo is not None:
                return None  # entry times are local, and SQLite refuses aware ones
            return cls(datetime.date.fromisoformat(day), time, int(number))
        except ValueError:
            return None

    def __str__(self):
        time = self.time.isoformat() if self.time else ""
        return f"{self.date.isoformat()}_{time}_{self.entry_no}"


@dataclasses.dataclass(frozen=True)
class Timeline:
    """One page of a contact's timeline: `items` are entries (newest first); `newer`
    and `older` are the positions the links to the neighbouring pages start from."""

    filter: ContactTimelineFilter
    items: list
    newer: Position | None = None
    older: Position | None = None
    # The entry list's filter for this contact's entries ("company=CT00001").
    scope_query: str = ""


def contact_timeline(contact, query, *, user):
    """A page of `contact`'s timeline: its interactions, the postponed ones `user`
    may see (InteractionLogEntryQuerySet.visible_to) and logged
    segments (a company's include its persons'), newest first, filtered by `query`
    (the card's GET parameters: the filters, and `older` or `newer` to page).

    Pages start after an item's position instead of being numbered: whatever the
    page, it reads its own rows from the timeline index (a page number would skip
    all the rows before it), and new entries do not shift the older pages.
    """
    entries = InteractionLogEntry.objects.for_contact(contact).visible_to(user)
    scope = "company" if contact.type == Contact.Type.COMPANY else "contact"
    timeline_filter = ContactTimelineFilter(query, queryset=entries)
    found = Timeline(
        filter=timeline_filter, items=[], scope_query=urlencode({scope: contact.no})
    )
    if not timeline_filter.is_valid():
        return found
    items = timeline_filter.qs.timeline().for_rows().select_related("logged_segment")
    size = TIMELINE_PAGE_SIZE
    newer = Position.parse(query.get("newer"))
    if newer is not None:
        rows = list(items.newer_than(newer)[: size + 1])
        if len(rows) > size:
            page = rows[:size][::-1]
            return dataclasses.replace(
                found,
                items=page,
                newer=Position.of(page[0]),
                older=Position.of(page[-1]),
            )
        # Back at the newest items: the first page, full even when fewer were left.
        older, has_newer = None, False
    else:
        older = Position.parse(query.get("older"))
        has_newer = older is not None
    if older is not None:
        items = items.older_than(older)
    rows = list(items[: size + 1])
    page = rows[:size]
    return dataclasses.replace(
        found,
        items=page,
        # An emptied page still links back to the items before its start.
        newer=(Position.of(page[0]) if page else older) if has_newer else None,
        older=Position.of(page[-1]) if len(rows) > size else None,
    )
