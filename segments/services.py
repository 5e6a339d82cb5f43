"""Domain operations on segments; views, admin and commands call these.

Work on lines is done in SQL (UPDATE, DELETE, INSERT … SELECT) so the number of
queries does not grow with the number of lines: a segment may hold 100,000 contacts.
"""

from typing import NamedTuple

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, MarketingSetup, Salesperson
from interactions.models import InteractionLogEntry
from interactions.services import remove_unreferenced_attachments, set_canceled
from segments.models import LoggedSegment, Segment, SegmentLine
from segments.selectors import add_contacts_preview, already_logged, log_check

# What create_segment and update_header accept.
HEADER_FIELDS = frozenset(
    {
        "description",
        "salesperson",
        "date",
        "template",
        "unit_cost",
        "unit_duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "ignore_contact_correspondence_type",
        "subject",
        "attachment",
    }
)
# Header field → line field, for the values a line takes from its header.
LINE_VALUES = {
    "description": "description",
    "subject": "subject",
    "unit_cost": "cost",
    "unit_duration": "duration",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "attachment": "attachment",
}
# Line values that a user personalises by typing: a header change only reaches the
# lines that still hold the header's old value.
INHERITED_ONLY = frozenset({"description", "subject", "attachment"})
# Checked by the services themselves; clean_fields() would spend a query on each.
NOT_FIELD_CLEANED = ("no", "salesperson", "template", "created_by")
FOLLOW_UP_MAX_LENGTH = Segment._meta.get_field("description").max_length


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _check_fields(values):
    unknown = set(values) - HEADER_FIELDS
    if unknown:
        raise TypeError(f"Unknown segment values: {', '.join(sorted(unknown))}")


def _check_template(template):
    if template is not None and template.blocked:
        raise ValidationError(
            {
                "template": ValidationError(
                    _("Interaction template %(code)s is blocked.")
                    % {"code": template.code},
                    code="blocked",
                )
            }
        )


def _lock(segment, message=None):
    """Re-read `segment` with a row lock; refuse when it is gone (logged meanwhile)."""
    locked = Segment.objects.select_for_update().filter(pk=segment.pk).first()
    if locked is None:
        raise ValidationError(
            message
            or _("Segment %(no)s has already been logged or deleted.")
            % {"no": segment.no},
            code="gone",
        )
    return locked


# Correspondence type (NAV's SetCorrespondenceType, reference §2.3)


def _correspondence_rule(segment, template):
    """`(fixed, fallback)`: a line's type is `fixed` when not None, else the contact's
    type, or `fallback` when the contact has none."""
    if segment.ignore_contact_correspondence_type and segment.correspondence_type:
        return segment.correspondence_type, None
    if template is not None and template.ignore_contact_correspondence_type:
        return template.correspondence_type, None
    if template is not None and template.correspondence_type:
        return None, template.correspondence_type
    # NAV keeps the value the line took from the header's default.
    return None, segment.correspondence_type


def correspondence_type_for(segment, template, contact):
    """The correspondence type of a line of `segment` for `contact` using `template`.

    (1) the header's type when it ignores the contact's; (2) the template's when it
    ignores the contact's or the contact has none; (3) else the contact's type.
    """
    fixed, fallback = _correspondence_rule(segment, template)
    if fixed is not None:
        return fixed
    return contact.correspondence_type or fallback


def _correspondence_expression(segment, template):
    """correspondence_type_for() as an expression for an UPDATE of segment lines."""
    fixed, fallback = _correspondence_rule(segment, template)
    if fixed is not None:
        return Value(fixed)
    # A subquery, not a join: UPDATE cannot refer to joined columns.
    contact_type = Subquery(
        Contact.objects.filter(pk=OuterRef("contact_id")).values("correspondence_type")[
            :1
        ]
    )
    return Coalesce(NullIf(contact_type, Value("")), Value(fallback))


# Header


def template_header_values(template):
    return {
        "template": template,
        "unit_cost": template.unit_cost,
        "unit_duration": template.unit_duration,
        "information_flow": template.information_flow,
        "initiated_by": template.initiated_by,
        "correspondence_type": template.correspondence_type,
        "ignore_contact_correspondence_type": (
            template.ignore_contact_correspondence_type
        ),
        # The same stored file, not a copy: files go only when nothing uses them.
        "attachment": template.attachment.name,
    }


def _full_clean(segment):
    # The database checks uniqueness and constraints; clean_fields() gives the messages.
    segment.full_clean(
        exclude=NOT_FIELD_CLEANED, validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def create_segment(*, user, **values):
    """Create a segment numbered from Marketing setup's segment series.

    With a template the header's interaction values come from it (apply_template).
    """
    _check_fields(values)
    template = values.pop("template", None)
    _check_template(template)
    segment = Segment(**values)
    if template is not None:
        for field, value in template_header_values(template).items():
            if field not in values or field == "template":
                setattr(segment, field, value)
    segment.created_by = _actor(user)
    _full_clean(segment)
    segment.no = MarketingSetup.load().next_no("segment_nos")
    segment.save()
    return segment


@transaction.atomic
def apply_template(segment, template, *, update_lines):
    """Fill the header's interaction values from `template` (the description stays).

    With `update_lines` the lines still using the old header template (or none) take
    the new template and its values; personalised lines keep theirs.
    """
    _check_template(template)
    segment = _lock(segment)
    old = {field: getattr(segment, field) for field in LINE_VALUES}
    old_template_id = segment.template_id
    for field, value in template_header_values(template).items():
        setattr(segment, field, value)
    segment.save()
    if update_lines:
        following = Q(template__isnull=True)
        if old_template_id is not None:
            following |= Q(template_id=old_template_id)
        changes = _line_changes(segment, old, set(LINE_VALUES))
        segment.lines.filter(following).update(
            template=template,
            correspondence_type=_correspondence_expression(segment, template),
            **changes,
        )
        remove_unreferenced_attachments([old["attachment"]])
    return segment


@transaction.atomic
def apply_header_template_to_blocking_lines(segment, *, user):
    """Give the lines that stop `segment` from being logged (SegmentLineQuerySet
    .blocking()) the header's template and the values lines take from the header,
    in one UPDATE; returns how many lines changed.

    A line keeps a description, subject and attachment of its own, and a salesperson
    who is not blocked; else it takes the header's, as add_contacts gives them.
    """
    segment = _lock(segment)
    template = segment.template
    if template is None:
        raise ValidationError(
            {
                "template": ValidationError(
                    _(
                        "Choose an interaction template in the header of segment "
                        "%(no)s first."
                    )
                    % {"no": segment.no},
                    code="required",
                )
            }
        )
    _check_template(template)
    changes = {"template": template}
    for field, line_field in LINE_VALUES.items():
        new = getattr(segment, field)
        new = new.name if field == "attachment" else new
        if field in INHERITED_ONLY:
            # Only an empty value: a line's own text stays.
            changes[line_field] = Case(
                When(**{line_field: ""}, then=Value(new)),
                default=F(line_field),
                output_field=models.CharField(),
            )
        else:
            changes[line_field] = Value(new)
    changes["correspondence_type"] = _correspondence_expression(segment, template)
    # No join in an UPDATE's values: the blocked salespeople as a subquery.
    usable = ~Q(salesperson__isnull=True) & ~Q(
        salesperson__in=Salesperson.objects.filter(blocked=True).values("pk")
    )
    changes["salesperson"] = Case(
        When(usable, then=F("salesperson")),
        default=_header_salesperson(segment),
    )
    return segment.lines.blocking().update(**changes)


def _header_salesperson(segment):
    """The salesperson a line takes: the header's, else its contact's (NAV's
    InitLine), as an expression for an UPDATE of lines."""
    if segment.salesperson_id is not None and not segment.salesperson.blocked:
        return Value(segment.salesperson_id)
    return Subquery(
        Contact.objects.filter(pk=OuterRef("contact_id")).values("salesperson_id")[:1]
    )


def _line_changes(segment, old, fields):
    """UPDATE values that give lines the header's new `fields` (header field names)."""
    changes = {}
    for field in fields:
        line_field = LINE_VALUES[field]
        new = getattr(segment, field)
        if field == "attachment":
            new, old_value = new.name, old[field].name
        else:
            old_value = old[field]
        if field in INHERITED_ONLY:
            changes[line_field] = Case(
                When(**{line_field: old_value}, then=Value(new)),
                default=F(line_field),
                output_field=models.CharField(),
            )
        else:
            changes[line_field] = Value(new)
    return changes


@transaction.atomic
def update_header(segment, *, user, update_lines, **values):
    """Change the header's values; a new template is applied as by apply_template.

    With `update_lines` the lines using the header template get the changed values;
    personalised lines stay.
    """
    _check_fields(values)
    template = values.pop("template", segment.template)
    if template is not None and template.pk != segment.template_id:
        segment = apply_template(segment, template, update_lines=update_lines)
    elif template is None and segment.template_id is not None:
        segment = _lock(segment)
        if update_lines:
            segment.lines.filter(template_id=segment.template_id).update(template=None)
        segment.template = None
    else:
        segment = _lock(segment)
    old = {field: getattr(segment, field) for field in HEADER_FIELDS}
    for field, value in values.items():
        setattr(segment, field, value)
    _full_clean(segment)
    segment.save()
    changed = {
        field for field in HEADER_FIELDS if getattr(segment, field) != old[field]
    }
    if update_lines and changed:
        _update_following_lines(segment, old, changed)
    if "attachment" in changed:
        remove_unreferenced_attachments([old["attachment"].name])
    return segment


def _update_following_lines(segment, old, changed):
    changes = _line_changes(segment, old, changed & set(LINE_VALUES))
    if changed & {"correspondence_type", "ignore_contact_correspondence_type"}:
        changes["correspondence_type"] = _correspondence_expression(
            segment, segment.template
        )
    if "salesperson" in changed:
        changes["salesperson"] = (
            Value(segment.salesperson_id)
            if segment.salesperson_id is not None
            else Subquery(
                Contact.objects.filter(pk=OuterRef("contact_id")).values(
                    "salesperson_id"
                )[:1]
            )
        )
    if changes:
        segment.lines.filter(template_id=segment.template_id).update(**changes)


# Lines


def _contact_keys(contacts):
    """`contacts` (a queryset, or contacts or their keys) as a queryset of keys."""
    if isinstance(contacts, models.QuerySet):
        if contacts.model is not Contact:
            raise TypeError(f"Expected contacts, got a queryset of {contacts.model}.")
        # As a subquery: INSERT/DELETE stay one statement whatever the caller's
        # queryset holds (filters, ordering, select_related, distinct, a slice —
        # whose ordering decides which rows it takes, so that one stays).
        if contacts.query.is_sliced:
            return contacts.values("pk")
        return contacts.order_by().values("pk")
    keys = [getattr(contact, "pk", contact) for contact in contacts]
    return Contact.objects.filter(pk__in=keys).values("pk")


def _quote(name):
    return connection.ops.quote_name(name)


def _columns(model, *fields):
    return ", ".join(_quote(model._meta.get_field(field).column) for field in fields)


def _db_value(model, field, value):
    return model._meta.get_field(field).get_db_prep_save(value, connection)


@transaction.atomic
def add_contacts(segment, contacts, *, user=None):
    """Add a line per contact with the header's values in one INSERT … SELECT.

    Contacts already in the segment or marked "exclude from segment" are skipped.
    Returns the number of lines added.
    """
    segment = _lock(segment)
    fixed, fallback = _correspondence_rule(segment, segment.template)
    try:
        keys_sql, keys_params = (
            _contact_keys(contacts).query.get_compiler(connection=connection).as_sql()
        )
    except EmptyResultSet:  # no contacts given (an empty list or .none())
        return 0
    line_table = _quote(SegmentLine._meta.db_table)
    contact = Contact._meta
    contact_column = {
        name: f"c.{_quote(contact.get_field(name).column)}"
        for name in ("id", "correspondence_type", "salesperson", "exclude_from_segment")
    }
    if fixed is not None:
        correspondence_sql, correspondence_params = "%s", [fixed]
    else:
        correspondence_sql = (
            f"CASE WHEN {contact_column['correspondence_type']} <> '' "
            f"THEN {contact_column['correspondence_type']} ELSE %s END"
        )
        correspondence_params = [fallback]
    # The header's salesperson, else the contact's (NAV's InitLine).
    salesperson_sql = f"COALESCE(%s, {contact_column['salesperson']})"
    sql = (
        f"INSERT INTO {line_table} ("
        + _columns(
            SegmentLine,
            "segment",
            "contact",
            "template",
            "description",
            "subject",
            "cost",
            "duration",
            "information_flow",
            "initiated_by",
            "attachment",
            "correspondence_type",
            "salesperson",
        )
        + f") SELECT %s, {contact_column['id']}, %s, %s, %s, %s, %s, %s, %s, %s, "
        f"{correspondence_sql}, {salesperson_sql} "
        f"FROM {_quote(contact.db_table)} c "
        f"WHERE {contact_column['id']} IN ({keys_sql}) "
        f"AND {contact_column['exclude_from_segment']} = %s "
        # Contacts already in the segment: the unique (segment, contact) constraint.
        # Not a NOT EXISTS: PostgreSQL plans that as a scan of all lines per contact
        # when the line table's statistics say it is empty (bench/segment_log.py).
        f"ON CONFLICT ({_columns(SegmentLine, 'segment', 'contact')}) DO NOTHING"
    )
    params = [
        segment.pk,
        segment.template_id,
        segment.description,
        segment.subject,
        _db_value(SegmentLine, "cost", segment.unit_cost),
        segment.unit_duration,
        segment.information_flow,
        segment.initiated_by,
        segment.attachment.name,
        *correspondence_params,
        segment.salesperson_id,
        *keys_params,
        False,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@transaction.atomic
def remove_contacts(segment, contacts):
    """Delete the segment's lines of `contacts` in one DELETE; returns how many."""
    lines = segment.lines.filter(contact__in=_contact_keys(contacts))
    names = list(
        lines.exclude(attachment="")
        .order_by()
        .values_list("attachment", flat=True)
        .distinct()
    )
    # No signal or relation points at segment lines, so this is a single DELETE.
    count, _per_model = lines.delete()
    remove_unreferenced_attachments(names)
    return count


def _logged_contacts(logged_segment):
    return Contact.objects.filter(
        pk__in=InteractionLogEntry.objects.filter(logged_segment=logged_segment).values(
            "contact_id"
        )
    )


@transaction.atomic
def reuse_logged_segment(segment, logged_segment, *, user=None):
    """Add the contacts of a logged segment's entries, as add_contacts does."""
    return add_contacts(segment, _logged_contacts(logged_segment), user=user)


class ContactsAdded(NamedTuple):
    """What adding the contacts of interaction log entries did, in contacts."""

    added: int
    excluded: int  # marked "exclude from segment": skipped
    already: int  # in the segment before: skipped


def _entry_contacts(entries):
    if not isinstance(entries, models.QuerySet) or entries.model is not (
        InteractionLogEntry
    ):
        raise TypeError("Expected a queryset of interaction log entries.")
    return entries.contacts()


@transaction.atomic
def add_contacts_from_entries(segment, *, entries, user):
    """Add the distinct contacts of `entries` (a queryset of log entries, e.g. the
    entry list's filter) as add_contacts does, in a constant number of queries."""
    contacts = _entry_contacts(entries)
    segment = _lock(segment)
    # Counted under the segment's lock, so no other session adds lines in between.
    counts = add_contacts_preview(segment, contacts)
    added = add_contacts(segment, contacts, user=user)
    return ContactsAdded(
        added=added, excluded=counts["excluded"], already=counts["already"]
    )


@transaction.atomic
def create_segment_from_entries(entries, *, user, **values):
    """A new segment (create_segment's `values`) holding the distinct contacts of
    `entries`; returns `(segment, ContactsAdded)`.

    Nothing is created when no contact can be added: no entries, or every contact
    is marked "exclude from segment".
    """
    contacts = _entry_contacts(entries)
    counts = add_contacts_preview(None, contacts)
    if not counts["matching"]:
        raise ValidationError(
            _("No interaction log entries match: there are no contacts to add."),
            code="empty",
        )
    if not counts["to_add"]:
        raise ValidationError(
            ngettext(
                "The only contact of these interaction log entries is marked "
                "“exclude from segment”: there are no contacts to add.",
                "All %(count)s contacts of these interaction log entries are marked "
                "“exclude from segment”: there are no contacts to add.",
                counts["excluded"],
            )
            % {"count": counts["excluded"]},
            code="empty",
        )
    segment = create_segment(user=user, **values)
    added = add_contacts(segment, contacts, user=user)
    return segment, ContactsAdded(added=added, excluded=counts["excluded"], already=0)


LINE_FIELDS = frozenset(
    {
        "template",
        "description",
        "subject",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "salesperson",
        "attachment",
    }
)


def line_template_values(line, template):
    """The values `line` takes when personalised with `template` (no writes): the
    template's cost, duration, flow and attachment, the correspondence type by the
    rule, and its description when the line has none."""
    return {
        "cost": template.unit_cost,
        "duration": template.unit_duration,
        "information_flow": template.information_flow,
        "initiated_by": template.initiated_by,
        "correspondence_type": correspondence_type_for(
            line.segment, template, line.contact
        ),
        "attachment": template.attachment.name,
        "description": line.description or template.description,
    }


@transaction.atomic
def update_line(line, *, user, **values):
    """Personalise one line: another template brings that template's values (NAV's
    "personalizing a line"); the other given values are set on top of them."""
    unknown = set(values) - LINE_FIELDS
    if unknown:
        raise TypeError(f"Unknown segment line values: {', '.join(sorted(unknown))}")
    locked = (
        SegmentLine.objects.select_for_update()
        .select_related("segment", "contact")
        .filter(pk=line.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(
            _("This line has been removed, or its segment has been logged."),
            code="gone",
        )
    old_attachment = locked.attachment.name
    template = values.pop("template", locked.template)
    if template is not None and template.pk != locked.template_id:
        _check_template(template)
        for field, value in line_template_values(locked, template).items():
            setattr(locked, field, value)
    locked.template = template
    for field, value in values.items():
        setattr(locked, field, value)
    locked.full_clean(
        exclude=("segment", "contact", "template", "salesperson"),
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save()
    if locked.attachment.name != old_attachment:
        remove_unreferenced_attachments([old_attachment])
    return locked


@transaction.atomic
def delete_segment(segment):
    """Delete a segment that will not be logged, with its lines (one DELETE each)."""
    segment = _lock(segment)
    names = list(
        segment.lines.exclude(attachment="")
        .order_by()
        .values_list("attachment", flat=True)
        .distinct()
    )
    names.append(segment.attachment.name)
    segment.delete()
    remove_unreferenced_attachments(names)


# Logging


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
        # The line's own values: a personalised line keeps its template and group.
        **{
            name: (line_column[name], [])
            for name in (
                "contact",
                "template",
                "description",
                "subject",
                "cost",
                "duration",
                "information_flow",
                "initiated_by",
                "correspondence_type",
                "salesperson",
                "attachment",
            )
        },
        "group": (f"t.{_quote(template.get_field('group').column)}", []),
        "contact_company": (
            f"CASE WHEN {contact_type} = %s THEN {contact_id} "
            f"ELSE {contact_company} END",
            [Contact.Type.COMPANY.value],
        ),
        "date": ("%s", [_db_value(InteractionLogEntry, "date", segment.date)]),
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
    if create_follow_up:
        setup = MarketingSetup.load()
        if setup.segment_nos_id is None:
            setup.next_no("segment_nos")  # raises the "set up a series" error
    _check_loggable(segment)
    try:
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
            description=description[:FOLLOW_UP_MAX_LENGTH],
            salesperson=segment.salesperson,
        )
        add_contacts(follow_up, _logged_contacts(logged_segment), user=user)
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


@transaction.atomic
def set_logged_segment_canceled(logged_segment, canceled, *, user):
    """Mark a logged segment and all its entries canceled, or remove the mark.

    Returns the number of entries changed (one UPDATE); one audit record names it.
    """
    locked = LoggedSegment.objects.select_for_update().get(pk=logged_segment.pk)
    # The flag first: set_canceled refuses to un-cancel entries of a canceled one.
    locked.canceled = canceled
    locked.save(update_fields=["canceled"])
    logged_segment.canceled = canceled
    return set_canceled(
        locked.log_entries.all(), canceled, user=user, logged_segment=locked
    )
