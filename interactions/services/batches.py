"""Bulk operations on many entries done batch by batch, for the background jobs: each
batch its own transaction, progress and a chance to stop between batches."""

import datetime

from django.db import models, transaction
from django.db.models import Count, Max

from interactions.models import InteractionLogEntry

# Entries per batch: a few seconds of work at most, so a canceled job stops soon and
# a batch's locks are short.
BATCH_SIZE = 2000
_ONE_DAY = datetime.timedelta(days=1)


def in_batches(entries, work, *, progress=None, batch_size=None):
    """Call `work(keys)` on the entry numbers of `entries` (a queryset), a batch at
    a time in number order, each call in its own transaction; returns the sum of
    what `work` returned. `batch_size` defaults to BATCH_SIZE.

    After each batch `progress(examined, changed)` is called; when it returns False
    the rest is left alone. The batches walk the numbers up to the highest one
    selected at the start, so entries the work changes (and no longer match the
    filters) do not shift the batches, and entries added meanwhile do not join.
    """
    batch_size = batch_size or BATCH_SIZE
    selected = InteractionLogEntry.objects.filter(pk__in=entries.values("pk"))
    highest = selected.aggregate(highest=Max("pk"))["highest"]
    keys = selected.filter(pk__lte=highest or 0).order_by("pk")
    last = examined = changed = 0
    while batch := list(
        keys.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]
    ):
        with transaction.atomic():
            changed += work(batch)
        examined += len(batch)
        last = batch[-1]
        if progress is not None and progress(examined, changed) is False:
            break
    return changed


def in_key_ranges(work, *, progress=None, batch_size=None):
    """Call `work(low, high)` on consecutive ranges of entry numbers (`low`
    exclusive, `high` inclusive) that each hold `batch_size` entries (BATCH_SIZE by
    default), up to the highest number at the start; each call in its own
    transaction. Returns the sum of what `work` returned.

    For work that applies several filters to the same entries (retention's rules):
    each range is found by reading the primary key index only, and each filter then
    reads just that range, where in_batches' `pk IN (selection)` makes the database
    read the whole selection again for every batch. After each range
    `progress(examined, changed)` is called (`examined`: the full ranges walked
    times batch_size); when it returns False the rest is left.
    """
    batch_size = batch_size or BATCH_SIZE
    numbers = InteractionLogEntry.objects.order_by("pk").values_list("pk", flat=True)
    highest = numbers.aggregate(highest=Max("pk"))["highest"] or 0
    low = examined = changed = 0
    while low < highest:
        # The batch_size-th number after `low`, or the end.
        bounds = list(numbers.filter(pk__gt=low, pk__lte=highest)[batch_size - 1 :][:1])
        high = bounds[0] if bounds else highest
        with transaction.atomic():
            changed += work(low, high)
        examined += batch_size if bounds else 0
        low = high
        if progress is not None and progress(examined, changed) is False:
            break
    return changed


def in_day_ranges(entries, work, *, progress=None, batch_size=None, sizing=None):
    """Call `work(start, end, keys)` on consecutive ranges of days (`end`
    exclusive) holding `batch_size` of `entries` (a queryset) each, oldest first,
    each call in its own transaction; returns the sum of what `work` returned.
    `keys` is None, or for a day holding more than `batch_size` of them, which that
    day is cut into: (low, high) entry numbers (`low` exclusive, `high` inclusive),
    `batch_size` of its entries each.

    For work by whole days (retention's group policies: the group's rows of those
    days leave the daily statistics in one statement). The days and their numbers
    are read once at the start, from `sizing` when given: a queryset holding
    `entries` and more that an index alone can count by day (ranges of it hold at
    most `batch_size` of `entries`), or the list entries_by_day read from such a
    queryset earlier. After each range `progress(examined, changed)` is called
    (`examined`: the entries in the ranges walked); when it returns False the rest
    is left.
    """
    batch_size = batch_size or BATCH_SIZE
    if sizing is None or isinstance(sizing, models.QuerySet):
        days = entries_by_day(entries if sizing is None else sizing)
    else:
        days = sizing
    examined = changed = 0
    for start, end, keys, number in _day_ranges(entries, days, batch_size):
        with transaction.atomic():
            changed += work(start, end, keys)
        examined += number
        if progress is not None and progress(examined, changed) is False:
            break
    return changed


def entries_by_day(entries):
    """[(date, how many of `entries`)], oldest first."""
    return list(
        entries.order_by()
        .values("date")
        .annotate(number=Count("pk"))
        .order_by("date")
        .values_list("date", "number")
    )


def _day_ranges(entries, days, batch_size):
    """(start, end, keys, number of entries) of each range of in_day_ranges."""
    index = 0
    while index < len(days):
        start, number = days[index]
        index += 1
        end = start + _ONE_DAY
        if number > batch_size:
            numbers = list(
                entries.filter(date=start).order_by("pk").values_list("pk", flat=True)
            )
            low = 0
            for first in range(0, len(numbers), batch_size):
                chunk = numbers[first : first + batch_size]
                yield start, end, (low, chunk[-1]), len(chunk)
                low = chunk[-1]
            continue
        while index < len(days) and number + days[index][1] <= batch_size:
            number += days[index][1]
            index += 1
        end = days[index][0] if index < len(days) else days[index - 1][0] + _ONE_DAY
        yield start, end, None, number
