"""The segment header: create, apply a template, update, delete."""

from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When

from crm.models import Contact, MarketingSetup
from interactions.services import remove_unreferenced_attachments
from segments.models import LoggedSegment, Segment
from segments.services.guards import _actor, _check_template, _lock
from segments.services.lines import (
    INHERITED_ONLY,
    LINE_VALUES,
    _correspondence_expression,
)
from web.versions import check_version

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
        "language_code",
        "attachment",
        "reapply_criteria",
    }
)


# Checked by the services themselves; clean_fields() would spend a query on each.
NOT_FIELD_CLEANED = ("no", "salesperson", "template", "created_by")


def _check_fields(values):
    unknown = set(values) - HEADER_FIELDS
    if unknown:
        raise TypeError(f"Unknown segment values: {', '.join(sorted(unknown))}")


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
            # What the caller gives wins: a form sends only what the user changed.
            if field not in values or field == "template":
                setattr(segment, field, value)
    segment.created_by = _actor(user)
    _full_clean(segment)
    # Numbered after the checks, in this transaction: a refusal gives the number back,
    # so the series has no gaps.
    segment.no = MarketingSetup.load().next_no("segment_nos", taken=_segment_no_taken)
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
    # The old values tell which lines still follow the header (INHERITED_ONLY).
    old = {field: getattr(segment, field) for field in LINE_VALUES}
    old_template_id = segment.template_id
    for field, value in template_header_values(template).items():
        setattr(segment, field, value)
    segment.save()
    if update_lines:
        # Lines with no template or the old header template follow the header; a line
        # personalised with another template keeps it.
        following = Q(template__isnull=True)
        if old_template_id is not None:
            following |= Q(template_id=old_template_id)
        changes = _line_changes(segment, old, set(LINE_VALUES))
        segment.lines.filter(following).update(
            template=template,
            correspondence_type=_correspondence_expression(segment, template),
            **changes,
        )
        # The header and the lines may have let go of the old file: removed when unused.
        remove_unreferenced_attachments([old["attachment"]])
    return segment


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
            # A CASE keeps it one UPDATE for all lines: only the lines still holding the
            # header's old text take the new one.
            changes[line_field] = Case(
                When(**{line_field: old_value}, then=Value(new)),
                default=F(line_field),
                output_field=models.CharField(),
            )
        else:
            changes[line_field] = Value(new)
    return changes


@transaction.atomic
def update_header(segment, *, user, update_lines, seen_version=None, **values):
    """Change the header's values; a new template is applied as by apply_template.

    With `update_lines` the lines using the header template get the changed values;
    personalised lines stay. A form opened before another change of the header
    (`seen_version`) is refused.
    """
    _check_fields(values)
    check_version(_lock(segment), seen_version)
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
    # After the template: its values are the base the given values change.
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
    # The rule reads the contact per line, so it is an expression, not a value.
    if changed & {"correspondence_type", "ignore_contact_correspondence_type"}:
        changes["correspondence_type"] = _correspondence_expression(
            segment, segment.template
        )
    # NAV's InitLine: the header's salesperson, else each line's contact's.
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


@transaction.atomic
def delete_segment(segment, *, user):
    """Delete a segment that will not be logged, with its lines (one DELETE each)."""
    segment = _lock(segment)
    names = list(
        segment.lines.exclude(attachment="")
        .order_by()
        .values_list("attachment", flat=True)
        .distinct()
    )
    # Collected before the DELETE: a file goes only when no row points at it any more.
    names.append(segment.attachment.name)
    segment.delete()
    remove_unreferenced_attachments(names)


def _segment_no_taken(no):
    # A logged segment keeps its segment's number.
    return (
        Segment.objects.filter(no=no).exists()
        or LoggedSegment.objects.filter(segment_no=no).exists()
    )
