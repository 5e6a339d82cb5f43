"""The interaction log entry: one interaction with a contact, logged or postponed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Contact,
    CorrespondenceType,
    Language,
    correspondence_type_field,
)
from interactions.models.fields import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    attachment_field,
    information_flow_field,
    initiated_by_field,
    minutes_field,
    money_field,
)
from interactions.models.queries import InteractionLogEntryQuerySet
from interactions.models.setup import InteractionGroup, InteractionTemplate
from web.db import choices_constraint


class InteractionLogEntry(models.Model):
    InformationFlow = InformationFlow
    InitiatedBy = InitiatedBy
    Evaluation = Evaluation
    DocumentType = DocumentType
    CorrespondenceType = CorrespondenceType

    entry_no = models.BigAutoField(_("entry no."), primary_key=True)
    # db_index=False where a composite index in Meta starts with the column already:
    # a second single-column index would only slow down bulk logging of segments.
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="interaction_log_entries",
        db_index=False,
    )
    contact_company = models.ForeignKey(
        Contact,
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_interaction_log_entries",
        db_index=False,
        help_text=_(
            "The contact's company, or the contact itself when it is a company."
        ),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    time = models.TimeField(_("time"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    cost = money_field(_("cost"), _("The cost cannot be negative."))
    duration = minutes_field(
        _("duration (min.)"), _("The duration cannot be negative.")
    )
    salesperson = models.ForeignKey(
        "crm.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_log_entries",
        db_index=False,
    )
    evaluation = models.CharField(
        _("evaluation"),
        max_length=20,
        blank=True,
        choices=Evaluation,
        default=Evaluation.BLANK,
    )
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)
    correspondence_type = correspondence_type_field()
    document_type = models.CharField(
        _("document type"),
        max_length=30,
        blank=True,
        choices=DocumentType,
        default=DocumentType.BLANK,
    )
    document_no = models.CharField(_("document no."), max_length=20, blank=True)
    segment_no = models.CharField(_("segment no."), max_length=20, blank=True)
    logged_segment = models.ForeignKey(
        "segments.LoggedSegment",
        verbose_name=_("logged segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        db_index=False,
    )
    attachment = attachment_field()
    # The template version the contact was written in (InteractionTemplateLanguage).
    language_code = models.CharField(
        _("language"), max_length=10, blank=True, choices=Language
    )
    delivery_status = models.CharField(
        _("delivery"),
        max_length=20,
        blank=True,
        choices=DeliveryStatus,
        default=DeliveryStatus.BLANK,
    )
    delivery_error = models.TextField(_("delivery error"), blank=True)
    postponed = models.BooleanField(_("postponed"), default=False)
    canceled = models.BooleanField(_("canceled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    canceled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("canceled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)

    objects = InteractionLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-entry_no"]
        verbose_name = _("interaction log entry")
        verbose_name_plural = _("interaction log entries")
        permissions = [
            (
                "delete_canceled_entries",
                _("Can delete canceled interaction log entries"),
            ),
            (
                "delete_others_postponed",
                _("Can delete postponed interactions of other users"),
            ),
        ]
        # NAV's keys (reference §1.4) end in canceled/postponed because every statistic
        # filters on them; the first index serves the default list order.
        indexes = [
            models.Index(
                fields=["postponed", "-date", "-entry_no"], name="ile_list_idx"
            ),
            # A contact's timeline (TIMELINE_ORDER, postponed entries among the others),
            # its statistics, and the log entry list filtered by contact or company.
            # They replace (contact_company, postponed, …) and (contact, postponed, …):
            # every index keyed on the contact makes logging a segment slower.
            models.Index(
                fields=["contact_company", "-date", "-time", "-entry_no"],
                name="ile_company_timeline_idx",
            ),
            models.Index(
                fields=["contact", "-date", "-time", "-entry_no"],
                name="ile_contact_timeline_idx",
            ),
            # A contact's postponed interactions: few rows, none written by logging.
            models.Index(
                fields=["contact", "-date", "-entry_no"],
                name="ile_contact_postponed_idx",
                condition=Q(postponed=True),
            ),
            models.Index(
                fields=["group", "canceled", "date", "postponed"], name="ile_group_idx"
            ),
            models.Index(
                fields=["template", "canceled", "date", "postponed"],
                name="ile_template_idx",
            ),
            models.Index(
                fields=["salesperson", "date", "postponed"], name="ile_salesperson_idx"
            ),
            models.Index(
                fields=["canceled", "salesperson", "date", "postponed"],
                name="ile_canceled_sp_idx",
            ),
            models.Index(
                fields=["logged_segment", "postponed"], name="ile_logged_segment_idx"
            ),
            models.Index(
                fields=["document_type", "document_no"], name="ile_document_idx"
            ),
            models.Index(fields=["canceled", "date"], name="ile_canceled_date_idx"),
            # The entries of a logged segment still to be sent: few, and gone once sent.
            models.Index(
                fields=["logged_segment", "entry_no"],
                condition=Q(delivery_status=DeliveryStatus.IN_PROGRESS),
                name="ile_delivery_pending_idx",
            ),
            # Finds the other users of a file before it is removed.
            models.Index(fields=["attachment"], name="ile_attachment_idx"),
        ]
        constraints = [
            choices_constraint(
                "information_flow", InformationFlow, "ile_information_flow_valid"
            ),
            choices_constraint("initiated_by", InitiatedBy, "ile_initiated_by_valid"),
            choices_constraint("evaluation", Evaluation, "ile_evaluation_valid"),
            choices_constraint(
                "correspondence_type",
                CorrespondenceType,
                "ile_correspondence_type_valid",
            ),
            choices_constraint(
                "document_type", DocumentType, "ile_document_type_valid"
            ),
            choices_constraint(
                "delivery_status", DeliveryStatus, "ile_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="ile_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="ile_duration_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.entry_no} {self.description}".strip()

    def get_absolute_url(self):
        return reverse("interactions:entry_detail", args=[self.pk])

    def get_attachment_url(self):
        return reverse("interactions:entry_attachment", args=[self.pk])
