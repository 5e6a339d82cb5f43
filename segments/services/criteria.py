"""The criteria actions on a segment (NAV's Contacten toevoegen / Contacten
verwijderen - Verkleinen / Verfijnen) and going back ("Vorige").

Each action is one transaction under the segment's row lock, in a number of
statements that does not grow with the lines: the contacts are one query
(criteria_sources.criteria_contacts), lines are added and removed by lines.py's
INSERT … SELECT and DELETE, and what an action added and removed is kept in the
segment history by INSERT … SELECT (on PostgreSQL a removal is one DELETE … RETURNING
feeding that INSERT): a line added by its key, a line removed with every value, so
that going back restores the lines exactly.
"""

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Value
from django.db.models import fields as model_fields
from django.db.models.sql.subqueries import DeleteQuery
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact
from interactions.services import remove_unreferenced_attachments
from segments.models import (
    CriteriaActionKind,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)
from segments.services.criteria_sources import criteria_contacts, normalize_criteria
from segments.services.guards import _actor, _lock
from segments.services.lines import add_contacts
from segments.services.sql import _columns, _quote

# The values of a line that the history keeps and going back restores.
LINE_COLUMNS = (
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

ADD_OPTIONS = (
    "allow_existing",
    "expand_contact",
    "allow_company_with_persons",
    "ignore_exclusion",
)
REMOVE_OPTIONS = ("entire_companies",)
OPTIONS = {
    CriteriaActionKind.ADD: ADD_OPTIONS,
    CriteriaActionKind.REDUCE: REMOVE_OPTIONS,
    CriteriaActionKind.REFINE: REMOVE_OPTIONS,
}
AUDIT_ACTIONS = {
    CriteriaActionKind.ADD: AuditAction.CONTACTS_ADDED,
    CriteriaActionKind.REDUCE: AuditAction.CONTACTS_REDUCED,
    CriteriaActionKind.REFINE: AuditAction.CONTACTS_REFINED,
}


def _keys(contacts):
    return contacts.order_by().values("pk")


def _insert_select(model, fields, queryset, *, skip_conflicts=False):
    """INSERT INTO `model` (`fields`) SELECT the expressions `queryset` annotates
    as `fields`, in that order: one statement, whatever the number of rows."""
    aliases = [f"col_{index}" for index in range(len(fields))]
    rows = queryset.order_by().values(*aliases)
    select_sql, params = rows.query.get_compiler(connection=connection).as_sql()
    sql = (
        f"INSERT INTO {_quote(model._meta.db_table)} ({_columns(model, *fields)}) "
        f"{select_sql}"
    )
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _annotated(queryset, expressions):
    """`queryset` with `expressions` annotated in order as _insert_select reads them."""
    return queryset.annotate(
        **{f"col_{index}": value for index, value in enumerate(expressions)}
    )


def _with_company_persons(contacts):
    """`contacts` and the persons of the companies among them."""
    return Contact.objects.filter(
        Q(pk__in=_keys(contacts)) | Q(company__in=_keys(contacts))
    )


def _add_candidates(criteria, options):
    """The contacts the criteria of an Add name, with their company and persons
    when the option expands them."""
    matched = criteria_contacts(criteria)
    if not options.get("expand_contact"):
        return matched
    # A person's company and a company's persons come along.
    return Contact.objects.filter(
        Q(pk__in=_keys(matched))
        | Q(pk__in=matched.filter(company__isnull=False).values("company_id"))
        | Q(company__in=_keys(matched))
    )


def add_set(criteria, options):
    """The contacts an Add with `options` gives a line, whatever the segment holds
    (a contact already in it is skipped or renewed by the action)."""
    found = _add_candidates(criteria, options)
    if not options.get("ignore_exclusion"):
        found = found.filter(exclude_from_segment=False)
    # Like the exclusion, but no option overrules it (docs/privacy.md).
    found = found.not_privacy_blocked()
    if not options.get("allow_company_with_persons"):
        # A company whose persons are added is represented by them.
        persons = found.filter(company=OuterRef("pk"))
        found = found.exclude(Q(type=Contact.Type.COMPANY) & Exists(persons))
    return found.order_by()


def remove_set(criteria, options):
    """The contacts a Reduce removes, or a Refine keeps, with `options`."""
    matched = criteria_contacts(criteria)
    if options.get("entire_companies"):
        return _with_company_persons(matched).order_by()
    return matched


def _check_options(action, options):
    unknown = sorted(set(options) - set(OPTIONS[action]))
    if unknown:
        raise ValidationError(
            _("Unknown options: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown",
        )
    return {name: bool(options.get(name, False)) for name in OPTIONS[action]}


def _lines_of(segment, contacts):
    return SegmentLine.objects.filter(segment=segment, contact__in=_keys(contacts))


# What the history holds of a line added: its key and contact (going back deletes
# it by key); the other values are the columns' defaults, not copied.
ADDED_VALUES = {
    "template": None,
    "description": "",
    "subject": "",
    "cost": 0,
    "duration": 0,
    "information_flow": "",
    "initiated_by": "",
    "correspondence_type": "",
    "salesperson": None,
    "attachment": "",
}


def _line_value(name, *, added):
    field = SegmentHistory._meta.get_field(name)
    if added:
        return Value(
            ADDED_VALUES[name],
            output_field=field.target_field if field.is_relation else field,
        )
    return F(field.attname)


def _keep_history(action, lines, *, added):
    """Note `lines` in the history of `action`, as added (key and contact) or as
    removed (every value and key): one INSERT … SELECT."""
    _insert_select(
        SegmentHistory,
        ["action", "added", "contact", "line_id", *LINE_COLUMNS],
        _annotated(
            lines,
            [
                Value(action.pk),
                Value(added, output_field=model_fields.BooleanField()),
                F("contact_id"),
                F("pk"),
                *(_line_value(name, added=added) for name in LINE_COLUMNS),
            ],
        ),
    )


def _delete_history_lines(action, *, added, files=False):
    """Delete the lines `action` noted in its history as added (or as removed), by
    key, in one DELETE; returns how many, or with `files` the files they had.

    Written out: the ORM nests this DELETE in a second IN (SELECT …), which
    PostgreSQL runs as a loop over the lines for a history it has no statistics of
    yet (bench/scenarios/criteria.py). RETURNING gives the files without reading
    the lines twice.
    """
    history = SegmentHistory._meta
    line = SegmentLine._meta
    sql = (
        f"DELETE FROM {_quote(line.db_table)} WHERE {_quote(line.pk.column)} IN "
        f"(SELECT {_quote(history.get_field('line_id').column)} "
        f"FROM {_quote(history.db_table)} "
        f"WHERE {_quote(history.get_field('action').column)} = %s "
        f"AND {_quote(history.get_field('added').column)} = %s)"
    )
    if files:
        sql += f" RETURNING {_quote(line.get_field('attachment').column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [action.pk, added])
        return [name for (name,) in cursor.fetchall()] if files else cursor.rowcount


def _move_to_history(action, lines):
    """PostgreSQL: delete `lines` and write them into the history of `action` in one
    statement (DELETE … RETURNING feeding the INSERT), reading them once.

    The DELETE takes the conditions of `lines` as they are (the segment, the
    contacts' subquery), as a plain DELETE would: not the keys of `lines` in a
    second IN (SELECT …), which reads the segment's lines twice."""
    line = SegmentLine._meta
    columns = ", ".join(
        _quote(line.get_field(name).column) for name in ("contact", "id", *LINE_COLUMNS)
    )
    # Django's own DELETE of `lines` (with joins it falls back to the keys itself).
    query = lines.order_by().query.chain(DeleteQuery)
    try:
        delete_sql, params = query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # no contacts can match: nothing to remove
        return 0
    sql = (
        f"WITH moved AS ({delete_sql} RETURNING {columns}) "
        f"INSERT INTO {_quote(SegmentHistory._meta.db_table)} ("
        + _columns(
            SegmentHistory, "action", "added", "contact", "line_id", *LINE_COLUMNS
        )
        + f") SELECT %s, %s, {columns} FROM moved"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, action.pk, False])
        return cursor.rowcount


def _remove(action, lines):
    """Keep `lines` in the history of `action` and delete them; how many.

    Their files stay: the history still points at them (going back restores them).
    Elsewhere than on PostgreSQL the DELETE finds the lines by the keys just written
    to the history, not by the criteria again.
    """
    if connection.vendor == "postgresql":
        return _move_to_history(action, lines)
    _keep_history(action, lines, added=False)
    return _delete_history_lines(action, added=False)


def _add(segment, action, contacts):
    """Add lines for `contacts` (lines.add_contacts, exclusion already applied) and
    note in the history of `action` which ones; how many."""
    # Every line of the segment above the highest key now is this action's: the
    # segment's row lock keeps everyone else from adding lines to it meanwhile.
    start = SegmentLine.objects.aggregate(top=Max("pk"))["top"] or 0
    added = add_contacts(segment, contacts, ignore_exclusion=True)
    if added:
        _keep_history(
            action,
            SegmentLine.objects.filter(segment=segment, pk__gt=start),
            added=True,
        )
    return added


def _run(segment, kind, criteria, options, *, user):
    """Record and do one criteria action on the locked segment; returns how many
    lines it added (Add) or removed (Reduce, Refine)."""
    criteria = normalize_criteria(criteria)
    options = _check_options(kind, options)
    segment = _lock(segment)
    lines_before = segment.lines.count()
    sequence = segment.criteria_actions.aggregate(top=Max("sequence"))["top"] or 0
    action = SegmentCriteriaAction.objects.create(
        segment=segment,
        sequence=sequence + 1,
        action=kind,
        options=options,
        criteria=criteria,
        lines_before=lines_before,
        lines_after=lines_before,
        created_by=_actor(user),
    )
    added = removed = 0
    if kind == CriteriaActionKind.ADD:
        contacts = add_set(criteria, options)
        if options["allow_existing"]:
            # The contacts already in the segment get a new line with the header's
            # values; going back brings their old line back.
            removed = _remove(action, _lines_of(segment, contacts))
        added = _add(segment, action, contacts)
    elif kind == CriteriaActionKind.REDUCE:
        removed = _remove(action, _lines_of(segment, remove_set(criteria, options)))
    else:
        kept = remove_set(criteria, options)
        removed = _remove(action, segment.lines.exclude(contact__in=_keys(kept)))
    action.lines_after = lines_before + added - removed
    action.save(update_fields=["lines_after"])
    count = added if kind == CriteriaActionKind.ADD else removed
    record_audit(
        action=AUDIT_ACTIONS[kind],
        user=user,
        object_type=AuditObjectType.SEGMENT,
        count=count,
        object_id=segment.no,
        object_repr=segment.description,
        details={"criteria": criteria, "options": options},
    )
    return count


@transaction.atomic
def add_contacts_by_criteria(
    segment,
    criteria,
    *,
    user,
    allow_existing=False,
    expand_contact=False,
    allow_company_with_persons=False,
    ignore_exclusion=False,
):
    """Add a line for each contact `criteria` names ("Contacten toevoegen").

    A contact already in the segment is skipped, or with `allow_existing` gets a new
    line with the header's values; `expand_contact` brings a person's company and a
    company's persons along; a company is left out when persons of it are added,
    unless `allow_company_with_persons`; contacts marked "exclude from segment" are
    left out unless `ignore_exclusion`. Returns the number of lines added.
    """
    return _run(
        segment,
        CriteriaActionKind.ADD,
        criteria,
        {
            "allow_existing": allow_existing,
            "expand_contact": expand_contact,
            "allow_company_with_persons": allow_company_with_persons,
            "ignore_exclusion": ignore_exclusion,
        },
        user=user,
    )


@transaction.atomic
def reduce_contacts(segment, criteria, *, user, entire_companies=False):
    """Remove the lines of the contacts `criteria` names ("Verkleinen"); with
    `entire_companies` the persons of a company named go too. Returns how many."""
    return _run(
        segment,
        CriteriaActionKind.REDUCE,
        criteria,
        {"entire_companies": entire_companies},
        user=user,
    )


@transaction.atomic
def refine_contacts(segment, criteria, *, user, entire_companies=False):
    """Keep only the lines of the contacts `criteria` names ("Verfijnen"); with
    `entire_companies` the persons of a company named stay too. Returns how many
    lines were removed."""
    return _run(
        segment,
        CriteriaActionKind.REFINE,
        criteria,
        {"entire_companies": entire_companies},
        user=user,
    )


ACTIONS = {
    CriteriaActionKind.ADD: add_contacts_by_criteria,
    CriteriaActionKind.REDUCE: reduce_contacts,
    CriteriaActionKind.REFINE: refine_contacts,
}


@transaction.atomic
def go_back(segment, *, user):
    """Undo the segment's last criteria action ("Vorige"): the lines it added go,
    the lines it removed come back with the values and keys they had. Returns the
    action undone (deleted with its history)."""
    segment = _lock(
        segment,
        _(
            "Segment %(no)s has been logged or deleted; its criteria actions can no "
            "longer be undone."
        )
        % {"no": segment.no},
    )
    action = segment.criteria_actions.order_by("-sequence").first()
    if action is None:
        raise ValidationError(
            _("Segment %(no)s has no criteria action left to undo.")
            % {"no": segment.no},
            code="nothing_to_undo",
        )
    history = SegmentHistory.objects.filter(action=action)
    # By key; a line added and then given a file of its own drops that file.
    remove_unreferenced_attachments(
        _delete_history_lines(action, added=True, files=True)
    )
    _insert_select(
        SegmentLine,
        ["id", "segment", "contact", *LINE_COLUMNS],
        _annotated(
            # WHERE on the SELECT: SQLite's INSERT … SELECT … ON CONFLICT needs one.
            history.filter(added=False),
            [
                F("line_id"),
                Value(segment.pk),
                F("contact_id"),
                *(_line_value(name, added=False) for name in LINE_COLUMNS),
            ],
        ),
        # A contact given a line again by hand since keeps that line.
        skip_conflicts=True,
    )
    # Its history goes with it: one DELETE (nothing points at history rows).
    action.delete()
    record_audit(
        action=AuditAction.WENT_BACK,
        user=user,
        object_type=AuditObjectType.SEGMENT,
        count=action.changed,
        object_id=segment.no,
        object_repr=segment.description,
        details={"criteria": action.criteria, "options": action.options},
    )
    return action
