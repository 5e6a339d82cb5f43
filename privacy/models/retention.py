"""Retention: how long entries and the other records are kept, and the log of the
runs that apply it (privacy.services.retention)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from web.db import UniqueMessagesModel, choices_constraint

# Longest term anyone may set (100 years in months, days, hours): a longer one is
# a typing error, and a date that far back would not fit the date type.
MAX_MONTHS = 1200
MAX_DAYS = 36500
MAX_YEARS = 100
MAX_HOURS = 8760


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise")


class RetentionPolicy(UniqueMessagesModel):
    """What happens to the logged entries of one interaction group or one template
    once they are older than `months`: deleted, or anonymised (their texts and
    attachment cleared, their counts kept). A template's policy overrides its
    group's for the entries of that template."""

    Action = RetentionAction

    group = models.OneToOneField(
        "interactions.InteractionGroup",
        verbose_name=_("interaction group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_policy",
    )
    template = models.OneToOneField(
        "interactions.InteractionTemplate",
        verbose_name=_("interaction template"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_policy",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    months = models.PositiveIntegerField(
        _("older than (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    unique_messages = dict.fromkeys(
        ["group", "template"],
        _("%(field_label)s %(value)s already has a retention policy."),
    )

    class Meta:
        ordering = ["group__code", "template__code"]
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [
            # Exactly one of the two: a policy is for a group or for a template.
            models.CheckConstraint(
                condition=Q(group__isnull=True, template__isnull=False)
                | Q(group__isnull=False, template__isnull=True),
                name="retentionpolicy_group_or_template",
                violation_error_message=_(
                    "Choose either an interaction group or an interaction template."
                ),
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=MAX_MONTHS),
                name="retentionpolicy_months_range",
            ),
            choices_constraint("action", RetentionAction, "retentionpolicy_action"),
        ]

    def __str__(self):
        return str(self.subject)

    def get_absolute_url(self):
        return reverse("privacy:retention")

    @property
    def subject(self):
        """The group or template the policy is for."""
        return self.template or self.group


class RetentionSettings(models.Model):
    """The single row of the other terms (`RetentionSettings.load()`). A blank term
    keeps those records for ever: nothing is deleted until someone sets one, except
    the files (export files and import previews), which are temporary anyway."""

    canceled_days = models.PositiveIntegerField(
        _("delete canceled entries after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
        help_text=_("Counted from when they were canceled. Blank: keep them."),
    )
    postponed_days = models.PositiveIntegerField(
        _("delete postponed interactions after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
        help_text=_("Counted from when they were created. Blank: keep them."),
    )
    audit_years = models.PositiveIntegerField(
        _("delete audit records after (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)],
        help_text=_("Blank: keep them."),
    )
    file_hours = models.PositiveIntegerField(
        _("delete export files and import previews after (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURS)],
        help_text=_(
            "Files of finished background jobs (exports, reports) and uploads "
            "waiting for an import."
        ),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("retention settings")
        verbose_name_plural = _("retention settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1), name="retentionsettings_singleton"
            ),
            models.CheckConstraint(
                condition=Q(canceled_days__isnull=True)
                | Q(canceled_days__gte=1, canceled_days__lte=MAX_DAYS),
                name="retentionsettings_canceled_days_range",
            ),
            models.CheckConstraint(
                condition=Q(postponed_days__isnull=True)
                | Q(postponed_days__gte=1, postponed_days__lte=MAX_DAYS),
                name="retentionsettings_postponed_days_range",
            ),
            models.CheckConstraint(
                condition=Q(audit_years__isnull=True)
                | Q(audit_years__gte=1, audit_years__lte=MAX_YEARS),
                name="retentionsettings_audit_years_range",
            ),
            models.CheckConstraint(
                condition=Q(file_hours__gte=1, file_hours__lte=MAX_HOURS),
                name="retentionsettings_file_hours_range",
            ),
        ]

    def __str__(self):
        return str(_("Retention settings"))

    def get_absolute_url(self):
        return reverse("privacy:retention")

    @classmethod
    def load(cls):
        """The row, unsaved with the defaults until someone saves the page (a read
        never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class RetentionRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")


class RetentionRun(models.Model):
    """One run of apply_retention (or a logged dry run): when, by whom (blank for
    the daily job), and how many records each rule deleted or anonymised."""

    Status = RetentionRunStatus

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.RUNNING
    )
    # SET_NULL: the log outlives the user; blank for the daily job.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # [{"key", "label", "action", "count"}] in the order the rules ran.
    counts = models.JSONField(_("counts"), default=list, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        # Written by the run only.
        default_permissions = ("view",)
        constraints = [
            choices_constraint("status", RetentionRunStatus, "retentionrun_status"),
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("privacy:retention_runs")
