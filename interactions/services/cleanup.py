"""Deleting canceled entries, and the rows-then-files deletion every bulk delete of
entries shares."""

from django.db import transaction

from audit.models import AuditAction
from interactions.models import InteractionLogEntry
from interactions.services.batches import in_batches
from interactions.services.entries import _audit_many, _keys, _selection
from interactions.services.files import remove_unreferenced_attachments
from interactions.services.statistics import (
    counted_in_days,
    delete_counted,
    lock_statistics,
    remove_daily_statistics,
    remove_statistics,
)


@transaction.atomic
def delete_canceled_entries(
    *,
    before=None,
    after=None,
    date_from=None,
    date_to=None,
    contact=None,
    template=None,
    group=None,
    salesperson=None,
    entries=None,
    dry_run=False,
    user=None,
    criteria=None,
):
    """Delete canceled entries dated after `after` and before `before` (both exclusive),
    from `date_from` to `date_to` (both inclusive, as the page's filters read).

    Postponed and uncanceled entries are never deleted. Returns the number deleted,
    or that would be deleted with `dry_run`. `entries` narrows it to a selection;
    `criteria` says how the caller chose that, for the audit record.
    """
    doomed, selection = _doomed(
        before=before,
        after=after,
        date_from=date_from,
        date_to=date_to,
        contact=contact,
        template=template,
        group=group,
        salesperson=salesperson,
        entries=entries,
        criteria=criteria,
    )
    # A dry run counts with the very filters that would delete (the page's
    # confirmation, the command's --dry-run).
    if dry_run:
        return doomed.count()
    count = _delete(doomed)
    _audit_many(AuditAction.DELETED, count, user=user, selection=selection)
    return count


def delete_canceled_entries_in_batches(
    *, user=None, progress=None, batch_size=None, **filters
):
    """delete_canceled_entries (same `filters`) for a background job: batch by
    batch, each batch with its own transaction and audit record (of its count), so
    what is deleted stays deleted and audited if the job stops. `progress` as
    in_batches."""
    doomed, selection = _doomed(**filters)

    def batch(keys):
        count = _delete(doomed.filter(pk__in=keys))
        _audit_many(AuditAction.DELETED, count, user=user, selection=selection)
        return count

    return in_batches(doomed, batch, progress=progress, batch_size=batch_size)


def delete_entries(entries):
    """Delete `entries` (a queryset) whatever they are, taking them out of the
    statistics and removing their files once unreferenced; how many were deleted.

    For a caller that chose them by rules of its own (retention) and writes its own
    audit record; run it inside the caller's (batch) transaction."""
    return _delete(entries)


def delete_days_of_groups(entries, *, days, emptied=()):
    """delete_entries for `entries` (a queryset) of the interaction groups of `days`
    ({group key: (start, end)}, `end` exclusive, None for no group), each dated in
    its group's days: a group whose entries there are every counted entry of those
    days leaves the daily statistics in one DELETE instead of being taken apart
    entry by entry (the totals table is still decremented by the entries' GROUP
    BY); the others as delete_entries. `emptied`: the groups of `days` the caller
    knows that of (its filter selects every counted entry of theirs in their
    days); the daily table is asked about the others. Returns {group key: how
    many deleted}. Run it inside the caller's (batch) transaction."""
    names = _attachment_names(entries)
    lock_statistics()
    # A group whose counted entries there are as many as the daily table counts
    # (which the lock keeps still) loses its rows of those days whole.
    asked = {key: span for key, span in days.items() if key not in emptied}
    counted = counted_in_days(days=asked)
    deleted, whole = delete_counted(entries, counted_in_days=counted, emptied=emptied)
    if whole:
        remove_daily_statistics(days={key: days[key] for key in whole})
    remove_unreferenced_attachments(names)
    return deleted


def _doomed(
    *,
    before=None,
    after=None,
    date_from=None,
    date_to=None,
    contact=None,
    template=None,
    group=None,
    salesperson=None,
    entries=None,
    criteria=None,
):
    """The canceled entries the filters select, and how they were chosen (for the
    audit record)."""
    doomed = InteractionLogEntry.objects.filter(canceled=True, postponed=False)
    if entries is not None:
        doomed = doomed.filter(pk__in=_keys(entries))
    filters = {}
    # `before`/`after` exclusive (the command), the page's range inclusive; each
    # recorded as given ("Van = 1-12-2026").
    for key, value, lookup in (
        ("before", before, "date__lt"),
        ("after", after, "date__gt"),
        ("date_from", date_from, "date__gte"),
        ("date_to", date_to, "date__lte"),
    ):
        if value is not None:
            doomed = doomed.filter(**{lookup: value})
            filters[key] = str(value)
    for field, value, key in (
        ("contact", contact, "no"),
        ("template", template, "code"),
        ("group", group, "code"),
        ("salesperson", salesperson, "code"),
    ):
        if value is not None:
            doomed = doomed.filter(**{field: value})
            filters[field] = str(getattr(value, key, value))
    selection = {} if entries is None else _selection(entries, criteria)
    if filters or entries is None:
        selection["filters"] = {**selection.get("filters", {}), **filters}
    return doomed, selection


def _delete(queryset, *, counted=True):
    # counted=False: postponed drafts, which no statistic counts (and whose row a
    # caller has locked already: waiting for the statistics then could deadlock).
    # Only the distinct file names are read, never the rows; with no delete signal or
    # cascade on the model, QuerySet.delete() is then a single DELETE (STACK-NOTES).
    names = _attachment_names(queryset)
    if counted:
        lock_statistics()
        remove_statistics(queryset)
    count, _per_model = queryset.delete()
    remove_unreferenced_attachments(names)
    return count


def _attachment_names(queryset):
    return list(
        # A range, not <> '': ile_attachment_idx then finds the few entries with a
        # file instead of reading every doomed row.
        queryset.filter(attachment__gt="")
        .order_by()
        .values_list("attachment", flat=True)
        .distinct()
    )
