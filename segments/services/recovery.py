"""What a killed delivery worker leaves behind: claims that were never confirmed become
"unknown whether sent" (never sent again by themselves), and a new job sends the
logged segment's unclaimed entries."""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interactions.models import DeliveryStatus, InteractionLogEntry
from jobs import services as jobs
from jobs.models import Job
from segments.models import DeliveryClaim, LoggedSegment
from segments.services.delivery import KIND, _claims, start_delivery, unknown_message


def recover_deliveries(now=None):
    """Settle what a killed worker left: entries claimed longer ago than settings.
    DELIVERY_CLAIM_TIMEOUT and still in progress become "unknown whether sent"
    (never sent again by themselves); a delivery job still "running" with no claim
    that recent is failed, and a new job sends its logged segment's unclaimed
    entries. Returns (entries marked unknown, jobs restarted)."""
    now = now or timezone.now()
    cutoff = now - settings.DELIVERY_CLAIM_TIMEOUT
    unknown = _mark_unknown(_claims(claimed_at__lt=cutoff))
    restarted = 0
    for job in Job.objects.filter(
        kind=KIND, status=Job.Status.RUNNING, started_at__lt=cutoff
    ):
        if DeliveryClaim.objects.filter(job=job, claimed_at__gte=cutoff).exists():
            continue
        jobs.fail_job(job, message=_("The worker stopped while the job ran."))
        restarted += _restart(job)
    return unknown, restarted


def delivery_went_stale(job, **params):
    """The jobs sweep's hook (on_stale) for a delivery whose worker died: what it
    had claimed becomes "unknown whether sent", and a new job sends the rest."""
    with translation.override(job.params.get("language")):
        _mark_unknown(_claims(job=job))
        _restart(job)


def _mark_unknown(claims):
    return InteractionLogEntry.objects.filter(
        Exists(claims), delivery_status=DeliveryStatus.IN_PROGRESS
    ).update(delivery_status=DeliveryStatus.ERROR, delivery_error=unknown_message())


@transaction.atomic
def _restart(job):
    """Start a new delivery of the failed `job`'s logged segment, unless it was
    canceled or has a newer delivery already; 1 when one was started, else 0."""
    logged_segment = (
        LoggedSegment.objects.select_for_update()
        .filter(pk=job.params.get("logged_segment_id"), canceled=False)
        .first()
    )
    started = (
        logged_segment is not None
        and logged_segment.delivery_job_id == job.pk
        and start_delivery(logged_segment, user=job.created_by) is not None
    )
    return int(started)
