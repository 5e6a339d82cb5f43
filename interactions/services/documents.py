"""Automatic recording of documents (NAV's LogDocument, reference §2.8) and the
Interaction template setup that says which template each document type takes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from crm.models import Contact
from interactions.models import (
    DocumentType,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from interactions.services.entries import _audit_entry, _save

# The same document logged again for a contact within this window is not doubled.
DOCUMENT_WINDOW = datetime.timedelta(minutes=10)


def document_template(document_type):
    """The template Interaction template setup names for `document_type`, or None."""
    return InteractionTemplate.objects.filter(
        setups__document_type=document_type
    ).first()


@transaction.atomic
def log_document(
    *,
    document_type,
    document_no,
    contact,
    salesperson=None,
    description="",
    user=None,
    date=None,
    template=None,
    subject="",
    correspondence_type="",
    language_code="",
    attachment=None,
):
    """Record that a document went to (or came from) `contact`; return the entry.

    The template is `template` or the one set up for the document type; with neither,
    nothing is logged and None is returned. The salesperson is optional (NAV's rule)
    and defaults to the contact's; the description defaults to the template's. The
    same document type and number logged for the contact within DOCUMENT_WINDOW
    returns the entry already written. `language_code` and `attachment` record the
    template's language version the document was written in.
    """
    if not document_type or document_type not in DocumentType.values:
        raise ValidationError(
            {
                "document_type": ValidationError(
                    _("Unknown document type: %(value)s.") % {"value": document_type},
                    code="invalid",
                )
            }
        )
    # NAV logs nothing for a document type without a template set up: no error, the
    # document itself was still sent.
    template = template or document_template(document_type)
    if template is None:
        return None
    if document_no:
        # Locking the contact serialises two sessions logging the same document.
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        earlier = (
            InteractionLogEntry.objects.filter(
                contact=contact,
                document_type=document_type,
                document_no=document_no,
                postponed=False,
                created_at__gte=timezone.now() - DOCUMENT_WINDOW,
            )
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            return earlier
    # NAV's rule for documents: the contact's salesperson, not the user's own, and
    # none at all rather than a blocked one.
    if salesperson is None and contact.salesperson_id:
        contact_salesperson = contact.salesperson
        if not contact_salesperson.blocked:
            salesperson = contact_salesperson
    values = {
        "document_type": document_type,
        "document_no": document_no,
        "salesperson": salesperson,
        "subject": subject,
        # Given blank, these are the template's (entry_values_from_template), as for
        # an entry made by hand: the same rules, in _fill.
        "description": description,
        "correspondence_type": correspondence_type,
        "language_code": language_code,
    }
    if attachment:
        values["attachment"] = attachment
    if date:
        values["date"] = date
    entry = _save(
        InteractionLogEntry(),
        contact=contact,
        template=template,
        user=user,
        values=values,
        postponed=False,
    )
    _audit_entry(
        AuditAction.CREATED,
        entry,
        user=user,
        document_type=document_type,
        document_no=document_no,
    )
    return entry


@transaction.atomic
def update_template_setup(templates, *, user):
    """Set the template of each document type in `templates` ({type: template|None}).

    Rows missing (a document type added after the data migration) are created.
    Returns the number of document types whose template changed.
    """
    unknown = set(templates) - set(DocumentType.values[1:])
    if unknown:
        raise ValidationError(
            _("Unknown document type: %(value)s.") % {"value": ", ".join(unknown)}
        )
    for template in templates.values():
        if template is not None and template.blocked:
            raise ValidationError(
                _("Interaction template %(code)s is blocked.") % {"code": template.code}
            )
    # Insert the missing rows first (ignore_conflicts: another session may insert
    # them too), so that every row to change can then be locked and read.
    InteractionTemplateSetup.objects.bulk_create(
        [InteractionTemplateSetup(document_type=value) for value in templates],
        ignore_conflicts=True,
    )
    rows = InteractionTemplateSetup.objects.select_for_update().filter(
        document_type__in=templates
    )
    changed = []
    for row in rows:
        template = templates[row.document_type]
        new_id = template.pk if template is not None else None
        if row.template_id != new_id:
            row.template_id = new_id
            changed.append(row)
    # Only the changed rows are written, so the count says what the user changed.
    InteractionTemplateSetup.objects.bulk_update(changed, ["template"])
    return len(changed)
