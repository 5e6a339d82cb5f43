"""Logging a segment: one interaction log entry per line, in one INSERT … SELECT,
the logged segment, and optionally a follow-up segment."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, MarketingSetup
from interactions.models import InteractionLogEntry
from interactions.services import TEMPLATE_VALUES, remove_unreferenced_attachments
from segments.models import LoggedSegment, Segment, SegmentLine
from segments.selectors import already_logged, log_check
from segments.services.guards import _actor, _lock
from segments.services.lines import add_contacts
from segments.services.logged import _logged_contacts
from segments.services.segments import create_segment
from segments.services.sql import _db_value, _quote

FOLLOW_UP_MAX_LENGTH = Segment._meta.get_field("description").max_length


def _check_loggable(segment):
    """Raise every rule `segment` breaks, the first BLOCKING_SHOWN blocking lines
    named one by one (selectors.log_check); a constant number of queries."""
    errors = log_check(segment).errors()
    if errors:
        raise ValidationError(errors)


def _insert_entries(segment, logged_segment, *, user):
    """Copy every line into an interaction log entry with one INSERT … SELECT.

    Columns come from the models' metadata; entry fields this does not set get their
    model default, so a new entry field cannot break logging. Returns the row count.
    """
    entry = InteractionLogEntry._meta
    template = entry.get_field("template").related_model._meta
    line_column = {
        field.name: f"l.{_quote(field.column)}"
        for field in SegmentLine._meta.concrete_fields
    }
    contact_type = f"c.{_quote(Contact._meta.get_field('type').column)}"
    contact_id = f"c.{_quote(Contact._meta.get_field('id').column)}"
    contact_company = f"c.{_quote(Contact._meta.get_field('company').column)}"
    now = timezone.now()
    expressions = {
        # The line's own values: what an entry takes from a template (the line took
        # them from its template, and may have been personalised since), and who,
        # with what and about what. The group is the line's template's.
        **{
            name: (line_column[name], [])
            for name in (
                *TEMPLATE_VALUES,
                "attachment",
                "contact",
                "template",
                "subject",
                "salesperson",
            )
        },
        "group": (f"t.{_quote(template.get_field('group').column)}", []),
        "contact_company": (
            f"CASE WHEN {contact_type} = %s THEN {contact_id} "
            f"ELSE {contact_company} END",
            [Contact.Type.COMPANY.value],
        ),
        "date": ("%s", [_db_value(InteractionLogEntry, "date", segment.date)]),
        # One time for all entries of a logging, to the minute: they were made together.
        "time": (
            "%s",
            [
                _db_value(
                    InteractionLogEntry,
                    "time",
                    timezone.localtime(now).time().replace(second=0, microsecond=0),
                )
            ],
        ),
        "segment_no": ("%s", [segment.no]),
        "logged_segment": ("%s", [logged_segment.pk]),
        "created_by": ("%s", [user.pk if _actor(user) else None]),
        "created_at": ("%s", [_db_value(InteractionLogEntry, "created_at", now)]),
    }
    columns, selects, params = [], [], []
    for field in entry.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_quote(field.column))
        if field.name in expressions:
            sql, field_params = expressions[field.name]
        else:
            default = field.get_db_prep_save(field.get_default(), connection)
            sql, field_params = "%s", [default]
        selects.append(sql)
        params.extend(field_params)
    sql = (
        f"INSERT INTO {_quote(entry.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} "
        f"FROM {_quote(SegmentLine._meta.db_table)} l "
        f"JOIN {_quote(Contact._meta.db_table)} c "
        f"ON {contact_id} = {line_column['contact']} "
        f"JOIN {_quote(template.db_table)} t "
        f"ON t.{_quote(template.pk.column)} = {line_column['template']} "
        f"WHERE {line_column['segment']} = %s "
        f"ORDER BY {line_column['id']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, segment.pk])
        return cursor.rowcount


@transaction.atomic
def log_segment(segment, *, user, create_follow_up=False):
    """Write one interaction log entry per line, record the logged segment and delete
    the segment; optionally start a follow-up segment with the same contacts.

    Returns `(logged_segment, follow_up or None)`; on any error nothing is written.
    """
    # The row lock makes a second session (double click, another user) wait, then
    # find the segment gone: it is logged once.
    segment = _lock(
        segment,
        _("Segment %(no)s has already been logged.") % {"no": segment.no},
    )
    # Before anything is written: a missing series found after the entries would
    # throw the whole logging away late.
    if create_follow_up:
        setup = MarketingSetup.load()
        if setup.segment_nos_id is None:
            setup.next_no("segment_nos")  # raises the "set up a series" error
    _check_loggable(segment)
    try:
        # A savepoint: the unique segment_no turns a race the lock missed (another
        # database session) into a message instead of a broken transaction.
        with transaction.atomic():
            logged_segment = LoggedSegment.objects.create(
                segment_no=segment.no,
                description=segment.description,
                created_by=_actor(user),
            )
    except IntegrityError as error:
        raise already_logged(segment) from error
    count = _insert_entries(segment, logged_segment, user=user)
    header_attachment = segment.attachment.name
    # Lines cascade as one DELETE: nothing listens to their deletion.
    segment.delete()
    remove_unreferenced_attachments([header_attachment])
    follow_up = None
    if create_follow_up:
        description = _("Follow-up on segment %(no)s") % {"no": segment.no}
        follow_up = create_segment(
            user=user,
            # Cut to the field: a long segment number must not fail the logging.
            description=description[:FOLLOW_UP_MAX_LENGTH],
            salesperson=segment.salesperson,
        )
        add_contacts(follow_up, _logged_contacts(logged_segment), user=user)
    # In the same transaction: no logging without its audit record, nor the reverse.
    record_audit(
        action=AuditAction.SEGMENT_LOGGED,
        user=user,
        object_type=AuditObjectType.LOGGED_SEGMENT,
        count=count,
        object_id=logged_segment.segment_no,
        object_repr=logged_segment.description,
        details={"follow_up": follow_up.no} if follow_up is not None else {},
    )
    return logged_segment, follow_up
