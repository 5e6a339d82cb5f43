"""A segment's criteria: the actions that built it (NAV's Segment Criteria Line), what
each added and removed (Segment History), and criteria saved to run again (Saved
Segment Criteria). segments.services.criteria writes them."""

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from crm.models import correspondence_type_field
from interactions.models import (
    attachment_field,
    information_flow_field,
    initiated_by_field,
    minutes_field,
    money_field,
)
from web.db import UniqueMessagesModel


class CriteriaActionKind(models.TextChoices):
    ADD = "add", _("Add contacts")
    REDUCE = "reduce", _("Remove contacts - Reduce")
    REFINE = "refine", _("Remove contacts - Refine")


class SegmentCriteriaAction(models.Model):
    """One Add / Reduce / Refine done on a segment, with its criteria and options."""

    segment = models.ForeignKey(
        "segments.Segment",
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="criteria_actions",
        db_index=False,  # the unique (segment, sequence) constraint starts with it
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=10, choices=CriteriaActionKind)
    options = models.JSONField(_("options"), default=dict, blank=True)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    lines_before = models.PositiveIntegerField(_("lines before"), default=0)
    lines_after = models.PositiveIntegerField(_("lines after"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["segment", "sequence"]
        verbose_name = _("segment criteria action")
        verbose_name_plural = _("segment criteria actions")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "sequence"], name="segmentcriteria_unique_seq"
            )
        ]

    def __str__(self):
        return f"{self.sequence}. {self.get_action_display()}"

    @property
    def changed(self):
        return abs(self.lines_after - self.lines_before)


class SegmentHistory(models.Model):
    """A contact a criteria action added, or a line it removed with every value it
    had (its key included), so that going back restores it exactly."""

    # One index, the primary key (action, line): every read finds an action's rows
    # by it, and an action writes a row per line it changes, so each index more (a
    # serial key and its own) costs about as much as the row (bench/criteria.py).
    # A line's key occurs once per action: a removed line is an old one, an added
    # line a new one.
    pk = models.CompositePrimaryKey("action", "line_id")
    # No foreign key constraints in the database: checking four keys per row would
    # cost more than writing it. The keys come from rows that exist (the action, the
    # lines), and Django cascades and protects as usual.
    action = models.ForeignKey(
        SegmentCriteriaAction,
        verbose_name=_("criteria action"),
        on_delete=models.CASCADE,
        related_name="history",
        db_index=False,  # the primary key starts with it
        db_constraint=False,
    )
    added = models.BooleanField(_("added"))
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The line's key; a line removed also has its values below, a line added only
    # its key and contact (going back deletes it by key).
    line_id = models.BigIntegerField(_("line"))
    template = models.ForeignKey(
        "interactions.InteractionTemplate",
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    cost = money_field(_("cost"), _("The cost cannot be negative."))
    duration = minutes_field(
        _("duration (min.)"), _("The duration cannot be negative.")
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type = correspondence_type_field()
    salesperson = models.ForeignKey(
        "crm.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Counts as a reference (remove_unreferenced_attachments): a removed line's own
    # file stays while going back may restore it.
    attachment = attachment_field()

    class Meta:
        verbose_name = _("segment history")
        verbose_name_plural = _("segment history")
        default_permissions = ()

    def __str__(self):
        return f"{self.action_id} {'+' if self.added else '-'}{self.contact_id}"


class SavedSegmentCriteriaQuerySet(models.QuerySet):
    def with_action_count(self):
        return self.annotate(_action_count=Count("actions"))


class SavedSegmentCriteria(UniqueMessagesModel):
    """A segment's criteria actions kept to run again (Opgeslagen segmentcriteria)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SavedSegmentCriteriaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("saved segment criteria")
        verbose_name_plural = _("saved segment criteria")

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    @property
    def action_count(self):
        """The number of actions: the annotation of with_action_count(), else a
        query."""
        if not hasattr(self, "_action_count"):
            self._action_count = self.actions.count()
        return self._action_count


class SavedSegmentCriteriaAction(models.Model):
    saved = models.ForeignKey(
        SavedSegmentCriteria,
        verbose_name=_("saved segment criteria"),
        on_delete=models.CASCADE,
        related_name="actions",
        db_index=False,  # the unique (saved, sequence) constraint starts with it
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=10, choices=CriteriaActionKind)
    options = models.JSONField(_("options"), default=dict, blank=True)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)

    class Meta:
        ordering = ["saved", "sequence"]
        verbose_name = _("saved segment criteria action")
        verbose_name_plural = _("saved segment criteria actions")
        constraints = [
            models.UniqueConstraint(
                fields=["saved", "sequence"], name="savedcriteria_unique_seq"
            )
        ]

    def __str__(self):
        return f"{self.saved.code} {self.sequence}. {self.get_action_display()}"
