"""Delivering a logged segment's content ("Inhoud verzenden"): an e-mail per e-mail
entry, one PDF of letters for the hard-copy entries.

Only entries still "in progress" are sent, and each only after its DeliveryClaim is
committed: the claim is unique per entry, so a second run (another worker, a message
delivered twice) cannot take it, and a worker killed after claiming leaves a claim
that recovery.recover_deliveries turns into "unknown whether sent". Nothing is ever
sent a second time except by the explicit resend_failed.
"""

import contextlib
import smtplib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditObjectType
from audit.services import record_audit
from crm.models import Contact, CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
)
from jobs import services as jobs
from jobs.models import UNFINISHED, Job
from segments.models import DeliveryClaim, LoggedSegment
from segments.services.content import Content, domain_of
from segments.services.printing import letters_pdf

KIND = "segments.deliver"
# Letters are claimed and merged this many at a time (one PDF for all of them).
LETTER_CHUNK = 500


def unknown_message():
    return _(
        "Unknown whether sent: the worker stopped while sending it. Check before "
        "sending it again."
    )


def _in_progress(logged_segment):
    return InteractionLogEntry.objects.filter(
        logged_segment=logged_segment, delivery_status=DeliveryStatus.IN_PROGRESS
    )


def _claims(**conditions):
    return DeliveryClaim.objects.filter(entry_id=OuterRef("pk"), **conditions)


def _unclaimed(logged_segment):
    return _in_progress(logged_segment).filter(~Exists(_claims()))


def privacy_blocked_message():
    return _("Not sent: the contact is privacy blocked.")


def _refuse_privacy_blocked(logged_segment):
    """The unclaimed entries in progress whose contact is privacy blocked (since the
    logging) are not sent: "error" with the reason, one UPDATE; how many."""
    blocked = Contact.objects.privacy_blocked().values("pk")
    return (
        _unclaimed(logged_segment)
        .filter(contact__in=blocked)
        .update(
            delivery_status=DeliveryStatus.ERROR,
            delivery_error=privacy_blocked_message(),
        )
    )


def start_delivery(logged_segment, *, user):
    """Start a job delivering `logged_segment`'s entries in progress once the
    caller's transaction commits; None when there is nothing to send or nobody to
    own the job (a command then calls deliver_logged_segment itself). The job keeps
    the active language: the worker names its result in the user's words."""
    if user is None or not user.is_authenticated:
        return None
    total = _unclaimed(logged_segment).count()
    if not total:
        return None
    language = translation.get_language()
    params = {"logged_segment_id": logged_segment.pk, "language": language}
    job = jobs.start_job(KIND, user=user, total=total, params=params)
    LoggedSegment.objects.filter(pk=logged_segment.pk).update(delivery_job=job)
    logged_segment.delivery_job = job
    return job


def deliver_job(job, *, logged_segment_id, language=None):
    """What the worker runs for a job of KIND."""
    logged_segment = LoggedSegment.objects.get(pk=logged_segment_id)
    # The starter's language: the errors they read, the dates of the template's text.
    with translation.override(language):
        deliver_logged_segment(logged_segment, user=job.created_by, job=job)
        label = _("Logged segment %(no)s") % {"no": logged_segment.segment_no}
    return {"url": logged_segment.get_absolute_url(), "label": label}


def _claim(entry_ids, *, token, job):
    """Claim the entries of `entry_ids` for this run and return those it got, with
    what sending them reads. The claims are committed before anything is sent."""
    with transaction.atomic():
        DeliveryClaim.objects.bulk_create(
            [DeliveryClaim(entry_id=pk, token=token, job=job) for pk in entry_ids],
            ignore_conflicts=True,
        )
    return list(
        _claimed_by(token, entry_ids)
        .filter(delivery_status=DeliveryStatus.IN_PROGRESS)
        .select_related("contact", "contact__company", "salesperson", "template")
        .order_by("pk")
    )


def _claimed_by(token, entry_ids):
    """The entries of `entry_ids` this run's claims hold. A correlated EXISTS on the
    claim's key: a join on the token would read all the run's claims each batch."""
    return InteractionLogEntry.objects.filter(
        Exists(_claims(token=token)), pk__in=entry_ids
    )


def _record(sent, errors, *, token):
    """Note what a batch did, on the entries this run claimed (never on a claim a
    resend has handed to a later run)."""
    with transaction.atomic():
        if sent:
            _claimed_by(token, sent).update(
                delivery_status=DeliveryStatus.SENT, delivery_error=""
            )
        for pk, message in errors.items():
            _claimed_by(token, [pk]).update(
                delivery_status=DeliveryStatus.ERROR, delivery_error=message
            )


def message_id(entry, domain=None):
    """The same Message-ID whenever the entry is sent: a resend is recognisable."""
    domain = domain or domain_of(settings.DEFAULT_FROM_EMAIL) or "localhost"
    return f"<entry-{entry.pk}@{domain}>"


def _email(entry, content):
    if not entry.contact.email:
        raise ValidationError(_("The contact has no e-mail address."))
    version = content.version(entry)
    salesperson = entry.salesperson
    message = EmailMessage(
        subject=content.subject(entry, version),
        body=content.body(entry, version),
        from_email=content.sender(salesperson),
        to=[entry.contact.email],
        reply_to=[salesperson.email] if getattr(salesperson, "email", "") else None,
        headers={"Message-ID": message_id(entry, content.domain)},
    )
    attachment = content.attachment(entry, version, title=message.subject)
    if attachment is not None:
        message.attach(*attachment)
    return message


def _smtp_error(error):
    """The receiving server's words for a refused message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or error.__class__.__name__


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _send_batch(entries, content):
    """Send one message per entry over one SMTP connection; ({sent}, {pk: error})."""
    sent, errors, messages = [], {}, []
    for entry in entries:
        try:
            messages.append((entry, _email(entry, content)))
        except (ValidationError, OSError) as error:
            errors[entry.pk] = " ".join(getattr(error, "messages", [str(error)]))
    if not messages:
        return sent, errors
    connection = get_connection()
    try:
        connection.open()
        for entry, message in messages:
            try:
                connection.send_messages([message])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as e:
                # The server refused this message; the connection goes on.
                errors[entry.pk] = _smtp_error(e)
            except (smtplib.SMTPException, OSError) as error:
                # The connection broke: this one failed, the next ones get a new one.
                errors[entry.pk] = _smtp_error(error)
                connection.close()
            else:
                sent.append(entry.pk)
    except (smtplib.SMTPException, OSError) as error:
        # No connection at all: every message not yet sent failed with the reason.
        for entry, _message in messages:
            if entry.pk not in sent:
                errors.setdefault(entry.pk, _smtp_error(error))
    finally:
        connection.close()
    return sent, errors


def _stopped(logged_segment, job):
    if job is not None and jobs.should_stop(job):
        return True
    return LoggedSegment.objects.filter(pk=logged_segment.pk, canceled=True).exists()


def _deliver_letters(logged_segment, content, *, token, job):
    """Claim every hard-copy entry in progress, put all the logged segment's letters
    in one PDF (those sent before too, so the file stays whole) and mark them sent
    once it is stored. Returns how many entries it settled."""
    pending = list(
        _unclaimed(logged_segment)
        .filter(correspondence_type=CorrespondenceType.HARD_COPY)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    claimed = []
    for start in range(0, len(pending), LETTER_CHUNK):
        claimed.extend(
            _claim(pending[start : start + LETTER_CHUNK], token=token, job=job)
        )
    if not claimed:
        return 0
    earlier = (
        InteractionLogEntry.objects.filter(
            logged_segment=logged_segment,
            correspondence_type=CorrespondenceType.HARD_COPY,
            delivery_status=DeliveryStatus.SENT,
        )
        .select_related("contact", "contact__company", "salesperson", "template")
        .order_by("pk")
    )
    letters, errors, included = [], {}, []
    for entry in sorted([*earlier, *claimed], key=lambda e: e.pk):
        try:
            letters.append((entry.contact, content.body(entry, content.version(entry))))
        except ValidationError as error:
            errors[entry.pk] = " ".join(error.messages)
        else:
            included.append(entry.pk)
    old = logged_segment.letters.name
    logged_segment.letters.save(
        f"{logged_segment.segment_no}.pdf", ContentFile(letters_pdf(letters)), False
    )
    LoggedSegment.objects.filter(pk=logged_segment.pk).update(
        letters=logged_segment.letters.name
    )
    if old:
        logged_segment.letters.storage.delete(old)
    included = set(included)
    _record(
        [entry.pk for entry in claimed if entry.pk in included], errors, token=token
    )
    return len(claimed)


def deliver_logged_segment(logged_segment, *, user=None, job=None):
    """Send the content of `logged_segment`'s entries still in progress: the
    letters as one PDF, then the e-mails in batches of settings.DELIVERY_BATCH_SIZE
    over one SMTP connection each, progress after each batch. Stops between batches
    when the job is canceled or the logged segment is. Returns (sent, errors)."""
    token = uuid.uuid4().hex
    content = Content(
        InteractionTemplate.objects.filter(
            pk__in=_in_progress(logged_segment).values("template")
        )
    )
    total = _unclaimed(logged_segment).count()
    done = 0
    if job is not None:
        jobs.report_progress(job, done=0, total=total)
    if _stopped(logged_segment, job):
        return _summary(logged_segment)
    done += _refuse_privacy_blocked(logged_segment)
    done += _deliver_letters(logged_segment, content, token=token, job=job)
    if job is not None:
        jobs.report_progress(job, done=min(done, total))
    emails = _unclaimed(logged_segment).filter(
        correspondence_type=CorrespondenceType.EMAIL
    )
    batch_size = settings.DELIVERY_BATCH_SIZE
    while not _stopped(logged_segment, job):
        # A contact blocked while the run goes on is not sent to either.
        done += _refuse_privacy_blocked(logged_segment)
        # Every entry of a batch ends up claimed (by this run or another), so the
        # next query starts after it.
        ids = list(emails.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        claimed = _claim(ids, token=token, job=job)
        sent, errors = _send_batch(claimed, content)
        _record(sent, errors, token=token)
        done += len(ids)
        if job is not None:
            jobs.report_progress(job, done=min(done, total))
    return _summary(logged_segment)


def _summary(logged_segment):
    entries = InteractionLogEntry.objects.filter(logged_segment=logged_segment)
    return (
        entries.filter(delivery_status=DeliveryStatus.SENT).count(),
        entries.filter(delivery_status=DeliveryStatus.ERROR).count(),
    )


@transaction.atomic
def resend_failed(logged_segment, *, user):
    """ "Mislukte opnieuw verzenden": put the entries whose delivery failed (or whose
    fate is unknown) back in progress and start a delivery job. Returns the job."""
    locked = LoggedSegment.objects.select_for_update().get(pk=logged_segment.pk)
    if locked.canceled:
        raise ValidationError(
            _("Logged segment %(no)s is canceled; nothing is sent.")
            % {"no": locked.segment_no},
            code="canceled",
        )
    failed = InteractionLogEntry.objects.filter(
        logged_segment=locked, delivery_status=DeliveryStatus.ERROR
    )
    # A new claim per entry: the old one names the run that failed.
    DeliveryClaim.objects.filter(entry_id__in=failed.values("pk")).delete()
    count = failed.update(delivery_status=DeliveryStatus.IN_PROGRESS, delivery_error="")
    job = start_delivery(locked, user=user)
    if job is None:
        raise ValidationError(
            _("Logged segment %(no)s has nothing to send again.")
            % {"no": locked.segment_no},
            code="nothing",
        )
    record_audit(
        action=AuditAction.SENT_AGAIN,
        user=user,
        object_type=AuditObjectType.LOGGED_SEGMENT,
        count=count,
        object_id=locked.pk,
        object_repr=locked.segment_no,
    )
    logged_segment.delivery_job = job
    return job


def stop_delivery(logged_segment, *, user):
    """A canceled logged segment sends nothing more: its unclaimed entries in
    progress become "error" (not sent, so "Opnieuw verzenden" can send them once it
    is un-canceled) and its running job is asked to stop. Claimed ones are being
    sent right now; the worker notes how that ended."""
    count = _unclaimed(logged_segment).update(
        delivery_status=DeliveryStatus.ERROR,
        delivery_error=_("Not sent: the logged segment was canceled."),
    )
    job = Job.objects.filter(
        pk=logged_segment.delivery_job_id, status__in=UNFINISHED
    ).first()
    if job is not None:
        # It may have finished meanwhile: then there is nothing to stop.
        with contextlib.suppress(ValidationError):
            jobs.cancel_job(job, user=user)
    return count
