"""Domain operations on contacts, and the audit trail that every service writes to;
views, admin and commands all call these."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm import resources
from crm.models import (
    AuditRecord,
    Contact,
    FormSubmission,
    MarketingSetup,
    ThrottleEvent,
)


@transaction.atomic
def create_contact(*, user, **values):
    """Create a contact, numbering it from the contact series when `no` is blank."""
    contact = Contact(**values)
    if not contact.no:
        contact.no = MarketingSetup.load().next_no("contact_nos")
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def update_contact(contact, *, user, **values):
    """Change a contact's fields after checking the company/person rules."""
    for field, value in values.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    return contact


def preview_contact_import(dataset, *, user):
    """What importing the rows of `dataset` would do, row by row. Nothing is written:
    the import runs in a transaction that is rolled back, with the numbers it took from
    the contact series."""
    resource = resources.ContactResource()
    result = resource.import_data(dataset, dry_run=True, user=user)
    return resources.ImportReport.from_result(resource, result)


@transaction.atomic
def import_contacts(dataset, *, user):
    """Create and update the contacts of the valid rows of `dataset` (see
    crm.resources.ContactResource) in one transaction; rejected rows are left out.
    A row failing for another reason imports nothing."""
    resource = resources.ContactResource()
    result = resource.import_data(dataset, dry_run=False, user=user)
    report = resources.ImportReport.from_result(resource, result)
    failed = [row for row in report.rows if row.outcome == resources.ImportRow.FAILED]
    if report.errors or failed:
        # The resource has rolled its part back already; this undoes the rest.
        raise ValidationError(
            _("Row %(row)s could not be imported, so nothing was imported.")
            % {"row": failed[0].line}
            if failed
            else report.errors[0],
            code="import_failed",
        )
    return report


def protected_summary(error):
    """'3 contacts, 12 interaction log entries' from a ProtectedError's objects."""
    counts = {}
    for obj in error.protected_objects:
        meta = obj._meta
        counts[meta] = counts.get(meta, 0) + 1
    return ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in counts.items()
    )


@transaction.atomic
def delete_contact(contact, *, user):
    """Delete a contact unless persons, interactions or segments still refer to it."""
    try:
        contact.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("%(contact)s cannot be deleted because it is used by: %(used_by)s.")
            % {"contact": capfirst(str(contact)), "used_by": protected_summary(error)},
            code="protected",
        ) from error


def throttle_key(kind, value):
    """`kind:<hash of value>`: who or what is counted, without keeping it readable."""
    digest = hashlib.sha256(str(value).strip().casefold().encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def over_limit(key, *, limit, window):
    """Whether `key` has had `limit` attempts or more within `window` (a timedelta)."""
    since = timezone.now() - window
    return ThrottleEvent.objects.filter(key=key, at__gte=since).count() >= limit


def count_attempt(key):
    """Count one attempt against `key`'s limit."""
    ThrottleEvent.objects.create(key=key)


def forget_attempts(older_than):
    """Remove counted attempts older than `older_than` (a timedelta); how many."""
    deleted, _by_model = ThrottleEvent.objects.filter(
        at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def forget_submissions(older_than):
    """Remove one-time form tokens (crm.submissions) older than `older_than`."""
    deleted, _by_model = FormSubmission.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


@transaction.atomic
def record_export(*, user, title, file_format, rows, criteria):
    """Note in the audit trail that `user` downloaded `rows` rows of the list `title`
    as `file_format`, chosen by the filters `criteria` ({name: value})."""
    return record_audit(
        action=AuditRecord.Action.EXPORTED,
        user=user,
        object_type=AuditRecord.ObjectType.LIST,
        object_repr=title,
        count=rows,
        details={"format": file_format, "filters": criteria},
    )


def record_audit(
    *,
    action,
    user,
    object_type,
    count=1,
    object_id="",
    object_repr="",
    details=None,
):
    """Write the audit record of one action: on one object, or on `count` of them.

    Call it inside the action's transaction, so the record is kept exactly when the
    action commits. `details` (JSON) says which: the filters used, the entries chosen.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit() must run inside the action's transaction.")
    actor = user if user is not None and user.is_authenticated else None
    return AuditRecord.objects.create(
        action=action,
        user=actor,
        username=actor.get_username() if actor is not None else "",
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[
            : AuditRecord._meta.get_field("object_repr").max_length
        ],
        count=count,
        details=details or {},
    )
