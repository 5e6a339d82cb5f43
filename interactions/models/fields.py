"""The option types and field builders the interaction models share (segments' lines
declare their values with the same ones), and where attachments are stored."""

import os
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The option types live at module level so Meta.constraints can name them; the models
# alias them (`InteractionLogEntry.Evaluation.POSITIVE`), as Contact does with its type.


class InformationFlow(models.TextChoices):
    BLANK = "", "—"
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    BLANK = "", "—"
    US = "us", _("Us")
    THEM = "them", _("Them")


class Evaluation(models.TextChoices):
    BLANK = "", "—"
    VERY_POSITIVE = "very_positive", _("Very positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very negative")


class DocumentType(models.TextChoices):
    BLANK = "", "—"
    SALES_QUOTE = "sales_quote", _("Sales quote")
    SALES_BLANKET_ORDER = "sales_blanket_order", _("Sales blanket order")
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", _("Sales order confirmation")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    SALES_SHIPMENT = "sales_shipment", _("Sales shipment")
    SALES_CREDIT_MEMO = "sales_credit_memo", _("Sales credit memo")
    SALES_STATEMENT = "sales_statement", _("Sales statement")
    SALES_REMINDER = "sales_reminder", _("Sales reminder")
    PURCHASE_QUOTE = "purchase_quote", _("Purchase quote")
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", _("Purchase blanket order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo", _("Purchase credit memo")
    COVER_SHEET = "cover_sheet", _("Cover sheet / letter")
    EMAIL = "email", _("E-mail")
    OUTGOING_CALL = "outgoing_call", _("Outgoing call")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")


class DeliveryStatus(models.TextChoices):
    """How far sending an entry's content got (NAV's Delivery): blank when there was
    nothing to send."""

    BLANK = "", "—"
    IN_PROGRESS = "in_progress", _("In progress")
    SENT = "sent", _("Sent")
    ERROR = "error", _("Error")


ATTACHMENT_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def attachment_upload_to(instance, filename):
    """`attachments/<yyyy>/<mm>/<uuid4 hex><.ext>` for any model's attachment.

    Uploaded names are never used on disk: they may clash, leak personal data or carry
    path tricks; only the lowercased extension survives.
    """
    today = timezone.localdate()
    extension = os.path.splitext(filename)[1].lower()
    # An extension that is no short ASCII word (".pdf", ".docx") is dropped: a long or
    # non-ASCII one made the path too long for the column and the upload a 500.
    if not ATTACHMENT_EXTENSION.fullmatch(extension):
        extension = ""
    return f"attachments/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


def attachment_name(field_file, title):
    """The name an attachment is sent and downloaded under: `title` (the e-mail's
    subject, the entry's description) made a safe file name, with the stored file's
    extension ("Kerstactie 2026.pdf"); the stored name says nothing to a reader."""
    extension = os.path.splitext(field_file.name)[1]
    stem = " ".join(re.sub(r"[^\w\- ]", " ", title).split())[:80]
    return f"{stem or _('attachment')}{extension}"


def validate_attachment_size(file):
    """Attachments are at most ATTACHMENT_MAX_SIZE bytes (DJANGO_ATTACHMENT_MAX_MB)."""
    if getattr(file, "_committed", False):
        return  # a stored file (copied from a template): checked when uploaded
    limit = settings.ATTACHMENT_MAX_SIZE
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; an attachment may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def attachment_field():
    """The optional attachment every model with one declares alike."""
    return models.FileField(
        _("attachment"),
        upload_to=attachment_upload_to,
        max_length=255,
        blank=True,
        validators=[validate_attachment_size],
    )


def money_field(verbose_name, negative_message):
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), message=negative_message)],
    )


def minutes_field(verbose_name, negative_message):
    # Our own MinValueValidator replaces the range check Django would add for
    # PositiveIntegerField, so forms and services show the same message.
    field = models.PositiveIntegerField(
        verbose_name,
        default=0,
        help_text=_("Whole minutes."),
        validators=[MinValueValidator(0, message=negative_message)],
    )
    # What a form's message offers as an example (web.amounts.number_formfield).
    field.form_example = 30
    return field


def information_flow_field():
    return models.CharField(
        _("information flow"),
        max_length=10,
        blank=True,
        choices=InformationFlow,
        default=InformationFlow.BLANK,
    )


def initiated_by_field():
    return models.CharField(
        _("initiated by"),
        max_length=10,
        blank=True,
        choices=InitiatedBy,
        default=InitiatedBy.BLANK,
    )
