"""Text search that an index answers (issue 19).

A search of three characters or more matches any part of the searched columns; a
shorter one the start of a column only, since two letters anywhere match most rows.

On PostgreSQL both are answered by a trigram index (pg_trgm, GIN) on the upper-case
column: Django writes `icontains` and `istartswith` as `UPPER(col::text) LIKE
UPPER(%s)`, which is that index's expression, so the planner uses it for `%abc%` and
`ab%` alike. The indexes are made by migrations on PostgreSQL only (crm 0008,
interactions 0010); SQLite has no pg_trgm and reads the table with LIKE.
"""

import operator
from functools import reduce

from django.db.models import BooleanField, F, Func, Q, Subquery

# Shorter searches match the start of a column only.
MIN_CONTAINS = 3


def matches(fields, text):
    """A condition: one of `fields` contains `text`, or starts with it when `text`
    is shorter than MIN_CONTAINS."""
    lookup = "icontains" if len(text) >= MIN_CONTAINS else "istartswith"
    return reduce(operator.or_, (Q(**{f"{field}__{lookup}": text}) for field in fields))


class InSubquery(Func):
    """A condition: `field IN (subquery)`, to be OR-ed with other indexed conditions.

    On PostgreSQL it is written `field = ANY(ARRAY(subquery))`: the subquery runs
    once, first (an InitPlan), and its keys go to the field's index like a list, so
    an OR with other indexed conditions stays a combination of indexes (BitmapOr).
    A plain `IN (subquery)` inside an OR is checked per row (a hashed SubPlan) and
    can use no index: the table is read whole. Nor are the keys read first and
    given as a constant list: the planner then costs one index probe per key and
    reads the table instead when there are many.
    """

    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " IN "

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(%(expressions)s))",
            arg_joiner=" = ANY(ARRAY",
            **extra_context,
        )


def among(field, queryset):
    """A condition: `field` (a foreign key) is one of the rows of `queryset`,
    which is searched on its own indexes first (InSubquery)."""
    return Q(InSubquery(F(field), Subquery(queryset.order_by().values("pk"))))
