"""Retention's entry rules applied batch by batch (privacy.services.retention's
apply_retention calls apply_entry_rules): a group's policy that deletes walks its
group's entries by days, so the days it empties leave the daily statistics in one
statement; the other entry rules share one walk of the entry table in key ranges."""

import operator
from functools import reduce

from django.db.models import Count, Value

from interactions.models import InteractionLogEntry
from interactions.services import (
    anonymise_entries,
    delete_days_of_groups,
    delete_entries,
    in_day_ranges,
    in_key_ranges,
)
from privacy.models import RetentionAction


def entry_counts(rules, *, by_day=False):
    """How many entries each entry rule of `rules` selects now ({index: count}),
    in one statement (one read of the entry table, not one per rule); with
    `by_day`, the same statement grouped by date also gives the days the group
    policies that delete walk ([(date, how many of them they select)], oldest
    first), else []."""
    # COUNT(1), not of a column: a rule's filter alone then says which columns
    # the statement reads (an index may hold them all).
    counts = {
        f"rule{index}": Count(Value(1), filter=rule.where)
        for index, rule in enumerate(rules)
        if rule.where is not None
    }
    by_days = [f"rule{index}" for index, rule in enumerate(rules) if rule.by_days]
    if not counts:
        return {}, []
    if not (by_day and by_days):
        counted = InteractionLogEntry.objects.aggregate(**counts)
        return {int(name[4:]): number for name, number in counted.items()}, []
    rows = list(
        InteractionLogEntry.objects.order_by().values("date").annotate(**counts)
    )
    days = sorted(
        (row["date"], number)
        for row in rows
        if (number := sum(row[name] for name in by_days))
    )
    return {int(name[4:]): sum(row[name] for row in rows) for name in counts}, days


def apply_entry_rules(rules, planned, days, batch_sizes, after_batch, report):
    """The entry rules: the group policies that delete walk their entries by days
    together (_apply_by_days, `days` from entry_counts); the others share one walk
    of the table in key ranges (_apply_in_key_ranges), left out when they selected
    nothing at the start. `batch_sizes`: (key ranges', days'). Returns how many
    were changed."""
    by_days = [(index, rule) for index, rule in enumerate(rules) if rule.by_days]
    others = [
        rule if rule.by_days is None and planned[index] else None
        for index, rule in enumerate(rules)
    ]
    done = _apply_in_key_ranges(others, batch_sizes[0], after_batch, report)
    if by_days and days:
        done += _apply_by_days(
            days,
            by_days,
            batch_sizes[1],
            after_batch,
            lambda changed, base=done: report(base + changed),
        )
    return done


def _apply_by_days(days, by_days, batch_size, after_batch, report):
    """The group policies that delete (`by_days`: (index, rule)), in ranges of days
    holding `batch_size` of their entries together, each range one transaction:
    delete_days_of_groups takes each group's rows of those days out of the daily
    statistics in one statement when no counted entry of the group is left there
    (none of a template with a policy of its own), and decrements them entry by
    entry otherwise. All groups in one walk: on a table whose pages mix the
    groups' entries of a day, a walk per group would read each page once per
    group. Returns how many were deleted."""
    entries = InteractionLogEntry.objects.filter(
        reduce(operator.or_, (rule.where for _index, rule in by_days))
    )

    def work(start, end, keys):
        doomed = entries.filter(
            canceled__in=[False, True], date__gte=start, date__lt=end
        )
        emptied = [rule.by_days for _index, rule in by_days if rule.every_counted]
        if keys is not None:
            # Part of a day: its daily rows are decremented, until the last part.
            doomed = doomed.filter(pk__gt=keys[0], pk__lte=keys[1])
            emptied = []
        # Each group's days end at its policy's cutoff: past it nothing of the
        # group goes, and its rows there must not count against a whole range.
        deleted = delete_days_of_groups(
            doomed,
            days={
                rule.by_days: (start, min(end, rule.before))
                for _index, rule in by_days
                if rule.before > start
            },
            emptied=emptied,
        )
        for index, rule in by_days:
            if deleted.get(rule.by_days):
                after_batch(index, deleted[rule.by_days])
        return sum(deleted.values())

    return in_day_ranges(
        entries,
        work,
        sizing=days,
        batch_size=batch_size,
        progress=lambda examined, changed: report(changed),
    )


def _apply_in_key_ranges(rules, batch_size, after_batch, report):
    """Walk the entry table once in ranges of `batch_size` entries. In each range
    (one transaction) one statement counts what each entry rule selects there, then
    one delete_entries and one anonymise_entries change what the rules of that
    action select: the range is read a few times, not a few times per rule. The
    rules' own filters are applied in the range, so an entry changed since the plan
    (un-canceled, resumed) is left alone. Returns how many were changed."""
    entry_rules = [
        (index, rule)
        for index, rule in enumerate(rules)
        if rule is not None and rule.where is not None
    ]
    if not entry_rules:
        return 0
    changes = (
        (RetentionAction.DELETE, delete_entries),
        (RetentionAction.ANONYMISE, anonymise_entries),
    )

    def work(low, high):
        in_range = InteractionLogEntry.objects.filter(pk__gt=low, pk__lte=high)
        counts = in_range.aggregate(
            **{
                f"rule{index}": Count("pk", filter=rule.where)
                for index, rule in entry_rules
            }
        )
        changed = 0
        for action, change in changes:
            chosen = [
                (index, rule)
                for index, rule in entry_rules
                if rule.action == action and counts[f"rule{index}"]
            ]
            if not chosen:
                continue
            # The rules select disjoint entries: the change is their sum.
            changed += change(
                in_range.filter(reduce(operator.or_, (r.where for _i, r in chosen)))
            )
            for index, _rule in chosen:
                after_batch(index, counts[f"rule{index}"])
        return changed

    return in_key_ranges(
        work,
        batch_size=batch_size,
        progress=lambda examined, changed: report(changed),
    )
