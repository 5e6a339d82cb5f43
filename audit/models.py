"""The audit trail: who did what to entries, logged segments and lists, and when."""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from web.db import choices_constraint
from web.exports import FORMATS
from web.filters import filter_label, filter_value


# The values are stored and exported in the codes CSV: scripts read them, so a
# value never changes once released; only labels are translated.
class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    POSTPONED = "postponed", _("Postponed")
    RESUMED = "resumed", _("Resumed")
    CANCELED = "canceled", _("Canceled")
    UNCANCELED = "uncanceled", _("Canceled mark removed")
    EVALUATED = "evaluated", _("Evaluated")
    DELETED = "deleted", _("Deleted")
    SEGMENT_LOGGED = "segment_logged", _("Segment logged")
    TAKEN_OVER = "taken_over", _("Taken over")
    EXPORTED = "exported", _("Exported")
    SENT_AGAIN = "sent_again", _("Sent again")
    CONTACTS_ADDED = "contacts_added", _("Contacts added")
    CONTACTS_REDUCED = "contacts_reduced", _("Contacts removed - Reduce")
    CONTACTS_REFINED = "contacts_refined", _("Contacts removed - Refine")
    WENT_BACK = "went_back", _("Criteria action undone")
    CRITERIA_REUSED = "criteria_reused", _("Criteria reused")
    CHANGED = "changed", _("Changed")
    COMPLETED = "completed", _("Completed")
    REASSIGNED = "reassigned", _("Reassigned")
    BLOCKED = "blocked", _("Privacy blocked")
    UNBLOCKED = "unblocked", _("Privacy block lifted")
    REFUSED = "refused", _("Refused")
    ERASED = "erased", _("Erased")
    DOWNLOADED = "downloaded", _("Downloaded")
    RETENTION_APPLIED = "retention_applied", _("Retention applied")


class AuditObjectType(models.TextChoices):
    ENTRY = "interaction_log_entry", _("Interaction log entry")
    POSTPONED = "postponed_interaction", _("Postponed interaction")
    LOGGED_SEGMENT = "logged_segment", _("Logged segment")
    LIST = "list", _("List")
    SEGMENT = "segment", _("Segment")
    SAVED_CRITERIA = "saved_segment_criteria", _("Saved segment criteria")
    TASK = "task", _("Task")
    CONTACT = "contact", _("Contact")
    RETENTION = "retention", _("Retention")


# How the keys of AuditRecord.details are shown.
AUDIT_DETAIL_LABELS = {
    "contact": _("Contact"),
    "entries": _("Entries"),
    "filters": _("Filters"),
    "evaluation": _("Evaluation"),
    "document_type": _("Document type"),
    "document_no": _("Document no."),
    "follow_up": _("Follow-up segment"),
    "previous_owner": _("Previous owner"),
    "format": _("Format"),
    "criteria": _("Criteria"),
    "options": _("Options"),
    "reapplied": _("Criteria reapplied"),
    "action": _("Action"),
    "message": _("Message"),
    "privacy_blocked": _("Privacy blocked left out"),
    "previous_date": _("Previous date"),
    "segment": _("Segment"),
}


def shown_date(value):
    """A date stored as ISO text, as the active language writes it."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# How the values of a key are shown ({key: value -> text}), where codes, an ISO date
# or a dict of settings are stored: the apps that record them say how in their
# AppConfig.ready (show_detail_values), as the audit trail sits below them.
DETAIL_VALUES = {
    "previous_date": shown_date,
    # An export's format as its menu names it ("CSV (codes, UTF-8)").
    "format": lambda code: FORMATS[code].label if code in FORMATS else code,
}


def label_details(labels):
    """Show the details' keys of `labels` ({key: label}) under those labels: how an
    app that records them names its own keys (in its AppConfig.ready)."""
    AUDIT_DETAIL_LABELS.update(labels)


def show_detail_values(key, show):
    """Show the stored values of detail `key` as `show(value)` says. It runs for
    every record on a page: no query, unless the value cannot say it alone (a
    retention run's counts name its policies by number)."""
    DETAIL_VALUES[key] = show


def name_detail_values(key, choices):
    """Show the stored codes of detail `key` by the labels of `choices` (a
    TextChoices class); a code it does not know stays as stored."""

    def label(value):
        return choices(value).label if value in choices.values else value

    show_detail_values(key, label)


# Keys not listed are shown as they are stored: an older record keeps its details
# readable after a key is renamed.
def detail_lines(details):
    """An audit record's details as (label, text) pairs, in the order their labels
    were declared (PostgreSQL's jsonb keeps no order of its own), others after them
    as stored: what the audit trail shows and its export writes."""
    order = {key: number for number, key in enumerate(AUDIT_DETAIL_LABELS)}
    lines = []
    for key, value in sorted(
        (details or {}).items(), key=lambda item: order.get(item[0], len(order))
    ):
        if key in DETAIL_VALUES:
            text = str(DETAIL_VALUES[key](value))
        # Filters are stored as {name: value}, named by their label ("Verkoper =
        # LP"); an empty one means "no filter".
        elif isinstance(value, dict):
            text = ", ".join(
                f"{filter_label(name)} = {filter_value(name, item)}"
                for name, item in value.items()
            )
            text = text or _("none")
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        lines.append((AUDIT_DETAIL_LABELS.get(key, key), text))
    return lines


def details_text(details):
    """An audit record's details on one line."""
    return "; ".join(f"{label}: {text}" for label, text in detail_lines(details))


class AuditRecord(models.Model):
    """Who did what to interactions and logged segments, and when: one row per action.

    Written by audit.services.record_audit inside the action's transaction. No foreign
    key to the objects, so the records outlive them; the user is a snapshot too.
    """

    Action = AuditAction
    ObjectType = AuditObjectType

    # Set when written, not when committed: the moment the user acted.
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    # SET_NULL: deleting a user keeps their records, named by `username`.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time; blank for commands and imports."),
    )
    object_type = models.CharField(_("object"), max_length=30, choices=ObjectType)
    # A number as text, not a key: entries, segments and lists are numbered apart.
    object_id = models.CharField(
        _("no."),
        max_length=20,
        blank=True,
        help_text=_("Entry or segment no. of an action on one object."),
    )
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("For an action on many: the filters used or the entries chosen."),
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        # Records are written by the services only: nobody adds, edits or deletes one.
        default_permissions = ("view",)
        # One index per filter of the page, each ending in the page's order (newest
        # first), so a filtered page reads only its 25 rows from the index.
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
            models.Index(fields=["username", "-at"], name="audit_username_idx"),
            models.Index(fields=["object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["object_type", "-at"], name="audit_object_type_idx"),
        ]
        constraints = [
            choices_constraint("action", AuditAction, "audit_action_valid"),
            choices_constraint("object_type", AuditObjectType, "audit_object_valid"),
        ]

    def __str__(self):
        when = timezone.localtime(self.at)
        return f"{when:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def detail_lines(self):
        """The details as (label, text) pairs, in the order they were recorded."""
        return detail_lines(self.details)
