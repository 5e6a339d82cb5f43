import operator
import uuid
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Contact,
    CorrespondenceType,
    Language,
    correspondence_type_field,
)
from interactions.models import (
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
    attachment_field,
    information_flow_field,
    initiated_by_field,
    minutes_field,
    money_field,
)
from web.db import choices_constraint
from web.search import among, matches


def _choice_constraints(prefix):
    return [
        choices_constraint(
            "information_flow", InformationFlow, f"{prefix}_information_flow_valid"
        ),
        choices_constraint("initiated_by", InitiatedBy, f"{prefix}_initiated_by_valid"),
        choices_constraint(
            "correspondence_type",
            CorrespondenceType,
            f"{prefix}_correspondence_type_valid",
        ),
    ]


def _segment_lines():
    """The lines of the segment of the outer query, grouped by segment."""
    return (
        SegmentLine.objects.filter(segment=OuterRef("pk")).order_by().values("segment")
    )


class SegmentQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("salesperson", "template", "created_by")

    def with_line_count(self):
        """Annotate the number of lines (`line_count`).

        A subquery, not a join: a page of segments counts only its own lines.
        """
        return self.annotate(
            line_count=Coalesce(
                Subquery(_segment_lines().annotate(n=Count("pk")).values("n")), 0
            )
        )

    def with_statistics(self):
        """Annotate number of lines and the planned cost and duration of the lines.

        Subqueries, not a join: a page of segments sums only its own lines.
        """
        lines = _segment_lines()
        return self.with_line_count().annotate(
            planned_cost=Coalesce(
                Subquery(lines.annotate(total=Sum("cost")).values("total")),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            planned_duration=Coalesce(
                Subquery(lines.annotate(total=Sum("duration")).values("total")), 0
            ),
        )


class Segment(models.Model):
    """A list of contacts to log one interaction with each (NAV's Segment Header)."""

    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    CorrespondenceType = CorrespondenceType

    # Handed out by the segment series (create_segment); the key of the pages' URLs.
    no = models.CharField(_("no."), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    salesperson = models.ForeignKey(
        "crm.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    template = models.ForeignKey(
        "interactions.InteractionTemplate",
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
    )
    unit_cost = money_field(_("unit cost"), _("The unit cost cannot be negative."))
    unit_duration = minutes_field(
        _("unit duration (min.)"), _("The unit duration cannot be negative.")
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type = correspondence_type_field()
    ignore_contact_correspondence_type = models.BooleanField(
        _("ignore contact correspondence type"),
        default=False,
        help_text=_(
            "Use the segment's correspondence type even when a contact has its own."
        ),
    )
    # The defaults for a contact whose own language has no version of the template.
    language_code = models.CharField(
        _("language code (default)"), max_length=10, blank=True, choices=Language
    )
    subject = models.CharField(_("subject (default)"), max_length=100, blank=True)
    attachment = attachment_field()
    # A dynamic segment: log_segment replays its criteria actions first.
    reapply_criteria = models.BooleanField(_("reapply criteria at log"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["-no"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        indexes = [models.Index(fields=["-date", "-no"], name="segment_date_idx")]
        constraints = [
            *_choice_constraints("segment"),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="segment_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_duration__gte=0),
                name="segment_unit_duration_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.no} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("segments:segment_detail", args=[self.no])

    def get_attachment_url(self):
        return reverse("segments:segment_attachment", args=[self.no])


class BlockReason(models.TextChoices):
    """Why a line stops its segment from being logged, in the order it is named."""

    PRIVACY_BLOCKED = "privacy_blocked", _("Contact privacy blocked")
    NO_TEMPLATE = "no_template", _("No interaction template")
    NO_SALESPERSON = "no_salesperson", _("No salesperson")
    BLOCKED_TEMPLATE = "blocked_template", _("Interaction template blocked")
    BLOCKED_SALESPERSON = "blocked_salesperson", _("Salesperson blocked")


# The one rule for a line that cannot be logged, as a condition and, in the same
# order as BlockReason, as the reason: log_segment's check, the segment card's banner
# and the lines' "blocking" filter all read it through SegmentLineQuerySet.
BLOCKING_REASONS = (
    # A contact blocked after its line was added: logging would write it an entry.
    (BlockReason.PRIVACY_BLOCKED, Q(contact__privacy_blocked=True)),
    (BlockReason.NO_TEMPLATE, Q(template__isnull=True)),
    (BlockReason.NO_SALESPERSON, Q(salesperson__isnull=True)),
    (BlockReason.BLOCKED_TEMPLATE, Q(template__blocked=True)),
    (BlockReason.BLOCKED_SALESPERSON, Q(salesperson__blocked=True)),
)
BLOCKING = reduce(operator.or_, (condition for _reason, condition in BLOCKING_REASONS))


class SegmentLineQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "contact", "contact__company", "template", "salesperson"
        )

    def search(self, text):
        """The admin's search (web.search): the line's description, or its
        segment's number, or its contact's number or name; segments and contacts
        are searched first, on their own indexes, and their keys go to the line's."""
        return self.filter(
            matches(["description"], text)
            | among("segment", Segment.objects.filter(matches(["no"], text)))
            | among("contact", Contact.objects.filter(matches(["no", "name"], text)))
        )

    def blocking(self):
        """The lines that stop their segment from being logged (BlockReason)."""
        return self.filter(BLOCKING)

    def with_block_reason(self):
        """Annotate `block_reason`: the first BlockReason of the line, or ""."""
        return self.annotate(
            block_reason=Case(
                *(
                    When(condition, then=Value(reason.value))
                    for reason, condition in BLOCKING_REASONS
                ),
                default=Value(""),
                output_field=models.CharField(),
            )
        )


class SegmentLine(models.Model):
    """One contact of a segment with the interaction values it will be logged with."""

    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    CorrespondenceType = CorrespondenceType

    # No index of its own: the unique (segment, contact) constraint starts with it.
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    # PROTECT: a contact who is in a segment is not deleted behind the segment's back.
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="segment_lines",
    )
    template = models.ForeignKey(
        "interactions.InteractionTemplate",
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segment_lines",
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
        related_name="segment_lines",
    )
    attachment = attachment_field()

    objects = SegmentLineQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("segment line")
        verbose_name_plural = _("segment lines")
        # Header changes update the lines that still use the header template.
        indexes = [
            models.Index(fields=["segment", "template"], name="segmentline_tmpl_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "contact"], name="segmentline_unique_contact"
            ),
            *_choice_constraints("segmentline"),
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="segmentline_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="segmentline_duration_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.segment.no} {self.contact}"

    def get_attachment_url(self):
        return reverse("segments:line_attachment", args=[self.segment.no, self.pk])


class LoggedSegmentQuerySet(models.QuerySet):
    def with_interaction_count(self):
        """Annotate `interaction_count`: entries whose canceled flag matches (NAV)."""
        entries = (
            InteractionLogEntry.objects.filter(
                logged_segment=OuterRef("pk"), canceled=OuterRef("canceled")
            )
            .order_by()
            .values("logged_segment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(interaction_count=Coalesce(Subquery(entries), 0))


def letters_upload_to(logged_segment, filename):
    """`letters/<yyyy>/<mm>/<uuid4 hex>.pdf`: not guessable, downloaded through
    the permission-checked "Afdrukken" view only."""
    today = timezone.localdate()
    return f"letters/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.pdf"


class LoggedSegment(models.Model):
    """The record that a segment was logged; its interaction log entries point at it."""

    # Unique: a segment is logged once; log_segment turns a race into a message.
    segment_no = models.CharField(_("segment no."), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set only with its entries' flags (set_logged_segment_canceled), never alone.
    canceled = models.BooleanField(_("canceled"), default=False)
    # The letters of its hard-copy entries, one PDF to print ("Afdrukken").
    letters = models.FileField(
        _("letters"), upload_to=letters_upload_to, max_length=255, blank=True
    )
    # The newest job delivering its entries; its progress shows on the page.
    delivery_job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("delivery job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LoggedSegmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("logged segment")
        verbose_name_plural = _("logged segments")

    def __str__(self):
        return f"{self.segment_no} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("segments:loggedsegment_detail", args=[self.pk])


class DeliveryClaim(models.Model):
    """The one right to send an entry's content, taken before it is sent.

    Inserted (unique per entry) and committed before the message leaves, so two
    workers never both send it; it stays after sending. An entry still in progress
    whose claim is older than settings.DELIVERY_CLAIM_TIMEOUT was claimed by a worker
    that died: whether it was sent is unknown, and it is never sent again by itself
    (segments.services.recovery.recover_deliveries).
    """

    # The entry's number, not a foreign key: deleting canceled entries stays one
    # DELETE (a cascade would make Django read them first). Entry numbers are never
    # reused, so a claim left by a deleted entry names nothing.
    entry_id = models.BigIntegerField(_("entry no."), primary_key=True)
    # Which run claimed it: the run reads back the claims that are its own.
    token = models.CharField(_("token"), max_length=32, db_index=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery claim")
        verbose_name_plural = _("delivery claims")
        default_permissions = ()
        indexes = [models.Index(fields=["claimed_at"], name="deliveryclaim_time_idx")]

    def __str__(self):
        return f"{self.entry_id} {self.token}"


# The criteria models live in their own module; `from segments.models import X` holds.
from segments.models.criteria import (  # noqa: E402
    CriteriaActionKind,
    SavedSegmentCriteria,
    SavedSegmentCriteriaAction,
    SegmentCriteriaAction,
    SegmentHistory,
)

__all__ = [
    "BLOCKING",
    "BLOCKING_REASONS",
    "BlockReason",
    "CriteriaActionKind",
    "DeliveryClaim",
    "LoggedSegment",
    "SavedSegmentCriteria",
    "SavedSegmentCriteriaAction",
    "Segment",
    "SegmentCriteriaAction",
    "SegmentHistory",
    "SegmentLine",
    "letters_upload_to",
]
