"""The record of one long operation run by the worker: who started it, how far it
got, how it ended and where its result is."""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs import registry
from web.db import choices_constraint


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELED)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs `user` may see: their own, or everyone's with view_all_jobs."""
        if user.has_perm("jobs.view_all_jobs"):
            return self
        return self.filter(created_by=user)

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def waiting_for_a_worker(self, now, after):
        """When the oldest job queued for longer than `after` was queued, if no
        job is running: the sign that no worker takes jobs. None otherwise."""
        oldest = (
            self.filter(status=JobStatus.QUEUED, created_at__lt=now - after)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if oldest is None or self.filter(status=JobStatus.RUNNING).exists():
            return None
        return oldest

    def unnotified(self, user):
        """`user`'s finished jobs that no page has told them about yet."""
        return self.filter(
            created_by=user, notified_at__isnull=True, finished_at__isnull=False
        )


def job_file_upload_to(job, filename):
    """`jobs/<yyyy>/<mm>/<uuid4 hex><.ext>`: the name the user sees is `file_name`."""
    today = timezone.localdate()
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"jobs/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


class Job(models.Model):
    """One long operation (a segment delivery, an import, an export…), run by the
    worker as jobs.tasks.run_job and shown on the "Achtergrondtaken" page.

    Written by jobs.services only; state changes are conditional UPDATEs on
    `status`, so a worker and a page (or two workers) never both win.
    """

    Status = JobStatus

    kind = models.CharField(_("kind"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        # None for a job the clock started (the daily retention run).
        null=True,
        blank=True,
        related_name="jobs",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    # None while the operation does not know yet how much there is to do.
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # {"url": ..., "label": ...}: the logged segment, the report, the file.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # A file the job made (an export, a report of invalid rows), downloaded through
    # jobs:download by whoever may see the job, until `expires_at`.
    file = models.FileField(
        _("file"), upload_to=job_file_upload_to, max_length=255, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Last sign of life of the worker running it (claim, each progress report): a
    # running job whose heartbeat stops is swept as failed (fail_stale_jobs).
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When a page told the owner it finished (the toast), so it is told once.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        # Jobs are started through the services, never added or edited by hand.
        default_permissions = ("view",)
        permissions = [("view_all_jobs", _("Can see everyone's background jobs"))]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_owner_idx"),
            models.Index(fields=["-created_at", "-id"], name="job_created_idx"),
            # The sweep of files past their time.
            models.Index(
                fields=["expires_at"],
                condition=Q(expires_at__isnull=False),
                name="job_expires_idx",
            ),
            # The sweep of running jobs whose worker died.
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(status="running"),
                name="job_running_heartbeat_idx",
            ),
            # The jobs page's check for a worker: the oldest queued job.
            models.Index(
                fields=["created_at"],
                condition=Q(status="queued"),
                name="job_queued_idx",
            ),
            # The toast's query on every page: tiny, only finished and untold jobs.
            models.Index(
                fields=["created_by"],
                condition=Q(notified_at__isnull=True, finished_at__isnull=False),
                name="job_unnotified_idx",
            ),
        ]
        constraints = [
            choices_constraint("status", JobStatus, "job_status_valid"),
        ]

    def __str__(self):
        return f"{self.kind_label} #{self.pk}"

    def get_absolute_url(self):
        return reverse("jobs:list")

    @property
    def kind_label(self):
        return registry.label(self.kind)

    @property
    def is_unfinished(self):
        return self.status in UNFINISHED

    @property
    def percent(self):
        """Progress in whole percent, or None while the total is unknown."""
        if not self.progress_total:
            return 100 if self.status == JobStatus.DONE else None
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def has_file(self):
        """Whether the job's file is there to download (kept and not expired)."""
        return bool(self.file) and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def result_url(self):
        return (self.result or {}).get("url", "")

    @property
    def result_label(self):
        return (self.result or {}).get("label", "")


class ScheduledRun(models.Model):
    """When `manage.py clock --once` last enqueued a task of JOBS_SCHEDULE: a timer
    that starts it every few minutes enqueues an hourly or daily task only when its
    interval has passed."""

    task = models.CharField(_("task"), max_length=200, unique=True)
    enqueued_at = models.DateTimeField(_("enqueued at"))

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return self.task
