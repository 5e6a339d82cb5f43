"""Domain operations on interactions; views, admin, commands and the API call these."""

import datetime
from functools import partial

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, MarketingSetup, Salesperson
from crm.services import protected_summary
from interactions.models import (
    DocumentType,
    Evaluation,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    attachment_upload_to,
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


# The values an entry takes from its template (and contact). Given blank (None or
# "") to create/postpone/resume they are the template's: a form field left empty was
# not typed, while a typed 0 is a value like any other.
TEMPLATE_VALUES = (
    "description",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
)


def template_defaults(template, *, contact, values=None):
    """`values` plus what choosing `template` fills in; `description` only when blank.

    Pure (no writes). The one home of what an entry takes from a template: the
    services, the form's "Apply template" and the form's live refill all call it.
    """
    result = dict(values or {})
    result.update(
        group=template.group,
        cost=template.unit_cost,
        duration=template.unit_duration,
        information_flow=template.information_flow,
        initiated_by=template.initiated_by,
        correspondence_type=_correspondence_type(template, contact),
    )
    if not result.get("description"):
        result["description"] = template.description
    return result


def _correspondence_type(template, contact):
    # NAV's SetCorrespondenceType (reference §2.3): the template's type wins when it is
    # told to ignore the contact's, or when the contact has none; else the contact's.
    # (NAV's "template type not blank" condition only decides between two blanks.)
    contact_type = contact.correspondence_type if contact is not None else ""
    if template.ignore_contact_correspondence_type or not contact_type:
        return template.correspondence_type
    return contact_type


def default_salesperson(*, user, contact):
    """The user's own salesperson, else the contact's, else Marketing setup's default.

    Blocked salespeople are skipped; None when there is none.
    """
    if user is not None and user.is_authenticated:
        own = Salesperson.objects.filter(user=user, blocked=False).first()
        if own is not None:
            return own
    if (
        contact is not None
        and contact.salesperson_id
        and not contact.salesperson.blocked
    ):
        return contact.salesperson
    # Not MarketingSetup.load(): that may insert the row, and this must stay a read.
    setup = (
        MarketingSetup.objects.select_related("default_salesperson")
        .filter(pk=1)
        .first()
    )
    if (
        setup is not None
        and setup.default_salesperson is not None
        and not setup.default_salesperson.blocked
    ):
        return setup.default_salesperson
    return None


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
        defaults = template_defaults(
            template, contact=contact, values={"description": entry.description}
        )
        for field, value in defaults.items():
            setattr(entry, field, value)
        if inherited_attachment:
            # The same stored file, not a copy: files go only when nothing uses them.
            entry.attachment = template.attachment.name
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
    previous_attachment = _fill(
        entry, contact=contact, template=template, user=user, values=values
    )
    _validate(entry, finishing=not postponed)
    entry.postponed = postponed
    if entry._state.adding:
        entry.created_by = _actor(user)
    entry.save()
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


def _lock_postponed(entry, *, user):
    """The postponed `entry`, locked, when it is `user`'s own draft.

    The row lock makes a second session that resumes the same entry wait, then find
    it finished: the interaction is logged once. Someone else's draft is refused,
    also to a CRM admin, who takes it over first (take_over_postponed).
    """
    try:
        locked = InteractionLogEntry.objects.select_for_update().get(
            pk=entry.pk, postponed=True
        )
    except InteractionLogEntry.DoesNotExist:
        raise ValidationError(
            _("This interaction has already been finished or deleted."),
            code="not_postponed",
        ) from None
    if user is not None and locked.created_by_id != user.pk:
        raise PermissionDenied(_("This postponed interaction belongs to someone else."))
    return locked


@transaction.atomic
def take_over_postponed(entry, *, user):
    """Make someone else's postponed interaction `user`'s own, so that they can
    finish it; for who may delete others' drafts (CRM admins). Audited."""
    if not user.has_perm("interactions.delete_others_postponed"):
        raise PermissionDenied(
            _("Only a CRM admin can take over someone else's postponed interaction.")
        )
    try:
        entry = InteractionLogEntry.objects.select_for_update().get(
            pk=entry.pk, postponed=True
        )
    except InteractionLogEntry.DoesNotExist:
        raise ValidationError(
            _("This interaction has already been finished or deleted."),
            code="not_postponed",
        ) from None
    previous = entry.created_by
    entry.created_by = user
    entry.save(update_fields=["created_by"])
    _audit_entry(
        AuditAction.TAKEN_OVER,
        entry,
        user=user,
        object_type=AuditObjectType.POSTPONED,
        previous_owner=previous.get_username() if previous else "",
    )
    return entry


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


@transaction.atomic
def postpone_interaction(*, contact, user, entry=None, **values):
    """Store an unfinished interaction as a postponed entry; only the contact is needed.

    With `entry` (a postponed entry being resumed) that same row is updated.
    """
    if entry is None:
        entry = InteractionLogEntry()
        template = values.pop("template", None)
    else:
        entry = _lock_postponed(entry, user=user)
        template = values.pop("template", entry.template)
    entry = _save(
        entry,
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=True,
    )
    _audit_entry(
        AuditAction.POSTPONED, entry, user=user, object_type=AuditObjectType.POSTPONED
    )
    return entry


@transaction.atomic
def resume_interaction(entry, *, user, **values):
    """Finish a postponed entry with the rules of create_interaction; same row.

    `values` may also change `contact` and `template`; what is not given is kept,
    and the TEMPLATE_VALUES given blank take the template's.
    """
    entry = _lock_postponed(entry, user=user)
    contact = values.pop("contact", entry.contact)
    template = values.pop("template", entry.template)
    entry = _save(
        entry,
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=False,
    )
    _audit_entry(
        AuditAction.RESUMED, entry, user=user, object_type=AuditObjectType.POSTPONED
    )
    return entry


# Automatic recording (NAV's LogDocument, reference §2.8)

# The same document logged again for a contact within this window is not doubled.
DOCUMENT_WINDOW = datetime.timedelta(minutes=10)


def document_template(document_type):
    """The template Interaction template setup names for `document_type`, or None."""
    return InteractionTemplate.objects.filter(
        setups__document_type=document_type
    ).first()


@transaction.atomic
def log_document(
    *,
    document_type,
    document_no,
    contact,
    salesperson=None,
    description="",
    user=None,
    date=None,
    template=None,
    subject="",
    correspondence_type="",
):
    """Record that a document went to (or came from) `contact`; return the entry.

    The template is `template` or the one set up for the document type; with neither,
    nothing is logged and None is returned. The salesperson is optional (NAV's rule)
    and defaults to the contact's; the description defaults to the template's. The
    same document type and number logged for the contact within DOCUMENT_WINDOW
    returns the entry already written.
    """
    if not document_type or document_type not in DocumentType.values:
        raise ValidationError(
            {
                "document_type": ValidationError(
                    _("Unknown document type: %(value)s.") % {"value": document_type},
                    code="invalid",
                )
            }
        )
    template = template or document_template(document_type)
    if template is None:
        return None
    if document_no:
        # Locking the contact serialises two sessions logging the same document.
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        earlier = (
            InteractionLogEntry.objects.filter(
                contact=contact,
                document_type=document_type,
                document_no=document_no,
                postponed=False,
                created_at__gte=timezone.now() - DOCUMENT_WINDOW,
            )
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            return earlier
    if salesperson is None and contact.salesperson_id:
        contact_salesperson = contact.salesperson
        if not contact_salesperson.blocked:
            salesperson = contact_salesperson
    values = {
        "document_type": document_type,
        "document_no": document_no,
        "salesperson": salesperson,
    }
    optional = {
        "description": description,
        "subject": subject,
        "date": date,
        "correspondence_type": correspondence_type,
    }
    values.update({name: value for name, value in optional.items() if value})
    entry = _save(
        InteractionLogEntry(),
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=False,
    )
    _audit_entry(
        AuditAction.CREATED,
        entry,
        user=user,
        document_type=document_type,
        document_no=document_no,
    )
    return entry


@transaction.atomic
def update_template_setup(templates, *, user):
    """Set the template of each document type in `templates` ({type: template|None}).

    Rows missing (a document type added after the data migration) are created.
    Returns the number of document types whose template changed.
    """
    unknown = set(templates) - set(DocumentType.values[1:])
    if unknown:
        raise ValidationError(
            _("Unknown document type: %(value)s.") % {"value": ", ".join(unknown)}
        )
    for template in templates.values():
        if template is not None and template.blocked:
            raise ValidationError(
                _("Interaction template %(code)s is blocked.") % {"code": template.code}
            )
    InteractionTemplateSetup.objects.bulk_create(
        [InteractionTemplateSetup(document_type=value) for value in templates],
        ignore_conflicts=True,
    )
    rows = InteractionTemplateSetup.objects.select_for_update().filter(
        document_type__in=templates
    )
    changed = []
    for row in rows:
        template = templates[row.document_type]
        new_id = template.pk if template is not None else None
        if row.template_id != new_id:
            row.template_id = new_id
            changed.append(row)
    InteractionTemplateSetup.objects.bulk_update(changed, ["template"])
    return len(changed)


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
def delete_postponed(entries, *, user, criteria=None):
    """Delete the postponed ones of `entries`; returns how many.

    Without "delete_others_postponed" a user may only delete the entries they created.
    `criteria` (how the caller chose the entries) goes into the audit record.
    """
    postponed = _selected(entries).filter(postponed=True)
    if (
        not user.has_perm("interactions.delete_others_postponed")
        and postponed.exclude(created_by=user).exists()
    ):
        raise PermissionDenied(
            _("You can only delete postponed interactions that you created.")
        )
    count = _delete(postponed)
    _audit_many(
        AuditAction.DELETED,
        count,
        user=user,
        selection=_selection(entries, criteria),
        object_type=AuditObjectType.POSTPONED,
    )
    return count


@transaction.atomic
def set_canceled(entries, canceled, *, user, criteria=None, logged_segment=None):
    """Mark `entries` canceled (or remove the mark) in one UPDATE; returns the count.

    Postponed entries are never touched; un-canceling is refused while an entry's
    logged segment is canceled. The audit record names `logged_segment` when the
    entries are canceled with it, else `criteria` (how the caller chose them).
    """
    count = _update_canceled(entries, canceled, user=user)
    action = AuditAction.CANCELED if canceled else AuditAction.UNCANCELED
    if logged_segment is None:
        _audit_many(action, count, user=user, selection=_selection(entries, criteria))
    else:
        record_audit(
            action=action,
            user=user,
            object_type=AuditObjectType.LOGGED_SEGMENT,
            count=count,
            object_id=logged_segment.segment_no,
            object_repr=logged_segment.description,
        )
    return count


def _update_canceled(entries, canceled, *, user):
    changing = _selected(entries).filter(postponed=False, canceled=not canceled)
    if canceled:
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
    return changing.update(canceled=False, canceled_by=None, canceled_at=None)


@transaction.atomic
def evaluate_entries(entries, evaluation, *, user, criteria=None):
    """Set the evaluation of the logged (not postponed) `entries` in one UPDATE.

    `criteria` (how the caller chose the entries) goes into the audit record.
    """
    if evaluation not in Evaluation.values:
        raise ValidationError(
            {
                "evaluation": ValidationError(
                    _("“%(value)s” is not a valid evaluation.") % {"value": evaluation},
                    code="invalid_choice",
                )
            }
        )
    count = _selected(entries).filter(postponed=False).update(evaluation=evaluation)
    selection = _selection(entries, criteria)
    _audit_many(
        AuditAction.EVALUATED,
        count,
        user=user,
        selection={**selection, "evaluation": evaluation},
    )
    return count


@transaction.atomic
def delete_canceled_entries(
    *,
    before=None,
    after=None,
    contact=None,
    template=None,
    group=None,
    salesperson=None,
    entries=None,
    dry_run=False,
    user=None,
    criteria=None,
):
    """Delete canceled entries dated after `after` and before `before` (both exclusive).

    Postponed and uncanceled entries are never deleted. Returns the number deleted,
    or that would be deleted with `dry_run`. `entries` narrows it to a selection;
    `criteria` says how the caller chose that, for the audit record.
    """
    doomed = InteractionLogEntry.objects.filter(canceled=True, postponed=False)
    if entries is not None:
        doomed = doomed.filter(pk__in=_keys(entries))
    filters = {}
    if before is not None:
        doomed = doomed.filter(date__lt=before)
        filters["before"] = str(before)
    if after is not None:
        doomed = doomed.filter(date__gt=after)
        filters["after"] = str(after)
    for field, value, key in (
        ("contact", contact, "no"),
        ("template", template, "code"),
        ("group", group, "code"),
        ("salesperson", salesperson, "code"),
    ):
        if value is not None:
            doomed = doomed.filter(**{field: value})
            filters[field] = str(getattr(value, key, value))
    if dry_run:
        return doomed.count()
    count = _delete(doomed)
    selection = {} if entries is None else _selection(entries, criteria)
    if filters or entries is None:
        selection["filters"] = {**selection.get("filters", {}), **filters}
    _audit_many(AuditAction.DELETED, count, user=user, selection=selection)
    return count


def _delete(queryset):
    # Only the distinct file names are read, never the rows; with no delete signal or
    # cascade on the model, QuerySet.delete() is then a single DELETE (STACK-NOTES).
    names = list(
        # A range, not <> '': ile_attachment_idx then finds the few entries with a
        # file instead of reading every doomed row.
        queryset.filter(attachment__gt="")
        .order_by()
        .values_list("attachment", flat=True)
        .distinct()
    )
    count, _per_model = queryset.delete()
    remove_unreferenced_attachments(names)
    return count


def remove_unreferenced_attachments(names):
    """After commit, delete the files in `names` that no record refers to any more.

    Every model field stored with `attachment_upload_to` counts as a reference, so
    templates, entries and segments share files safely.
    """
    names = {name for name in names if name}
    if names:
        transaction.on_commit(partial(_remove_files, names))


def _remove_files(names):
    # Checked after the commit, so rows deleted in the same transaction do not count.
    still_used = set()
    ordered = sorted(names)
    chunks = [ordered[i : i + 500] for i in range(0, len(ordered), 500)]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and (
                field.upload_to is attachment_upload_to
            ):
                for chunk in chunks:
                    still_used.update(
                        model._base_manager.filter(
                            **{f"{field.name}__in": chunk}
                        ).values_list(field.name, flat=True)
                    )
    for name in names - still_used:
        default_storage.delete(name)


def _protected_usage(obj):
    """'2 interaction templates, 40 interaction log entries' that protect `obj`.

    Counted per relation: a ProtectedError would load every protecting row first.
    """
    counts = {}
    for relation in obj._meta.related_objects:
        if relation.on_delete is models.PROTECT:
            count = relation.related_model._base_manager.filter(
                **{relation.field.name: obj}
            ).count()
            if count:
                meta = relation.related_model._meta
                counts[meta] = counts.get(meta, 0) + count
    return ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in counts.items()
    )


def _delete_unused(obj):
    def refuse(used_by):
        return ValidationError(
            _("%(object)s cannot be deleted because it is used by: %(used_by)s.")
            % {
                "object": f"{capfirst(obj._meta.verbose_name)} {obj.code}",
                "used_by": used_by,
            },
            code="protected",
        )

    used_by = _protected_usage(obj)
    if used_by:
        raise refuse(used_by)
    try:
        obj.delete()
    except ProtectedError as error:  # used since the count, by another session
        raise refuse(protected_summary(error)) from error


@transaction.atomic
def delete_group(group, *, user):
    """Delete an interaction group that no template or entry uses."""
    _delete_unused(group)


@transaction.atomic
def delete_template(template, *, user):
    """Delete an interaction template that no entry uses, and its unshared file."""
    attachment = template.attachment.name
    _delete_unused(template)
    remove_unreferenced_attachments([attachment])
