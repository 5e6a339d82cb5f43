"""Domain operations on contacts, salespeople, number series and the marketing setup,
and the attempt counters and form tokens of the security pages; views, admin and
commands all call these. Importing contacts is in crm.imports."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import (
    Contact,
    FormSubmission,
    MarketingSetup,
    ThrottleEvent,
)
from web.versions import check_version, lock_unchanged, refuse_deleted


@transaction.atomic
def create_contact(*, user, **values):
    """Create a contact, numbering it from the contact series when `no` is blank."""
    blocked = values.pop("privacy_blocked", False)
    contact = Contact(**values)
    # The number is taken inside this transaction: when validation fails below, the
    # rollback returns it to the series (no gap, as NAV).
    if not contact.no:
        contact.no = MarketingSetup.load().next_no(
            "contact_nos", taken=lambda no: Contact.objects.filter(no=no).exists()
        )
    contact.full_clean()
    contact.save()
    if blocked:
        set_privacy_blocked(contact, True, user=user)
    return contact


@transaction.atomic
def update_contact(contact, *, user, seen_version=None, **values):
    """Change a contact's fields after checking the company/person rules.

    "Privacy blocked" changes only when given in `values`, through
    set_privacy_blocked (audited); else the stored flag stays, whatever the caller's
    copy of the contact says (it may be older than a block). With `seen_version`
    (web.versions, the edit form's) a contact changed since is refused."""
    locked = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if locked is None:
        refuse_deleted(contact)
    _refuse_erased(contact, locked.erased_at)
    check_version(locked, seen_version)
    stored_blocked = locked.privacy_blocked
    blocked = values.pop("privacy_blocked", None)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.privacy_blocked = stored_blocked
    contact.full_clean()
    contact.save()
    if blocked is not None and bool(blocked) != contact.privacy_blocked:
        set_privacy_blocked(contact, blocked, user=user)
    return contact


def erased_refusal(contact):
    """The message refusing a change of an anonymised contact."""
    return _("Contact %(no)s has been anonymised and cannot be changed.") % {
        "no": contact.no
    }


def _refuse_erased(contact, erased_at):
    """An anonymised contact (privacy.services.erase_contact; `erased_at` as
    stored) stays as it was left: a placeholder that keeps the statistics, blocked
    for good. The contact import rejects its rows with erased_refusal too."""
    if erased_at is not None:
        raise ValidationError(erased_refusal(contact), code="erased")


# Privacy blocked (Business Central's "Privacy Blocked"): the contact keeps its
# history, but nothing new is recorded for it. Every write path in the apps above
# calls refuse_privacy_blocked; bulk paths leave blocked contacts out in SQL.

# How many blocked contacts a refusal names one by one.
REFUSED_SHOWN = 5

# The write paths a refusal names (details["action"] of its audit record: the
# service refused), as the audit trail shows them; crm.apps registers them.
REFUSED_ACTIONS = {
    "create_interaction": gettext_lazy("Create interaction"),
    "log_document": gettext_lazy("Log a document"),
    "send_email": gettext_lazy("Send e-mail"),
    "log_letter": gettext_lazy("Print letter"),
    "add_line": gettext_lazy("Add a segment line"),
    "create_task": gettext_lazy("Create task"),
    "update_task": gettext_lazy("Edit task"),
    "complete_task": gettext_lazy("Complete task"),
    "create_tasks_for_segment": gettext_lazy("Create tasks for a segment"),
}


class PrivacyBlockedError(ValidationError):
    """The refusal of refuse_privacy_blocked: a ValidationError (code
    "privacy_blocked") that also carries the numbers of the blocked contacts and the
    action refused, for the audit record of a refusal (record_privacy_refusal)."""

    def __init__(self, message, *, contacts, action="", user=None):
        super().__init__(message, code="privacy_blocked")
        self.contacts = contacts
        self.action = action
        self.user = user


@transaction.atomic
def set_privacy_blocked(contact, blocked, *, user):
    """Mark `contact` "Privacy blocked" (or lift the mark); audited BLOCKED or
    UNBLOCKED. Returns whether it changed; setting the value it has is no change."""
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    blocked = bool(blocked)
    if locked.privacy_blocked == blocked:
        contact.privacy_blocked = blocked
        return False
    _refuse_erased(locked, locked.erased_at)
    contact.privacy_blocked = blocked
    # One UPDATE of the flag: the rest of the row is the caller's to save.
    Contact.objects.filter(pk=contact.pk).update(
        privacy_blocked=blocked, updated_at=timezone.now()
    )
    record_audit(
        action=AuditAction.BLOCKED if blocked else AuditAction.UNBLOCKED,
        user=user,
        object_type=AuditObjectType.CONTACT,
        object_id=locked.no,
        object_repr=locked.name,
    )
    return True


def _blocked_rows(contacts):
    """(no, name) of the blocked ones of `contacts` (a contact, contacts, their keys
    or a queryset), the first REFUSED_SHOWN + 1, and how many there are."""
    if isinstance(contacts, Contact):
        contacts = [contacts]
    if not isinstance(contacts, models.QuerySet):
        keys = [getattr(contact, "pk", contact) for contact in contacts]
        contacts = Contact.objects.filter(pk__in=[key for key in keys if key])
    # Read again, not taken from the objects: the flag may be set since they were.
    blocked = Contact.objects.filter(
        pk__in=contacts.order_by().values("pk"), privacy_blocked=True
    )
    rows = list(blocked.order_by("no").values_list("no", "name")[: REFUSED_SHOWN + 1])
    if len(rows) <= REFUSED_SHOWN:
        return rows, len(rows)
    return rows[:REFUSED_SHOWN], blocked.count()


def refuse_privacy_blocked(contacts, *, user=None, action=""):
    """Raise PrivacyBlockedError naming the contacts of `contacts` (a contact,
    contacts, their keys or a queryset) marked "Privacy blocked"; nothing when
    none is. `action` (the service refused) and `user` go with the error into the
    audit record of the refusal (record_privacy_refusal). One query."""
    rows, count = _blocked_rows(contacts)
    if not count:
        return
    names = [f"{no} {name}".strip() for no, name in rows]
    if count > len(names):
        names.append(_("and %(count)s more") % {"count": count - len(names)})
    message = ngettext(
        "Contact %(contacts)s is privacy blocked: no new interactions, segment "
        "lines, tasks or deliveries can be made for it.",
        "%(count)s contacts are privacy blocked: %(contacts)s. No new interactions, "
        "segment lines, tasks or deliveries can be made for them.",
        count,
    ) % {"count": count, "contacts": ", ".join(names)}
    raise PrivacyBlockedError(
        message, contacts=[no for no, _name in rows], action=action, user=user
    )


def privacy_refusals(error):
    """The refusals of privacy blocked contacts among a ValidationError's messages."""
    if hasattr(error, "error_dict"):
        errors = [item for items in error.error_dict.values() for item in items]
    else:
        errors = error.error_list
    return [item for item in errors if item.code == "privacy_blocked"]


@transaction.atomic
def record_privacy_refusal(error, *, user, action=""):
    """Write the audit record REFUSED of each privacy refusal in `error` (a
    ValidationError the caller caught); call it after the refused transaction rolled
    back, so the record is kept. Returns how many were written."""
    refusals = privacy_refusals(error)
    for refusal in refusals:
        contacts = getattr(refusal, "contacts", [])
        record_audit(
            action=AuditAction.REFUSED,
            user=user,
            object_type=AuditObjectType.CONTACT,
            count=len(contacts) or 1,
            object_id=contacts[0] if len(contacts) == 1 else "",
            object_repr=_("Privacy blocked"),
            details={
                "contact": contacts,
                "action": getattr(refusal, "action", "") or action,
                "message": " ".join(refusal.messages),
            },
        )
    return len(refusals)


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
    delete_unless_used(contact)


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
def save_salesperson(salesperson, *, user, seen_version=None):
    """Create or change a salesperson, as its form or the admin filled it in; a
    change from a form opened before another (`seen_version`) is refused."""
    if salesperson.pk is not None:
        lock_unchanged(salesperson, seen_version)
    return save_checked(salesperson)


@transaction.atomic
def delete_salesperson(salesperson, *, user):
    """Delete a salesperson no contact, entry, segment or setup refers to."""
    delete_unless_used(salesperson)


@transaction.atomic
def save_number_series(series, *, user, seen_version=None):
    """Create or change a number series. Its next number may be set back by hand,
    as in NAV; the unique contact and segment numbers catch a number handed out
    twice. A change from a form opened before another (`seen_version`), a number
    taken from the series meanwhile too, is refused: saving it would set the next
    number back unasked."""
    if series.pk is not None:
        lock_unchanged(series, seen_version)
    return save_checked(series)


@transaction.atomic
def delete_number_series(series, *, user):
    """Delete a number series the marketing setup does not use."""
    delete_unless_used(series)


@transaction.atomic
def save_marketing_setup(setup, *, user, seen_version=None):
    """Save the one marketing setup row: always under pk 1, whatever an id sequence
    would hand out (a check constraint holds it to that). A form opened before
    another change (`seen_version`) is refused."""
    setup.pk = 1
    stored = MarketingSetup.objects.select_for_update().filter(pk=1).first()
    if stored is not None:
        check_version(stored, seen_version)
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
