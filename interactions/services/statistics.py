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

from django.db import connection, transaction

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


def _part(table, sign, changes):
    """One branch of the UNION: the entries' figures times `sign`, keyed as they
    are or, for the fields in `changes`, as they will be. (SQL, params), or None
    when none of them counts in `table`."""
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
        f"SELECT {', '.join(values)}, {sign} AS n, "
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


def _upserts(parts, tables):
    """(SQL, params) of each table's INSERT … ON CONFLICT adding the figures of
    the rows of `affected` (a CTE of ENTRY_FIELDS) once per (sign, changes)."""
    quote = connection.ops.quote_name
    for table in tables:
        branches = [_part(table, sign, changes) for sign, changes in parts]
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


def delete_counted(entries, *, daily=True):
    """Delete `entries` (a queryset) and take them out of the statistics (the daily
    table too unless `daily` is False); how many were deleted. On PostgreSQL one
    statement: the DELETE's RETURNING feeds the statistics, so the rows are read
    once. Elsewhere remove_statistics, then the DELETE. The caller holds
    lock_statistics, in its transaction."""
    if connection.vendor != "postgresql":
        remove_statistics(entries, daily=daily)
        count, _per_model = entries.delete()
        return count
    meta = InteractionLogEntry._meta
    keys_sql, keys_params = entries.order_by().values("pk").query.sql_with_params()
    fields = ", ".join(_quoted(name) for name in ENTRY_FIELDS)
    upserts = list(_upserts([(-1, {})], TABLES if daily else TABLES[1:]))
    sql = (
        f"WITH gone AS (DELETE FROM {connection.ops.quote_name(meta.db_table)} "
        f"WHERE {connection.ops.quote_name(meta.pk.column)}"
        f" IN ({keys_sql}) RETURNING {fields}, {_quoted('postponed')}), "
        f"affected ({fields}) AS (SELECT {fields} FROM gone WHERE NOT "
        f"{_quoted('postponed')})"
        + "".join(
            f", change{number} AS ({upsert})"
            for number, (upsert, _params) in enumerate(upserts)
        )
        + " SELECT COUNT(*) FROM gone"
    )
    params = [*keys_params]
    for _upsert, upsert_params in upserts:
        params.extend(upsert_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def add_statistics(entries):
    """Count `entries` (a queryset), just written, in the statistics."""
    _apply(entries, [(1, {})])


def remove_statistics(entries, *, daily=True):
    """Take `entries` (a queryset), about to be deleted, out of the statistics;
    `daily=False` leaves the daily table to a caller that removes whole days of it
    (remove_daily_statistics)."""
    _apply(entries, [(-1, {})], TABLES if daily else TABLES[1:])


def remove_daily_statistics(*, group, start, end):
    """Remove the daily rows of `group` (a key, None for none) from `start` to `end`
    (exclusive): for a caller deleting every counted entry of those days and that
    group, in the same transaction. One DELETE, however many entries those were."""
    InteractionDailyStatistics.objects.filter(
        group=group, date__gte=start, date__lt=end
    ).delete()


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
