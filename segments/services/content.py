"""What a delivery sends: each entry's language version merged for its contact, the
From address, and the letters PDF written again without an erased contact's letters."""

import contextlib
import mimetypes
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from crm.models import CorrespondenceType
from interactions.letters import PLACEHOLDER, check_letter_text, letter_values
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
    attachment_name,
)
from interactions.services import VersionChooser
from segments.models import LoggedSegment
from segments.services.printing import letters_pdf


class Content:
    """What each entry is sent: its version, merged for its contact, read once per
    template and attachment for the whole run."""

    def __init__(self, templates):
        self.versions = VersionChooser(templates)
        self.files = {}
        self.checked = set()
        self.values = (None, {})
        self.senders = {}
        self.domain = domain_of(settings.DEFAULT_FROM_EMAIL) or "localhost"

    def sender(self, salesperson):
        key = getattr(salesperson, "pk", None)
        if key not in self.senders:
            self.senders[key] = sender(salesperson)
        return self.senders[key]

    def version(self, entry):
        if entry.template is None:
            return None
        # The entry's language is the version chosen when it was logged.
        return self.versions.choose(entry.template, entry.language_code)

    def merge(self, entry, text):
        """interactions.letters.merge_text, each text checked once, the entry's
        values read once (dates as the language of its version writes them):
        thousands of messages share a handful of texts."""
        if text not in self.checked:
            check_letter_text(text)
            self.checked.add(text)
        if "{{" not in text:
            return text
        if self.values[0] != entry.pk:
            with translation.override(
                entry.language_code or translation.get_language()
            ):
                values = letter_values(
                    contact=entry.contact,
                    salesperson=entry.salesperson,
                    date=entry.date,
                )
            self.values = (entry.pk, values)
        values = self.values[1]
        return PLACEHOLDER.sub(lambda match: values[match.group(1).strip()], text)

    def body(self, entry, version):
        return self.merge(entry, version.body if version is not None else "")

    def subject(self, entry, version):
        subject = (
            (version.subject if version is not None else "")
            or entry.subject
            or entry.description
        )
        # A header holds one line.
        return " ".join(self.merge(entry, subject).split())

    def attachment(self, entry, version, *, title):
        """(name, bytes, mimetype) of the version's attachment, else the entry's,
        named `title` (the message's subject)."""
        # A language version's own file; else the line's (personalised or its
        # template's), which the template's own text would give as well.
        field_file = entry.attachment
        if version is not None and version.language_code and version.attachment:
            field_file = version.attachment
        if not field_file:
            return None
        if field_file.name not in self.files:
            with field_file.storage.open(field_file.name, "rb") as handle:
                content = handle.read()
            mimetype = mimetypes.guess_type(field_file.name)[0]
            self.files[field_file.name] = (
                content,
                mimetype or "application/octet-stream",
            )
        return (attachment_name(field_file, title), *self.files[field_file.name])


def domain_of(address):
    return parseaddr(address)[1].rpartition("@")[2].lower()


def sender(salesperson):
    """The From address: the salesperson's when its domain may send (settings.
    DELIVERY_SENDER_DOMAINS or DEFAULT_FROM_EMAIL's), else DEFAULT_FROM_EMAIL, so
    that a receiving server checking the domain (SPF, DMARC) does not refuse it."""
    default = settings.DEFAULT_FROM_EMAIL
    email = getattr(salesperson, "email", "")
    if email:
        allowed = {*settings.DELIVERY_SENDER_DOMAINS, domain_of(default)}
        if domain_of(email) in allowed:
            return formataddr((salesperson.name, email))
    return default


def rewrite_letters(logged_segment, *, leave_out):
    """Write `logged_segment`'s letters PDF again without the letters to the
    contacts `leave_out` (a contact's erasure, privacy app): the others' letters
    are merged as they were sent. No letters left: the file goes. The old file is
    removed once the caller's transaction commits."""
    if not logged_segment.letters:
        return
    sent = (
        InteractionLogEntry.objects.filter(
            logged_segment=logged_segment,
            correspondence_type=CorrespondenceType.HARD_COPY,
            delivery_status=DeliveryStatus.SENT,
        )
        .exclude(contact__in=leave_out)
        .select_related("contact", "contact__company", "salesperson", "template")
        .order_by("pk")
    )
    content = Content(
        InteractionTemplate.objects.filter(pk__in=sent.values("template"))
    )
    letters = []
    for entry in sent:
        with contextlib.suppress(ValidationError):
            letters.append((entry.contact, content.body(entry, content.version(entry))))
    old = logged_segment.letters.name
    storage = logged_segment.letters.storage
    if letters:
        logged_segment.letters.save(
            f"{logged_segment.segment_no}.pdf", ContentFile(letters_pdf(letters)), False
        )
    else:
        logged_segment.letters = ""
    LoggedSegment.objects.filter(pk=logged_segment.pk).update(
        letters=logged_segment.letters.name or ""
    )
    transaction.on_commit(lambda: storage.delete(old))
