"""The statistics of the interaction log, kept as totals beside it so that the start
page and the statistics pages read a few thousand rows instead of a million entries.

Both tables are written only by interactions.services.statistics, in the
transaction of the service that writes the entries; `rebuild_statistics` computes
them afresh. Postponed entries count nowhere. A key without entries may keep a row
of zeros: the reads below leave those out.
"""

from decimal import Decimal

from django.db import models
from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from interactions.models.entries import InteractionLogEntry
from interactions.models.fields import Evaluation
from interactions.models.queries import NO_STATISTICS
from interactions.models.setup import InteractionGroup, InteractionTemplate

TOTAL_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _key(field):
    """A nullable key as the unique constraints compare it: none is 0 (NULLs would
    never conflict, and UNIQUE NULLS NOT DISTINCT is PostgreSQL 15's alone)."""
    return Coalesce(field, Value(0), output_field=models.BigIntegerField())


def _dimension(model):
    return models.ForeignKey(
        model,
        # A key can be deleted only once it has no entries: its rows hold zeros.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )


def _entries_field():
    return models.BigIntegerField(_("interactions"), default=0)


def _cost_field():
    return models.DecimalField(
        _("cost"), max_digits=14, decimal_places=2, default=Decimal("0")
    )


def _duration_field():
    return models.BigIntegerField(_("duration (min.)"), default=0)


class DailyStatisticsQuerySet(models.QuerySet):
    """The start page's charts: each one grouped query over the days of a period."""

    def for_salesperson(self, salesperson):
        return self.filter(salesperson=salesperson)

    def between(self, start=None, end=None):
        """Days from `start` to `end`, both inclusive; None leaves it open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(date__gte=start)
        if end is not None:
            queryset = queryset.filter(date__lte=end)
        return queryset

    def _rows(self):
        return self.filter(entries__gt=0).order_by()

    def count_by_date_and_group(self):
        """Rows of `date`, `group` (its key) and `count`."""
        return (
            self._rows()
            .values("date", "group")
            .annotate(count=Sum("entries"))
            .order_by("date", "group")
        )

    def totals_by_salesperson(self):
        """Rows of `salesperson__code`, `salesperson__name`, `count`, `cost` and
        `duration`, by code."""
        return (
            self._rows()
            .values("salesperson__code", "salesperson__name")
            .annotate(
                count=Sum("entries"),
                cost=Coalesce(
                    Sum("cost"), Value(Decimal("0")), output_field=TOTAL_FIELD
                ),
                duration=Sum("duration"),
            )
            # Entries without a salesperson last, on every database.
            .order_by(F("salesperson__code").asc(nulls_last=True))
        )

    def count_by_evaluation(self):
        """{evaluation: number of entries}; evaluations without entries are left out."""
        return dict(
            self._rows().values_list("evaluation").annotate(count=Sum("entries"))
        )


class InteractionDailyStatistics(models.Model):
    """The counted entries (neither canceled nor postponed) of a day, by salesperson,
    interaction group and evaluation: what the start page's charts show."""

    date = models.DateField(_("date"))
    salesperson = _dimension("crm.Salesperson")
    group = _dimension(InteractionGroup)
    evaluation = models.CharField(
        _("evaluation"), max_length=20, blank=True, choices=Evaluation
    )
    entries = _entries_field()
    cost = _cost_field()
    duration = _duration_field()

    objects = DailyStatisticsQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily interaction statistics")
        verbose_name_plural = _("daily interaction statistics")
        constraints = [
            # Its index also serves the team's charts (a range of days).
            models.UniqueConstraint(
                F("date"),
                _key("salesperson"),
                _key("group"),
                F("evaluation"),
                name="ids_day_key",
            ),
        ]
        indexes = [
            models.Index(fields=["salesperson", "date"], name="ids_salesperson_idx")
        ]

    def __str__(self):
        return f"{self.date} {self.entries}"


class TotalStatisticsQuerySet(models.QuerySet):
    def statistics_by(self, field, keys, *, with_visible_count=False):
        """{key: {count, cost, duration, last_date}} of the counted entries for each
        of `keys`, values of `field` ("template", "group" or "salesperson"), in one
        grouped query. `with_visible_count` adds `visible_count`, the entries a
        list shows (canceled ones too)."""
        counted = Q(canceled=False)
        aggregates = {
            "count": Coalesce(Sum("entries", filter=counted), 0),
            "cost": Coalesce(
                Sum("cost", filter=counted),
                Value(Decimal("0")),
                output_field=TOTAL_FIELD,
            ),
            "duration": Coalesce(Sum("duration", filter=counted), 0),
            # Not a total that can be kept: read from the entries' own index on
            # (field, canceled, date, …), newest first, one row per key.
            "last_date": Subquery(
                InteractionLogEntry.objects.counted()
                .filter(**{field: OuterRef(field)})
                .order_by("-date")
                .values("date")[:1]
            ),
        }
        empty = dict(NO_STATISTICS)
        if with_visible_count:
            aggregates["visible_count"] = Coalesce(Sum("entries"), 0)
            empty["visible_count"] = 0
        rows = (
            self.filter(**{f"{field}__in": keys})
            .order_by()
            .values(field)
            .annotate(**aggregates)
        )
        found = {row.pop(field): row for row in rows}
        return {key: found.get(key, dict(empty)) for key in keys}


class InteractionTotalStatistics(models.Model):
    """All logged entries (postponed ones aside) by interaction template, group,
    salesperson and canceled: the statistics of the template and group lists, a
    template's page and a salesperson's card."""

    template = _dimension(InteractionTemplate)
    group = _dimension(InteractionGroup)
    salesperson = _dimension("crm.Salesperson")
    canceled = models.BooleanField(_("canceled"))
    entries = _entries_field()
    cost = _cost_field()
    duration = _duration_field()

    objects = TotalStatisticsQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction statistics")
        verbose_name_plural = _("interaction statistics")
        constraints = [
            models.UniqueConstraint(
                _key("template"),
                _key("group"),
                _key("salesperson"),
                F("canceled"),
                name="its_key",
            ),
        ]

    def __str__(self):
        return f"{self.template_id} {self.group_id} {self.salesperson_id}"
