"""E-mails and letters sent from the app; each is logged through log_document.

The letter itself (placeholders, checks, rendering) is in interactions.letters.
"""

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from crm.models import Salesperson
from crm.services import refuse_privacy_blocked
from interactions.letters import merge_text, render_letter
from interactions.models import DocumentType, attachment_name
from interactions.services import (
    choose_version,
    document_template,
    log_document,
    own_version,
)

# Longer subjects are cut for the entry's description and subject columns.
SUBJECT_LENGTH = 100


def users_salesperson(user):
    """The user's own salesperson, who signs the letter and takes the replies."""
    if user is None or not user.is_authenticated:
        return None
    return Salesperson.objects.active().filter(user=user).first()


def contact_version(template, contact):
    """The version of `template` a single contact is written in: its language's,
    else the template's own text. One contact has no segment, so no default
    language comes between them."""
    return choose_version(template, language_code=contact.language_code)


def _version_values(version):
    """What the entry records of the version used: its language, and its own
    attachment (else the template's, as the entry takes it today)."""
    values = {"language_code": version.language_code}
    if version.language_code and version.attachment:
        values["attachment"] = version.attachment
    return values


# Letters


def letter_version(template, contact):
    """The version a letter is printed in: the contact's language's when it has a
    text, else the template's own letter text."""
    version = contact_version(template, contact)
    return version if version.body else own_version(template)


def _render_version(template, version, *, contact, salesperson, date=None):
    if not version.language_code:
        # The template's own letter text, refused when it has none.
        return render_letter(
            template, contact=contact, salesperson=salesperson, date=date
        )
    return merge_text(version.body, contact=contact, salesperson=salesperson, date=date)


def render_contact_letter(template, *, contact, salesperson, date=None):
    """The letter of `template` for `contact` in its language, as plain text."""
    version = letter_version(template, contact)
    return _render_version(
        template, version, contact=contact, salesperson=salesperson, date=date
    )


def log_letter(template, *, contact, user):
    """Record the printed letter: a "cover sheet / letter" entry with its template
    and the language it was printed in."""
    refuse_privacy_blocked(contact, user=user, action="log_letter")
    version = letter_version(template, contact)
    _render_version(template, version, contact=contact, salesperson=None)
    return log_document(
        document_type=DocumentType.COVER_SHEET,
        document_no="",
        contact=contact,
        template=template,
        salesperson=users_salesperson(user),
        correspondence_type="hard_copy",
        user=user,
        **_version_values(version),
    )


# E-mail


def send_email(*, contact, subject, body, user, template=None, attach=True):
    """Send an e-mail to `contact` and log it once the backend accepted it.

    The template is `template` or the one set up for e-mails; it is refused before
    anything is sent when there is neither, or when the contact has no address. A
    backend failure is a ValidationError and nothing is logged. Nothing is sent to
    a contact marked "Privacy blocked".
    """
    refuse_privacy_blocked(contact, user=user, action="send_email")
    if not contact.email:
        raise ValidationError(
            _("Contact %(contact)s has no e-mail address.") % {"contact": contact},
            code="no_email",
        )
    if "\r" in subject or "\n" in subject:
        # A line break would end the Subject header: Django refuses it with an
        # exception of its own (BadHeaderError), which no caller expected.
        raise ValidationError(
            {
                "subject": ValidationError(
                    _("The subject must be one line, without line breaks."),
                    code="line_break",
                )
            }
        )
    template = template or document_template(DocumentType.EMAIL)
    if template is None:
        raise ValidationError(
            {
                "template": ValidationError(
                    _(
                        "Choose an interaction template, or set one up for e-mails "
                        "in Interaction template setup."
                    ),
                    code="required",
                )
            }
        )
    salesperson = users_salesperson(user)
    version = contact_version(template, contact)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        reply_to=[salesperson.email] if salesperson and salesperson.email else None,
    )
    # The attachment of the contact's language version, else the template's.
    attachment = version.attachment or template.attachment
    if attach and attachment:
        with attachment.open("rb") as file:
            message.attach(attachment_name(attachment, subject), file.read())
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise ValidationError(
            _("The e-mail could not be sent: %(error)s") % {"error": error},
            code="not_sent",
        ) from error
    return log_document(
        document_type=DocumentType.EMAIL,
        document_no="",
        contact=contact,
        template=template,
        salesperson=salesperson,
        description=subject[:SUBJECT_LENGTH],
        subject=subject[:SUBJECT_LENGTH],
        correspondence_type="email",
        user=user,
        **_version_values(version),
    )


def email_defaults(template, *, contact, user):
    """The subject and message the "Send e-mail" page starts from: the contact's
    version of `template` merged for the contact ("" where it has none)."""
    version = contact_version(template, contact)
    salesperson = users_salesperson(user)
    try:
        return {
            name: merge_text(text, contact=contact, salesperson=salesperson)
            for name, text in (("subject", version.subject), ("body", version.body))
        }
    except ValidationError:
        # A text stored past the checks (an import, the database): the user writes.
        return {}
