"""Retention's entry rules applied batch by batch (privacy.services.retention's
apply_retention calls apply_entry_rules): a group's policy that deletes walks its
group's entries by days, so the days it empties leave the daily statistics in one
statement; the other entry rules share one walk of the entry table in key ranges."""

import operator
from functools import reduce

from django.db.models import Count

from interactions.models import InteractionLogEntry
from interactions.services import (
    anonymise_entries,
    delete_days_of_group,
    delete_entries,
    entries_by_day,
    in_day_ranges,
    in_key_ranges,
)
from privacy.models import RetentionAction


def apply_entry_rules(rules, planned, batch_size, after_batch, report):
    """The entry rules: the group policies that delete walk their group's entries
    by days (_apply_by_days); the others share one walk of the table in key ranges
    (_apply_in_key_ranges), left out when they selected nothing at the start.
    Returns how many were changed."""
    by_days = [(index, rule) for index, rule in enumerate(rules) if rule.by_days]
    others = [
        rule if rule.by_days is None and planned[index] else None
        for index, rule in enumerate(rules)
    ]
    # Each group's days counted before anything is deleted: its index alone then
    # answers, where after deletes elsewhere in the table it reads table pages too.
    days = {index: entries_by_day(_logged_entries(rule)) for index, rule in by_days}
    done = _apply_in_key_ranges(others, batch_size, after_batch, report)
    for index, rule in by_days:
        done += _apply_by_days(
            days[index],
            index,
            rule,
            batch_size,
            after_batch,
            lambda changed, base=done: report(base + changed),
        )
    return done


def _logged_entries(rule):
    """The logged entries of a group policy's group dated before its cutoff: what
    its entries are cut from, counted by day by the group's index alone."""
    return InteractionLogEntry.objects.filter(
        group=rule.by_days,
        canceled__in=[False, True],
        date__lt=rule.before,
        postponed=False,
    )


def _apply_by_days(days, index, rule, batch_size, after_batch, report):
    """A group policy that deletes, in ranges of days of `batch_size` entries, each
    range one transaction: delete_days_of_group takes the group's rows of those
    days out of the daily statistics in one statement when no counted entry of the
    group is left there (none of a template with a policy of its own), and
    decrements them entry by entry otherwise. Returns how many were deleted."""

    def work(start, end, keys):
        doomed = rule.entries.filter(
            canceled__in=[False, True], date__gte=start, date__lt=end
        )
        if keys is not None:
            # Part of a day: its daily rows are decremented, until the last part.
            doomed = doomed.filter(pk__gt=keys[0], pk__lte=keys[1])
        count = delete_days_of_group(
            doomed,
            group=rule.by_days,
            start=start,
            end=end,
        )
        after_batch(index, count)
        return count

    return in_day_ranges(
        rule.entries,
        work,
        # The group's logged entries by day, counted at the start.
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
