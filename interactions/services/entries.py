"""Writing finished entries (create_interaction) and changing logged ones in bulk:
cancel, remove the canceled mark, evaluate. Postponed drafts are in postponed.py,
automatic recording in documents.py; both write through _save() here."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.services import refuse_privacy_blocked
from interactions.models import Evaluation, InteractionLogEntry
from interactions.services.batches import in_batches
from interactions.services.defaults import (
    TEMPLATE_VALUES,
    default_salesperson,
    entry_values_from_template,
    template_defaults,
)
from interactions.services.files import remove_unreferenced_attachments
from interactions.services.statistics import (
    add_statistics,
    change_statistics,
    lock_statistics,
)

# What create/postpone/resume accept besides contact and template.
INTERACTION_FIELDS = frozenset(
    {
        "description",
        "subject",
        "salesperson",
        "date",
        "time",
        "correspondence_type",
        "information_flow",
        "initiated_by",
        "evaluation",
        "attempt_failed",
        "cost",
        "duration",
        "attachment",
        "document_type",
        "document_no",
        "language_code",
    }
)
# Checked by the rules below or not set by the user: clean_fields() would spend a
# query on each foreign key.
NOT_FIELD_CLEANED = (
    "entry_no",
    "contact",
    "contact_company",
    "template",
    "group",
    "salesperson",
    "logged_segment",
    "created_by",
    "canceled_by",
)


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _now_to_the_minute():
    return timezone.localtime().time().replace(second=0, microsecond=0)


def _fill(entry, *, contact, template, user, values):
    """Put contact, template defaults and `values` on `entry` (new or postponed).

    Returns the entry's attachment name before the change, to clean up after saving.
    """
    unknown = set(values) - INTERACTION_FIELDS
    if unknown:
        raise TypeError(f"Unknown interaction values: {', '.join(sorted(unknown))}")
    if contact is None:
        raise ValidationError(
            {
                "contact": ValidationError(
                    _("You must select a contact to interact with."), code="required"
                )
            }
        )
    adding = entry._state.adding
    previous_attachment = "" if adding else entry.attachment.name

    # Choosing a template refills its values (NAV clears and copies them); a resumed
    # entry that keeps its template keeps what the user had entered.
    if template is not None and (adding or template.pk != entry.template_id):
        inherited_attachment = (
            adding
            or not entry.attachment
            or (
                entry.template is not None
                and entry.attachment.name == entry.template.attachment.name
            )
        )
        taken = entry_values_from_template(
            template, contact=contact, description=entry.description
        )
        attachment = taken.pop("attachment")
        for field, value in taken.items():
            setattr(entry, field, value)
        if inherited_attachment:
            # The same stored file, not a copy: files go only when nothing uses them.
            entry.attachment = attachment
    entry.template = template
    # The group is a snapshot of the template's, so regrouping templates keeps history.
    entry.group = template.group if template is not None else None
    entry.contact = contact
    entry.contact_company_id = contact.contact_company_id
    if "salesperson" not in values and entry.salesperson_id is None:
        entry.salesperson = default_salesperson(user=user, contact=contact)
    # A resumed interaction happens today (NAV resets the date); the time is kept.
    entry.date = timezone.localdate()
    if entry.time is None:
        entry.time = _now_to_the_minute()
    blank = {field for field in TEMPLATE_VALUES if values.get(field, 0) in (None, "")}
    for field, value in values.items():
        if field == "attachment" and not value:
            continue  # no upload: keep the template's or the postponed entry's file
        if field not in blank:
            setattr(entry, field, value)
    if blank:
        taken = (
            template_defaults(template, contact=contact) if template is not None else {}
        )
        for field in blank:
            # Without a template (a postponed draft) a blank is the field's default.
            default = InteractionLogEntry._meta.get_field(field).get_default()
            setattr(entry, field, taken.get(field, default))
    if not entry.description and template is not None:
        entry.description = template.description
    return previous_attachment


def _validate(entry, *, finishing):
    """Raise one ValidationError with every broken rule, keyed by field."""
    errors = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if finishing:
        if entry.template is None:
            add("template", _("You must select an interaction template."), "required")
        elif entry.template.blocked:
            add(
                "template",
                _("Interaction template %(code)s is blocked.")
                % {"code": entry.template.code},
                "blocked",
            )
        if not entry.description:
            add("description", _("You must fill in a description."), "required")
        if entry.salesperson is None:
            # Automatically logged documents need no salesperson (NAV's rule).
            if not entry.document_type:
                add("salesperson", _("You must select a salesperson."), "required")
        elif entry.salesperson.blocked:
            add(
                "salesperson",
                _("Salesperson %(code)s is blocked.")
                % {"code": entry.salesperson.code},
                "blocked",
            )
        if entry.date is None:
            add("date", _("You must fill in the date."), "required")
    elif entry.date is None:
        entry.date = timezone.localdate()
    try:
        entry.clean_fields(exclude=[*NOT_FIELD_CLEANED, *errors])
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _save(entry, *, contact, template, user, values, postponed):
    # Every entry written by hand, resumed, postponed or recorded automatically comes
    # through here: a contact marked "Privacy blocked" gets none (its history stays).
    if contact is not None:
        refuse_privacy_blocked(contact, user=user)
    previous_attachment = _fill(
        entry, contact=contact, template=template, user=user, values=values
    )
    _validate(entry, finishing=not postponed)
    entry.postponed = postponed
    if entry._state.adding:
        entry.created_by = _actor(user)
    # A new entry or a postponed draft (which counts nowhere) becomes this entry.
    entry.save()
    if not postponed:
        add_statistics(InteractionLogEntry.objects.filter(pk=entry.pk))
    if previous_attachment != entry.attachment.name:
        remove_unreferenced_attachments([previous_attachment])
    return entry


def _audit_entry(action, entry, *, user, object_type=AuditObjectType.ENTRY, **details):
    record_audit(
        action=action,
        user=user,
        object_type=object_type,
        object_id=entry.pk,
        object_repr=entry.description,
        details={"contact": str(entry.contact), **details},
    )


@transaction.atomic
def create_interaction(*, contact, template, user, **values):
    """Log a finished interaction with `contact` and return the new entry.

    Values not given come from the template, the user's salesperson, today and now;
    so do the TEMPLATE_VALUES given blank (None or "").
    """
    entry = _save(
        InteractionLogEntry(),
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=False,
    )
    _audit_entry(AuditAction.CREATED, entry, user=user)
    return entry


def _keys(entries):
    """The entry numbers of `entries` (a queryset, or entries or their numbers)."""
    if isinstance(entries, models.QuerySet):
        # As a subquery, so UPDATE/DELETE stay one statement whatever the caller's
        # queryset holds (ordering, select_related, annotations, slices).
        return entries.values("pk")
    return [getattr(entry, "pk", entry) for entry in entries]


def _selected(entries):
    return InteractionLogEntry.objects.filter(pk__in=_keys(entries))


def _selection(entries, criteria):
    """How `entries` were chosen, for the audit record: `criteria` when the caller
    gives them (the filters of a page), else the numbers of listed entries."""
    if criteria is not None:
        return dict(criteria)
    if isinstance(entries, models.QuerySet):
        return {}
    return {"entries": sorted(_keys(entries))}


def _audit_many(action, count, *, user, selection, object_type=AuditObjectType.ENTRY):
    chosen = selection.get("entries", ())
    record_audit(
        action=action,
        user=user,
        object_type=object_type,
        count=count,
        # One entry chosen: the record names it, so the page can find it by number.
        object_id=chosen[0] if len(chosen) == 1 else "",
        details=selection,
    )


@transaction.atomic
def set_canceled(entries, canceled, *, user, criteria=None, logged_segment=None):
    """Mark `entries` canceled (or remove the mark) in one UPDATE; returns the count.

    Postponed entries are never touched; un-canceling is refused while an entry's
    logged segment is canceled. The audit record names `logged_segment` when the
    entries are canceled with it, else `criteria` (how the caller chose them).
    """
    count = _update_canceled(entries, canceled, user=user)
    if logged_segment is None:
        _audit_canceled(canceled, count, user=user, entries=entries, criteria=criteria)
    else:
        record_audit(
            action=AuditAction.CANCELED if canceled else AuditAction.UNCANCELED,
            user=user,
            object_type=AuditObjectType.LOGGED_SEGMENT,
            count=count,
            object_id=logged_segment.segment_no,
            object_repr=logged_segment.description,
        )
    return count


def set_canceled_in_batches(
    entries, canceled, *, user, criteria=None, progress=None, batch_size=None
):
    """set_canceled for a background job: the queryset `entries` batch by batch,
    each batch with its own transaction and audit record (of its count), so what
    is done stays done and audited if the job stops. `progress` as in_batches.

    Un-canceling is refused before the first batch when an entry's logged segment
    is canceled (and, should one be canceled meanwhile, at its batch).
    """
    if not canceled:
        _refuse_canceled_logged_segment(
            _selected(entries).filter(postponed=False, canceled=True)
        )

    def batch(keys):
        count = _update_canceled(keys, canceled, user=user)
        _audit_canceled(canceled, count, user=user, entries=entries, criteria=criteria)
        return count

    return in_batches(entries, batch, progress=progress, batch_size=batch_size)


def _audit_canceled(canceled, count, *, user, entries, criteria):
    action = AuditAction.CANCELED if canceled else AuditAction.UNCANCELED
    _audit_many(action, count, user=user, selection=_selection(entries, criteria))


def _update_canceled(entries, canceled, *, user):
    changing = _selected(entries).filter(postponed=False, canceled=not canceled)
    if canceled:
        # Another cancel of the same entries, still open, would otherwise be moved
        # out of the statistics by both (each reads them uncanceled): wait for it.
        lock_statistics()
        change_statistics(changing, canceled=True)
        return changing.update(
            canceled=True, canceled_by=_actor(user), canceled_at=timezone.now()
        )
    # Lock the entries' logged segments so set_logged_segment_canceled cannot cancel
    # one between the check below and the UPDATE (it would keep uncanceled entries).
    logged_segments = apps.get_model("segments", "LoggedSegment").objects
    list(
        logged_segments.select_for_update()
        .filter(pk__in=changing.values("logged_segment"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _refuse_canceled_logged_segment(changing)
    # After the logged segments, in the order set_logged_segment_canceled locks.
    lock_statistics()
    change_statistics(changing, canceled=False)
    return changing.update(canceled=False, canceled_by=None, canceled_at=None)


def _refuse_canceled_logged_segment(changing):
    # The lowest entry number first, so the message is the same on every try.
    blocked = (
        changing.filter(logged_segment__canceled=True)
        .order_by("entry_no")
        .values_list("entry_no", "logged_segment__segment_no")
        .first()
    )
    if blocked is not None:
        raise ValidationError(
            _(
                "Interaction log entry %(entry_no)s belongs to logged segment "
                "%(segment_no)s, which is canceled. Remove the canceled mark from the "
                "logged segment first."
            )
            % {"entry_no": blocked[0], "segment_no": blocked[1]},
            code="logged_segment_canceled",
        )


@transaction.atomic
def evaluate_entries(entries, evaluation, *, user, criteria=None):
    """Set the evaluation of the logged (not postponed) `entries` in one UPDATE.

    `criteria` (how the caller chose the entries) goes into the audit record.
    """
    _check_evaluation(evaluation)
    return _evaluate(entries, evaluation, user=user, criteria=criteria)


def evaluate_entries_in_batches(
    entries, evaluation, *, user, criteria=None, progress=None, batch_size=None
):
    """evaluate_entries for a background job: the queryset `entries` batch by
    batch, each batch with its own transaction and audit record (of its count)."""
    _check_evaluation(evaluation)
    return in_batches(
        entries,
        lambda keys: _evaluate(
            keys, evaluation, user=user, criteria=_selection(entries, criteria)
        ),
        progress=progress,
        batch_size=batch_size,
    )


def _check_evaluation(evaluation):
    if evaluation not in Evaluation.values:
        raise ValidationError(
            {
                "evaluation": ValidationError(
                    _("“%(value)s” is not a valid evaluation.") % {"value": evaluation},
                    code="invalid_choice",
                )
            }
        )


def _evaluate(entries, evaluation, *, user, criteria):
    # One UPDATE, however many entries: a draft gets its evaluation when finished.
    logged = _selected(entries).filter(postponed=False)
    # Two evaluations of the same entries at once would each move them from the
    # evaluation they read: the second waits and reads the first's.
    lock_statistics()
    change_statistics(logged, evaluation=evaluation)
    count = logged.update(evaluation=evaluation)
    selection = _selection(entries, criteria)
    _audit_many(
        AuditAction.EVALUATED,
        count,
        user=user,
        selection={**selection, "evaluation": evaluation},
    )
    return count
