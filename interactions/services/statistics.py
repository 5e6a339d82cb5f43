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

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Sum

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


def delete_counted(entries, *, counted_in_days=None):
    """Delete `entries` (a queryset) and take them out of the statistics; returns
    (how many were deleted, whether the daily table was left to the caller).

    `counted_in_days`: how many counted entries the days and group `entries` lie in
    hold. When the deleted ones are all of them, the daily table is left alone (the
    caller removes those days' rows whole: remove_daily_statistics). On PostgreSQL
    one statement: the DELETE's RETURNING feeds the statistics, so the rows are read
    once. Elsewhere the counted ones are counted first, then remove_statistics and
    the DELETE. The caller holds lock_statistics, in its transaction."""
    query = entries.order_by().query
    try:
        query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return 0, False  # a filter that selects nothing (pk__in=[])
    if connection.vendor != "postgresql":
        whole = counted_in_days is not None and (
            entries.filter(canceled=False, postponed=False).count() == counted_in_days
        )
        remove_statistics(entries, daily=not whole)
        count, _per_model = entries.delete()
        return count, whole
    quote = connection.ops.quote_name
    table = quote(InteractionLogEntry._meta.db_table)
    # The queryset's own WHERE (its columns named by the table): the DELETE reads
    # the rows once, by the queryset's index.
    query = entries.order_by().query
    if any(
        query.alias_refcount[alias]
        for alias in query.alias_map
        if alias != query.base_table
    ):
        # A filter through a relation joins: by the entry numbers instead.
        query = InteractionLogEntry.objects.filter(
            pk__in=entries.order_by().values("pk")
        ).query
    compiler = query.get_compiler(connection=connection)
    where, where_params = compiler.compile(query.where)
    where = where or "TRUE"
    fields = ", ".join(_quoted(name) for name in ENTRY_FIELDS)
    canceled, postponed = _quoted("canceled"), _quoted("postponed")
    daily, totals = (list(_upserts([(-1, {})], [table_])) for table_ in TABLES)
    # The daily rows are decremented unless every counted entry of the days goes.
    counted = f"(SELECT COUNT(*) FROM gone WHERE NOT {canceled} AND NOT {postponed})"
    keep_daily = (
        "TRUE" if counted_in_days is None else f"{counted} <> {int(counted_in_days)}"
    )
    upserts = [
        *(
            (
                sql.replace(
                    "FROM affected WHERE", f"FROM affected WHERE {keep_daily} AND"
                ),
                params,
            )
            for sql, params in daily
        ),
        *totals,
    ]
    sql = (
        f"WITH gone AS (DELETE FROM {table} WHERE {where} "
        f"RETURNING {fields}, {postponed}), "
        f"affected ({fields}) AS (SELECT {fields} FROM gone WHERE NOT {postponed})"
        + "".join(
            f", change{number} AS ({upsert})"
            for number, (upsert, _params) in enumerate(upserts)
        )
        + f" SELECT COUNT(*), {counted} FROM gone"
    )
    params = [*where_params]
    for _upsert, upsert_params in upserts:
        params.extend(upsert_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, counted_gone = cursor.fetchone()
    return count, counted_in_days is not None and counted_gone == counted_in_days


def add_statistics(entries):
    """Count `entries` (a queryset), just written, in the statistics."""
    _apply(entries, [(1, {})])


def remove_statistics(entries, *, daily=True):
    """Take `entries` (a queryset), about to be deleted, out of the statistics;
    `daily=False` leaves the daily table to a caller that removes whole days of it
    (remove_daily_statistics)."""
    _apply(entries, [(-1, {})], TABLES if daily else TABLES[1:])


def counted_in_days(*, group, start, end):
    """How many counted entries of `group` (a key, None for none) the days from
    `start` to `end` (exclusive) hold, as the daily table counts them (a few rows
    by its index, where counting the entries themselves reads their pages)."""
    return (
        InteractionDailyStatistics.objects.filter(
            group=group, date__gte=start, date__lt=end
        ).aggregate(entries=Sum("entries"))["entries"]
        or 0
    )


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
