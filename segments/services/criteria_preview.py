"""What a criteria action would do, counted before it is done: the number of lines
it adds or removes, and for an Add the contacts of its criteria it leaves out."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from crm.models import Contact
from segments.models import CriteriaActionKind
from segments.services.criteria import (
    OPTIONS,
    _add_candidates,
    _check_options,
    _keys,
    _lines_of,
    add_set,
    remove_set,
)


def left_out_of_add(criteria, *, segment=None, **options):
    """How many contacts the criteria of an Add name that it leaves out, and why:
    {"privacy_blocked": n, "excluded": n, "represented": n, "existing": n}:
    excluded from segments (unless the option ignores that), companies whose
    persons are added (unless the option allows both), and, given the `segment`,
    contacts already in it (unless the option renews their lines)."""
    options = _check_options(CriteriaActionKind.ADD, options)
    candidates = _add_candidates(criteria, options)
    counts = candidates.aggregate(
        blocked=Count("pk", filter=Q(privacy_blocked=True)),
        excluded=Count(
            "pk", filter=Q(exclude_from_segment=True, privacy_blocked=False)
        ),
    )
    left_out = {
        "privacy_blocked": counts["blocked"],
        "excluded": 0 if options["ignore_exclusion"] else counts["excluded"],
        "represented": 0,
        "existing": 0,
    }
    if not options["allow_company_with_persons"]:
        # As add_set decides it: a company with one of its persons added.
        kept = candidates.not_privacy_blocked()
        if not options["ignore_exclusion"]:
            kept = kept.filter(exclude_from_segment=False)
        left_out["represented"] = (
            kept.filter(type=Contact.Type.COMPANY)
            .filter(Exists(kept.filter(company=OuterRef("pk"))))
            .count()
        )
    if segment is not None and not options["allow_existing"]:
        left_out["existing"] = (
            add_set(criteria, options)
            .filter(pk__in=segment.lines.order_by().values("contact_id"))
            .count()
        )
    return left_out


def preview_action(segment, action, criteria, **options):
    """How many lines `action` with `criteria` and `options` would add (Add) or
    remove (Reduce, Refine) now, without writing: one COUNT."""
    if action not in OPTIONS:
        raise ValidationError(
            _("Unknown criteria action: %(action)s.") % {"action": action},
            code="unknown",
        )
    options = _check_options(action, options)
    if action == CriteriaActionKind.ADD:
        contacts = add_set(criteria, options)
        if not options["allow_existing"]:
            contacts = contacts.exclude(
                pk__in=segment.lines.order_by().values("contact_id")
            )
        return contacts.count()
    contacts = remove_set(criteria, options)
    if action == CriteriaActionKind.REDUCE:
        return _lines_of(segment, contacts).count()
    return segment.lines.exclude(contact__in=_keys(contacts)).count()
