"""Keeping the statistics tables (interactions.models.statistics) in step with the
entries: every service that writes, cancels, evaluates or deletes entries calls one
of these in its own transaction, with the entries it touches as a queryset.

Each call is one statement per table, whatever the number of entries: an INSERT …
SELECT that groups the change by the table's key and adds it to the rows there
(ON CONFLICT … DO UPDATE, PostgreSQL and SQLite ≥ 3.24 alike). A change is the
entries' old figures taken away and their new ones added, both read in that one
statement, before the UPDATE or DELETE that makes it.
"""

import dataclasses
import operator
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from interactions.models import (
    InteractionDailyStatistics,
    InteractionLogEntry,
    InteractionTotalStatistics,
)


@dataclasses.dataclass(frozen=True)
class Table:
    model: type
    # The entry fields the table is keyed by (the table's fields of the same names).
    key: tuple
    # Canceled entries count in it too (as a key) or not at all.
    with_canceled: bool


TABLES = (
    Table(
        InteractionDailyStatistics,
        ("date", "salesperson", "group", "evaluation"),
        with_canceled=False,
    ),
    Table(
        InteractionTotalStatistics,
        ("template", "group", "salesperson", "canceled"),
        with_canceled=True,
    ),
)
# The entry fields the statements read: every key field, and what they add up.
ENTRY_FIELDS = (
    "date",
    "salesperson",
    "template",
    "group",
    "evaluation",
    "canceled",
    "cost",
    "duration",
)


def _column(name):
    return InteractionLogEntry._meta.get_field(name).column


def _quoted(name):
    return connection.ops.quote_name(_column(name))


def _part(table, sign, changes, weighted=False):
    """One branch of the UNION: the entries' figures times `sign`, keyed as they
    are or, for the fields in `changes`, as they will be. (SQL, params), or None
    when none of them counts in `table`. `weighted`: each row of `affected` stands
    for `n` entries (already grouped), its cost and duration their sums."""
    canceled = changes.get("canceled")
    if not table.with_canceled and canceled:
        return None
    values, params = [], []
    for name in table.key:
        if name in changes:
            field = InteractionLogEntry._meta.get_field(name)
            values.append(f"%s AS {_quoted(name)}")
            params.append(field.get_db_prep_value(changes[name], connection))
        else:
            values.append(_quoted(name))
    where = "1 = 1"
    if not table.with_canceled and "canceled" not in changes:
        where = f"{_quoted('canceled')} = %s"
        params.append(False)
    sql = (
        f"SELECT {', '.join(values)}, {sign}{' * n' if weighted else ''} AS n, "
        f"{sign} * {_quoted('cost')} AS c, {sign} * {_quoted('duration')} AS d "
        f"FROM affected WHERE {where}"
    )
    return sql, params


def _apply(entries, parts, tables=TABLES):
    """Add to every table of `tables` the figures of the logged (not postponed) ones
    of `entries`, once per (sign, changes) of `parts`."""
    selected = (
        entries.filter(postponed=False).order_by().values_list(*ENTRY_FIELDS).query
    )
    entries_sql, entries_params = selected.sql_with_params()
    affected = ", ".join(_quoted(name) for name in ENTRY_FIELDS)
    with connection.cursor() as cursor:
        for upsert, params in _upserts(parts, tables):
            cursor.execute(
                f"WITH affected ({affected}) AS ({entries_sql}) {upsert}",
                [*entries_params, *params],
            )


def _upserts(parts, tables, weighted=False):
    """(SQL, params) of each table's INSERT … ON CONFLICT adding the figures of
    the rows of `affected` (a CTE of ENTRY_FIELDS) once per (sign, changes);
    `weighted` as _part."""
    quote = connection.ops.quote_name
    for table in tables:
        branches = [_part(table, sign, changes, weighted) for sign, changes in parts]
        branches = [branch for branch in branches if branch is not None]
        if not branches:
            continue
        meta = table.model._meta
        key = [quote(meta.get_field(name).column) for name in table.key]
        # The unique constraint's own expressions: a none key is 0 in it.
        conflict = [
            f"COALESCE({column}, 0)" if meta.get_field(name).is_relation else column
            for name, column in zip(table.key, key, strict=True)
        ]
        totals = [quote(name) for name in ("entries", "cost", "duration")]
        target = quote(meta.db_table)
        sql = (
            f"INSERT INTO {target} ({', '.join([*key, *totals])}) "
            f"SELECT {', '.join(key)}, SUM(n), SUM(c), SUM(d) FROM ("
            + " UNION ALL ".join(branch for branch, _params in branches)
            + f") AS delta GROUP BY {', '.join(key)} "
            "HAVING SUM(n) <> 0 OR SUM(c) <> 0 OR SUM(d) <> 0 "
            # New rows in key order: a rebuilt daily table keeps a day's rows
            # together, so a period's charts read few pages.
            f"ORDER BY {', '.join(key)} "
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET "
            + ", ".join(
                f"{total} = {target}.{total} + excluded.{total}" for total in totals
            )
        )
        params = []
        for _branch, branch_params in branches:
            params.extend(branch_params)
        yield sql, params


def delete_counted(entries, *, counted_in_days=None, emptied=()):
    """Delete `entries` (a queryset) and take them out of the statistics; returns
    ({group key: how many of its entries were deleted}, the group keys whose daily
    rows were left to the caller).

    `counted_in_days`: {group key: how many counted entries that group's days (the
    ones `entries` of it lie in) hold}; `emptied`: the group keys whose counted
    entries there `entries` holds every one of, as the caller knows by its filter.
    A group whose counted entries there all go is left out of the daily table (the
    caller removes those days' rows whole: remove_daily_statistics); the other
    groups' entries are decremented there entry by entry.

    The rows are read once grouped by the totals table's key (on PostgreSQL the
    next statement decrements the totals by those groups), then deleted by a bare
    DELETE: a DELETE … RETURNING feeding the statistics cost three times as much
    (docs/privacy.md). The caller holds lock_statistics, in its transaction, so the
    read and the DELETE see the same rows."""
    counted_in_days = counted_in_days or {}
    entries = entries.order_by()
    query = entries.query
    try:
        query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return {}, set()  # a filter that selects nothing (pk__in=[])
    if connection.vendor == "postgresql":
        groups = _remove_totals(entries)
    else:
        groups = list(
            entries.values_list("group", "canceled", "postponed").annotate(
                number=Count("pk")
            )
        )
        _apply(entries, [(-1, {})], TABLES[1:])
    deleted, counted = {}, {}
    for key, canceled, postponed, number in groups:
        deleted[key] = deleted.get(key, 0) + number
        if not canceled and not postponed:
            counted[key] = counted.get(key, 0) + number
    whole = set(emptied) | {
        key
        for key, number in counted_in_days.items()
        if key in deleted and counted.get(key, 0) == number
    }
    if any(key not in whole for key in counted):
        kept = entries
        for key in whole:
            kept = kept.exclude(group=key)  # None: the entries without a group
        _apply(kept, [(-1, {})], TABLES[:1])
    entries.delete()
    return deleted, whole


def _remove_totals(entries):
    """On PostgreSQL: take `entries` (a queryset) out of the totals table and
    return [(group key, canceled, postponed, how many)] of them: one read of the
    entries grouped by the table's key, then one upsert of those few groups.

    Two statements, not one: PostgreSQL plans no parallel scan for a statement that
    writes, and the read is most of the work (docs/privacy.md)."""
    names = ("template", "group", "salesperson", "canceled", "postponed")
    groups = list(
        entries.order_by()
        .values_list(*names)
        .annotate(n=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
    )
    counted = [row for row in groups if not row[4]]  # postponed ones never count
    if counted:
        ((upsert, upsert_params),) = _upserts([(-1, {})], TABLES[1:], weighted=True)
        columns = ", ".join(_quoted(name) for name in names)
        cost, duration = _quoted("cost"), _quoted("duration")
        # One typed array per column (a none key stays typed, as VALUES would not).
        types = [
            InteractionLogEntry._meta.get_field(name).db_type(connection)
            for name in names
        ]
        arrays = ", ".join(
            f"%s::{kind}[]" for kind in [*types, "bigint", "numeric", "bigint"]
        )
        sql = (
            f"WITH affected ({columns}, n, {cost}, {duration}) AS "
            f"(SELECT * FROM unnest({arrays})) {upsert}"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [list(column) for column in zip(*counted, strict=True)] + upsert_params,
            )
    return [
        (group, canceled, postponed, n)
        for _t, group, _s, canceled, postponed, n, *_sums in groups
    ]


def add_statistics(entries):
    """Count `entries` (a queryset), just written, in the statistics."""
    _apply(entries, [(1, {})])


def remove_statistics(entries):
    """Take `entries` (a queryset), about to be deleted, out of the statistics."""
    _apply(entries, [(-1, {})])


def _in_days(days):
    """A Q of the daily rows of each group of `days` ({group key: (start, end)},
    `end` exclusive; None for no group). The days of all of them bound it too: an
    OR of the groups alone would read the whole table, not the range of its
    date-first index."""
    if not days:
        return Q(pk__in=[])
    return Q(
        date__gte=min(start for start, _end in days.values()),
        date__lt=max(end for _start, end in days.values()),
    ) & reduce(
        operator.or_,
        (
            Q(group=key, date__gte=start, date__lt=end)
            for key, (start, end) in days.items()
        ),
    )


def counted_in_days(*, days):
    """{group key: how many counted entries it has in its days}, for `days`
    ({group key: (start, end)}, `end` exclusive) as the daily table counts them:
    a few rows by its index, where counting the entries themselves reads their
    pages. One query for all the groups."""
    found = dict(
        InteractionDailyStatistics.objects.filter(_in_days(days))
        .order_by()
        .values_list("group")
        .annotate(entries=Sum("entries"))
    )
    return {key: found.get(key) or 0 for key in days}


def remove_daily_statistics(*, days):
    """Remove the daily rows of each group of `days` ({group key: (start, end)},
    `end` exclusive): for a caller deleting every counted entry of those days and
    groups, in the same transaction. One DELETE, however many entries those were."""
    InteractionDailyStatistics.objects.filter(_in_days(days)).delete()


def change_statistics(entries, **changes):
    """Move `entries` (a queryset), about to be given `changes` (field: value, of
    "canceled" and "evaluation"), from their present keys to their new ones."""
    _apply(entries, [(-1, {}), (1, changes)])


@transaction.atomic
def rebuild_statistics():
    """Compute the statistics tables afresh from the entries: after loading entries
    past the services (generate_data) or restoring a backup."""
    for table in TABLES:
        table.model.objects.all().delete()
    add_statistics(InteractionLogEntry.objects.all())


def lock_statistics():
    """Before a bulk delete on PostgreSQL: wait for every transaction that is changing
    the statistics (so changing entries) to end, and keep new ones out until this one
    ends. Its statistics statement and its DELETE then see the same rows, though each
    takes its own snapshot. Readers are not held up."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time
    tables = ", ".join(
        connection.ops.quote_name(table.model._meta.db_table) for table in TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
