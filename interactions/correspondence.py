"""E-mails and letters sent from the app; each is logged through log_document.

Letters are rendered by a sandbox of our own, not by a template engine: a letter text
may only hold the placeholders below, which see plain strings and nothing else.
"""

import re
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crm.models import Salesperson
from interactions.models import DocumentType
from interactions.services import document_template, log_document

# The placeholders a letter text may use, each read from plain values.
CONTACT_PLACEHOLDERS = (
    "no",
    "name",
    "company",
    "address",
    "post_code",
    "city",
    "country",
    "email",
    "phone",
)
SALESPERSON_PLACEHOLDERS = ("name", "email", "phone", "job_title")
PLACEHOLDERS = (
    *(f"contact.{name}" for name in CONTACT_PLACEHOLDERS),
    *(f"salesperson.{name}" for name in SALESPERSON_PLACEHOLDERS),
    "date",
)
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TAG = re.compile(r"\{%|%\}|\{#|#\}")
SUBJECT_LENGTH = 100


def users_salesperson(user):
    if user is None or not user.is_authenticated:
        return None
    return Salesperson.objects.filter(user=user, blocked=False).first()


# Letters


def letter_errors(text):
    """The messages for everything in `text` a letter may not hold; [] when fine."""
    errors = []
    if TAG.search(text):
        # Formatted (with nothing) so that "%%" comes out as "%", as in the others.
        errors.append(
            _("Template tags such as {%% … %%} are not allowed in a letter text.") % {}
        )
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            errors.append(
                _("Unknown placeholder {{ %(name)s }}. You can use: %(names)s.")
                % {
                    "name": name,
                    "names": ", ".join(f"{{{{ {known} }}}}" for known in PLACEHOLDERS),
                }
            )
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        errors.append(_("A placeholder is not closed: write {{ contact.name }}."))
    return errors


def check_letter_text(text):
    errors = letter_errors(text)
    if errors:
        raise ValidationError(errors, code="invalid_letter")


def letter_values(*, contact, salesperson, date):
    company = contact.company.name if contact.company_id else ""
    values = {
        "contact.company": company,
        **{
            f"contact.{name}": str(getattr(contact, name))
            for name in CONTACT_PLACEHOLDERS
            if name != "company"
        },
        **{
            f"salesperson.{name}": str(getattr(salesperson, name, "") or "")
            for name in SALESPERSON_PLACEHOLDERS
        },
        "date": formats.date_format(date, "DATE_FORMAT"),
    }
    return values


def render_letter(template, *, contact, salesperson, date=None):
    """The letter text of `template` for `contact`, as plain text (escape to show)."""
    if not template.letter_text:
        raise ValidationError(
            _("Interaction template %(code)s has no letter text.")
            % {"code": template.code},
            code="no_letter",
        )
    check_letter_text(template.letter_text)
    values = letter_values(
        contact=contact, salesperson=salesperson, date=date or timezone.localdate()
    )
    return PLACEHOLDER.sub(
        lambda match: values[match.group(1).strip()], template.letter_text
    )


def log_letter(template, *, contact, user):
    """Record the printed letter: a "cover sheet / letter" entry with its template."""
    render_letter(template, contact=contact, salesperson=None)
    return log_document(
        document_type=DocumentType.COVER_SHEET,
        document_no="",
        contact=contact,
        template=template,
        salesperson=users_salesperson(user),
        correspondence_type="hard_copy",
        user=user,
    )


# E-mail


def send_email(*, contact, subject, body, user, template=None, attach=True):
    """Send an e-mail to `contact` and log it once the backend accepted it.

    The template is `template` or the one set up for e-mails; it is refused before
    anything is sent when there is neither, or when the contact has no address. A
    backend failure is a ValidationError and nothing is logged.
    """
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
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        reply_to=[salesperson.email] if salesperson and salesperson.email else None,
    )
    if attach and template.attachment:
        with template.attachment.open("rb") as file:
            message.attach(
                template.attachment.name.rsplit("/", 1)[-1],
                file.read(),
            )
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
    )
