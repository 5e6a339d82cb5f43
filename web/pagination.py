"""Pagination that never waits on counting a whole table.

An exact COUNT(*) reads every matching row: over a million log entries that takes
longer than showing the page itself. Lists count exactly up to `EXACT_UP_TO` rows;
beyond that PostgreSQL's planner estimate is shown as "about N".
"""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 5000


def planner_estimate(queryset):
    """The number of rows PostgreSQL's planner expects `queryset` to return."""
    # Only the keys: joins that select_related adds cost planning time, not rows.
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class ApproximatePage(Page):
    """A page of an estimated list: whether a next page exists is known from the
    rows themselves (one more is read), not from the estimate."""

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count is exact up to EXACT_UP_TO rows and estimated above.

    `approximate` tells the template to say "about" and to leave out "Last"; pages
    past the estimate can still be reached with "Next". On databases other than
    PostgreSQL the count is always exact: they hold small data sets.
    """

    exact_up_to = EXACT_UP_TO

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._approximate = False

    @property
    def approximate(self):
        """Whether `count` is the planner's estimate (counting decides it)."""
        return self.count is not None and self._approximate

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        # Counting at most one row past the limit reads at most that many rows.
        capped = queryset.order_by()[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        self._approximate = True
        return max(planner_estimate(queryset), capped)

    def validate_number(self, number):
        if not self.approximate:
            return super().validate_number(number)
        # The estimate may be low: a page past it is valid when it has rows (page()).
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self.approximate:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        # Page 1 is always there, empty too: the rows counted a moment ago may have
        # gone meanwhile (a retention run deleting them), like an empty list's.
        return ApproximatePage(
            rows[: self.per_page], number, self, more=len(rows) > self.per_page
        )

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:
            # Past the end of an estimated list: its true end is not known.
            return self.page(1)


COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A Paginator that counts at most `cap` rows, for the admin's change lists.

    Counting at most one row past the cap reads at most that many rows, however big
    the table; a longer list has `capped` set, its count is the cap, and the pages
    reach the cap: a filter or a search narrows it. Unlike EstimatedCountPaginator
    no planner estimate is asked for: the admin says "more than 10,000" instead.
    """

    cap = COUNT_CAP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        counted = queryset.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)
