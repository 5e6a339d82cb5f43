"""A task for every contact of a segment or a logged segment, in one INSERT … SELECT
numbered from the task series in one go."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, MarketingSetup
from crm.services import refuse_privacy_blocked
from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment, Segment, SegmentLine
from tasks.models import Task
from tasks.services.feeds import feeds_changed
from tasks.services.tasks import _actor, fill, validate

# What a segment's tasks share; contact and salesperson come from each line.
SEGMENT_TASK_FIELDS = frozenset(
    {
        "type",
        "description",
        "salesperson",
        "date",
        "start_time",
        "duration",
        "all_day",
        "location",
        "priority",
        "template",
        "recurring",
        "recurring_date_interval",
        "calc_due_date_from",
    }
)


def _quote(name):
    return connection.ops.quote_name(name)


def _column(model, field):
    return _quote(model._meta.get_field(field).column)


def _segment_source(segment):
    """(SQL, params) of the segment's lines: contact, salesperson, order."""
    line = SegmentLine
    return (
        f"SELECT {_column(line, 'contact')} AS contact_id, "
        f"{_column(line, 'salesperson')} AS salesperson_id, "
        f"{_column(line, 'id')} AS sort_key "
        f"FROM {_quote(line._meta.db_table)} "
        f"WHERE {_column(line, 'segment')} = %s",
        [segment.pk],
    )


def _logged_segment_source(logged_segment):
    """(SQL, params) of the contacts a logged segment's entries were logged for,
    once each, with the salesperson of their first entry."""
    entry = InteractionLogEntry
    key = _column(entry, "entry_no")
    return (
        f"SELECT {_column(entry, 'contact')} AS contact_id, "
        f"MIN({_column(entry, 'salesperson')}) AS salesperson_id, "
        f"MIN({key}) AS sort_key "
        f"FROM {_quote(entry._meta.db_table)} "
        f"WHERE {_column(entry, 'logged_segment')} = %s "
        # Contacts privacy blocked since the logging get no task: left out.
        f"AND {_column(entry, 'contact')} NOT IN "
        f"(SELECT {_column(Contact, 'id')} FROM {_quote(Contact._meta.db_table)} "
        f"WHERE {_column(Contact, 'privacy_blocked')} = %s) "
        f"GROUP BY {_column(entry, 'contact')}",
        [logged_segment.pk, True],
    )


@transaction.atomic
def create_tasks_for_segment(segment, *, user, **values):
    """One task per contact of `segment` (a Segment: its lines; a LoggedSegment: the
    contacts its entries were logged for) with `values`; the salesperson, when not
    given, is each line's. Returns the number of tasks made."""
    unknown = set(values) - SEGMENT_TASK_FIELDS
    if unknown:
        raise TypeError(f"Unknown task values: {', '.join(sorted(unknown))}")
    prototype = Task()
    if isinstance(segment, Segment):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        source = _segment_source(segment)
        prototype.segment_no = segment.no
    elif isinstance(segment, LoggedSegment):
        prototype.segment_no = segment.segment_no
        source = _logged_segment_source(segment)
    else:
        raise TypeError(f"Expected a segment or a logged segment, got {segment!r}.")
    fill(prototype, values)
    validate(prototype, per_line=True)
    if isinstance(segment, Segment):
        # An open segment's line of a privacy blocked contact is refused, naming it,
        # as logging the segment would be: the user removes the line. (A logged
        # segment's contacts blocked since are left out by its source.)
        refuse_privacy_blocked(
            Contact.objects.filter(pk__in=segment.lines.values("contact_id")),
            user=user,
            action="create_tasks_for_segment",
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({source[0]}) s", source[1])
        count = cursor.fetchone()[0]
    if not count:
        raise ValidationError(_("The segment has no contacts to make tasks for."))
    series = MarketingSetup.load().series("task_nos")
    series.next_nos(count)
    first = series.next_number - count
    made = _insert(prototype, source, series=series, first=first, user=user)
    # Tasks for many salespeople at once: every kept feed is looked at again (only
    # those whose tasks changed are rendered).
    feeds_changed(None)
    record_audit(
        action=AuditAction.CREATED,
        user=user,
        object_type=AuditObjectType.TASK,
        count=made,
        object_repr=prototype.description,
        details={"segment": prototype.segment_no},
    )
    return made


def _insert(prototype, source, *, series, first, user):
    """Write the tasks: the prototype's values, each source row's contact and
    salesperson, numbers counting on from `first` (LPAD is Django's own function on
    SQLite, the built-in one on PostgreSQL)."""
    task = Task._meta
    now = timezone.now()
    contact_id = f"c.{_column(Contact, 'id')}"
    number = "CAST(%s + ROW_NUMBER() OVER (ORDER BY s.sort_key) - 1 AS TEXT)"
    expressions = {
        # As NumberSeries.format: padded to the width, never cut (LPAD would cut).
        "no": (
            f"%s || CASE WHEN LENGTH({number}) >= %s THEN {number} "
            f"ELSE LPAD({number}, %s, %s) END",
            [series.prefix, first, series.width, first, first, series.width, "0"],
        ),
        "contact": ("s.contact_id", []),
        "contact_company": (
            f"CASE WHEN c.{_column(Contact, 'type')} = %s THEN {contact_id} "
            f"ELSE c.{_column(Contact, 'company')} END",
            [Contact.Type.COMPANY.value],
        ),
        "created_by": ("%s", [user.pk if _actor(user) else None]),
        "created_at": ("%s", [_prep("created_at", now)]),
        "updated_at": ("%s", [_prep("updated_at", now)]),
    }
    if prototype.salesperson_id is None:
        expressions["salesperson"] = ("s.salesperson_id", [])
    columns, selects, params = [], [], []
    for field in task.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_quote(field.column))
        if field.name in expressions:
            sql, field_params = expressions[field.name]
        else:
            sql, field_params = (
                "%s",
                [_prep(field.name, field.value_from_object(prototype))],
            )
        selects.append(sql)
        params.extend(field_params)
    sql = (
        f"INSERT INTO {_quote(task.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM ({source[0]}) s "
        f"JOIN {_quote(Contact._meta.db_table)} c ON {contact_id} = s.contact_id "
        "ORDER BY s.sort_key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *source[1]])
        return cursor.rowcount


def _prep(name, value):
    return Task._meta.get_field(name).get_db_prep_save(value, connection)
