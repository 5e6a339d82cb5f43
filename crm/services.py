"""Domain operations on contacts, salespeople, number series and the marketing setup,
and the attempt counters and form tokens of the security pages; views, admin and
commands all call these. Importing contacts is in crm.imports."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.models import (
    Contact,
    FormSubmission,
    MarketingSetup,
    ThrottleEvent,
)


@transaction.atomic
def create_contact(*, user, **values):
    """Create a contact, numbering it from the contact series when `no` is blank."""
    contact = Contact(**values)
    # The number is taken inside this transaction: when validation fails below, the
    # rollback returns it to the series (no gap, as NAV).
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


def delete_unless_used(obj):
    """Delete `obj`; while PROTECT foreign keys still refer to it, a ValidationError
    naming them instead. The collector raises before any row is deleted, so no
    savepoint is needed."""
    try:
        obj.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("%(object)s cannot be deleted because it is used by: %(used_by)s.")
            % {"object": capfirst(str(obj)), "used_by": protected_summary(error)},
            code="protected",
        ) from error


def save_checked(obj):
    """Validate `obj` as a whole (fields, uniqueness, constraints), then save it."""
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def save_salesperson(salesperson, *, user):
    """Create or change a salesperson, as its form or the admin filled it in."""
    return save_checked(salesperson)


@transaction.atomic
def delete_salesperson(salesperson, *, user):
    """Delete a salesperson no contact, entry, segment or setup refers to."""
    delete_unless_used(salesperson)


@transaction.atomic
def save_number_series(series, *, user):
    """Create or change a number series. Its next number may be set back by hand,
    as in NAV; the unique contact and segment numbers catch a number handed out
    twice."""
    return save_checked(series)


@transaction.atomic
def delete_number_series(series, *, user):
    """Delete a number series the marketing setup does not use."""
    delete_unless_used(series)


@transaction.atomic
def save_marketing_setup(setup, *, user):
    """Save the one marketing setup row: always under pk 1, whatever an id sequence
    would hand out (a check constraint holds it to that)."""
    setup.pk = 1
    return save_checked(setup)


def throttle_key(kind, value):
    """`kind:<hash of value>`: who or what is counted, without keeping it readable."""
    # Hashed: the table of attempts must not become a list of addresses and IPs.
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
