"""in_key_ranges: consecutive ranges of entry numbers, each in its own transaction,
none past the highest number at the start; in_day_ranges: ranges of days holding a
batch of entries, a day holding more cut into parts."""

import datetime

import pytest

from interactions.models import InteractionLogEntry
from interactions.services import delete_entries, in_day_ranges, in_key_ranges
from tests.factories import InteractionLogEntryFactory
from tests.interactions.test_statistics import assert_statistics_match

pytestmark = pytest.mark.django_db


def test_the_ranges_cover_every_entry_once_in_batches():
    entries = [InteractionLogEntryFactory() for _n in range(7)]
    # A gap in the numbers: ranges hold entries, not numbers.
    entries[3].delete()
    keys = sorted(entry.pk for entry in entries if entry.pk)
    seen, reports = [], []

    def work(low, high):
        chosen = list(
            InteractionLogEntry.objects.filter(pk__gt=low, pk__lte=high)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        seen.append(chosen)
        return len(chosen)

    total = in_key_ranges(
        work,
        batch_size=2,
        progress=lambda examined, changed: reports.append(changed),
    )

    assert [len(batch) for batch in seen] == [2, 2, 2]
    assert [pk for batch in seen for pk in batch] == keys
    assert total == 6
    assert reports == [2, 4, 6]


def test_a_progress_that_says_stop_ends_the_walk():
    for _n in range(5):
        InteractionLogEntryFactory()

    def work(low, high):
        return delete_entries(
            InteractionLogEntry.objects.filter(pk__gt=low, pk__lte=high)
        )

    assert in_key_ranges(work, batch_size=2, progress=lambda e, c: c < 2) == 2
    assert InteractionLogEntry.objects.count() == 3
    assert_statistics_match()


def test_entries_added_during_the_walk_are_not_walked():
    InteractionLogEntryFactory()
    calls = []

    def work(low, high):
        calls.append((low, high))
        InteractionLogEntryFactory()
        return 0

    in_key_ranges(work, batch_size=1)
    assert len(calls) == 1


def test_no_entries_no_work():
    assert in_key_ranges(lambda low, high: 1 / 0) == 0


def test_day_ranges_hold_a_batch_and_a_full_day_is_cut_into_parts():
    day = datetime.date(2024, 3, 1)
    for offset in (0, 0, 0, 1, 3, 3):
        InteractionLogEntryFactory(date=day + datetime.timedelta(days=offset))
    entries = InteractionLogEntry.objects.all()
    seen, reports = [], []

    def work(start, end, keys):
        chosen = entries.filter(date__gte=start, date__lt=end)
        if keys is not None:
            chosen = chosen.filter(pk__gt=keys[0], pk__lte=keys[1])
        seen.append((start, end, keys is not None, chosen.count()))
        return chosen.count()

    total = in_day_ranges(
        entries,
        work,
        batch_size=2,
        progress=lambda examined, changed: reports.append(changed),
    )

    one = datetime.timedelta(days=1)
    assert [(s, e, part, n) for s, e, part, n in seen] == [
        # Three entries on the first day: cut into parts of two and one.
        (day, day + one, True, 2),
        (day, day + one, True, 1),
        # The next day alone (one entry, and the one after holds two).
        (day + one, day + 3 * one, False, 1),
        (day + 3 * one, day + 4 * one, False, 2),
    ]
    assert total == 6
    assert reports == [2, 3, 4, 6]


def test_no_days_no_work():
    assert in_day_ranges(InteractionLogEntry.objects.all(), lambda *a: 1 / 0) == 0
