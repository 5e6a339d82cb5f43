"""Segment lines: add and remove contacts, personalise a line, give lines the
header's template; the correspondence type a line takes (crm.correspondence).

Work on lines is done in SQL (UPDATE, DELETE, INSERT … SELECT) so the number of
queries does not grow with the number of lines: a segment may hold 100,000 contacts.
"""

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from crm.correspondence import (
    correspondence_type,
    correspondence_type_expression,
    correspondence_type_sql,
)
from crm.models import Contact, Salesperson
from crm.services import refuse_privacy_blocked
from interactions.services import (
    entry_values_from_template,
    remove_unreferenced_attachments,
)
from segments.models import SegmentLine
from segments.services.guards import _check_template, _lock
from segments.services.sql import _columns, _contact_keys, _db_value, _quote
from web.versions import check_version

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


def _correspondence_rule(segment, template):
    """Where a line of `segment` using `template` takes its correspondence type from,
    as the keywords of crm.correspondence: the `fallback` type and `ignore_contact`.

    (1) the header's type when it ignores the contact's; (2) the template's when it
    ignores the contact's or the contact has none; (3) else the contact's type.
    """
    if segment.ignore_contact_correspondence_type and segment.correspondence_type:
        return {"fallback": segment.correspondence_type, "ignore_contact": True}
    if template is not None and template.ignore_contact_correspondence_type:
        return {"fallback": template.correspondence_type, "ignore_contact": True}
    if template is not None and template.correspondence_type:
        return {"fallback": template.correspondence_type, "ignore_contact": False}
    # NAV keeps the value the line took from the header's default.
    return {"fallback": segment.correspondence_type, "ignore_contact": False}


def correspondence_type_for(segment, template, contact):
    """The correspondence type of a line of `segment` for `contact` using `template`
    (_correspondence_rule), in Python."""
    return correspondence_type(
        contact.correspondence_type, **_correspondence_rule(segment, template)
    )


def _correspondence_expression(segment, template):
    """correspondence_type_for() as an expression for an UPDATE of segment lines."""
    # A subquery, not a join: UPDATE cannot refer to joined columns.
    contact_type = Subquery(
        Contact.objects.filter(pk=OuterRef("contact_id")).values("correspondence_type")[
            :1
        ]
    )
    return correspondence_type_expression(
        contact_type, **_correspondence_rule(segment, template)
    )


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
    # A privacy blocked contact's line stays blocking: no template lifts that.
    lines = segment.lines.blocking().exclude(contact__privacy_blocked=True)
    return lines.update(**changes)


def _header_salesperson(segment):
    """The salesperson a line takes: the header's, else its contact's (NAV's
    InitLine), as an expression for an UPDATE of lines."""
    if segment.salesperson_id is not None and not segment.salesperson.blocked:
        return Value(segment.salesperson_id)
    return Subquery(
        Contact.objects.filter(pk=OuterRef("contact_id")).values("salesperson_id")[:1]
    )


@transaction.atomic
def add_contacts(segment, contacts, *, user=None, ignore_exclusion=False):
    """Add a line per contact with the header's values in one INSERT … SELECT.

    Contacts already in the segment are skipped, and so are those marked "exclude
    from segment" unless `ignore_exclusion`, and those marked "Privacy blocked"
    always. Returns the number of lines added.
    """
    segment = _lock(segment)
    rule = _correspondence_rule(segment, segment.template)
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
        for name in (
            "id",
            "correspondence_type",
            "salesperson",
            "exclude_from_segment",
            "privacy_blocked",
        )
    }
    # Raw SQL: an ORM expression cannot go into this INSERT … SELECT … ON CONFLICT.
    correspondence_sql, correspondence_params = correspondence_type_sql(
        contact_column["correspondence_type"], **rule
    )
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
        f"AND ({contact_column['exclude_from_segment']} = %s OR %s) "
        # "Privacy blocked" is not overridable: such a contact never gets a line.
        f"AND {contact_column['privacy_blocked']} = %s "
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
        bool(ignore_exclusion),
        False,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def delete_lines(lines):
    """Delete `lines` (a queryset of segment lines) in one DELETE; returns how many.
    A file of their own goes once no row points at it any more."""
    # Collected before the DELETE: a file goes only when no row points at it any more.
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


@transaction.atomic
def remove_contacts(segment, contacts):
    """Delete the segment's lines of `contacts` in one DELETE; returns how many."""
    return delete_lines(segment.lines.filter(contact__in=_contact_keys(contacts)))


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
    """The values `line` takes when personalised with `template` (no writes): what an
    entry takes from a template (interactions' one list of them), except the group,
    which the entry reads from the template when logged, and with the segment's own
    correspondence rule (the header may overrule the template)."""
    values = entry_values_from_template(
        template, contact=line.contact, description=line.description
    )
    del values["group"]
    values["correspondence_type"] = correspondence_type_for(
        line.segment, template, line.contact
    )
    return values


@transaction.atomic
def update_line(line, *, user, seen_version=None, **values):
    """Personalise one line: another template brings that template's values (NAV's
    "personalizing a line"); the other given values are set on top of them. A form
    opened before another change of the line (`seen_version`) is refused."""
    unknown = set(values) - LINE_FIELDS
    if unknown:
        raise TypeError(f"Unknown segment line values: {', '.join(sorted(unknown))}")
    # Re-read under a lock: the line may have been changed, removed or logged since
    # the form was shown.
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
    check_version(locked, seen_version)
    old_attachment = locked.attachment.name
    template = values.pop("template", locked.template)
    if template is not None and template.pk != locked.template_id:
        _check_template(template)
        for field, value in line_template_values(locked, template).items():
            setattr(locked, field, value)
    locked.template = template
    for field, value in values.items():
        setattr(locked, field, value)
    # Without the foreign keys: the form checked them, and each would cost a query.
    locked.full_clean(
        exclude=("segment", "contact", "template", "salesperson"),
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save()
    # Another file replaced the line's own: the old one goes when nothing uses it.
    if locked.attachment.name != old_attachment:
        remove_unreferenced_attachments([old_attachment])
    return locked


@transaction.atomic
def add_line(segment, *, contact, user, **values):
    """Add one contact as add_contacts does, then personalise its line with `values`
    as update_line does; returns the line.

    add_contacts skips a contact already in the segment or marked "exclude from
    segment" without a word; adding one contact by hand (the admin) says so.
    """
    unknown = set(values) - LINE_FIELDS
    if unknown:
        raise TypeError(f"Unknown segment line values: {', '.join(sorted(unknown))}")
    # Named by hand: a privacy blocked contact is refused, not skipped in silence.
    refuse_privacy_blocked(contact, user=user, action="add_line")
    if not add_contacts(segment, [contact], user=user):
        if segment.lines.filter(contact=contact).exists():
            message = _("Contact %(contact)s is already in segment %(no)s.")
        else:
            message = _(
                "Contact %(contact)s is marked “exclude from segment” and is not "
                "added to segment %(no)s."
            )
        raise ValidationError(
            {
                "contact": ValidationError(
                    message % {"contact": contact, "no": segment.no}, code="skipped"
                )
            }
        )
    # Read back: the INSERT … SELECT returns only how many rows it wrote.
    line = segment.lines.get(contact=contact)
    return update_line(line, user=user, **values) if values else line


@transaction.atomic
def delete_line(line, *, user):
    """Remove one line, as remove_contacts does for its contact."""
    if not remove_contacts(line.segment, [line.contact_id]):
        raise ValidationError(
            _("This line has been removed, or its segment has been logged."),
            code="gone",
        )
