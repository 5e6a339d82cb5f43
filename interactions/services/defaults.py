"""What an entry takes when the user does not say: the values of its template (and
contact), and the salesperson it is logged for. Pure reads, no writes."""

from crm.correspondence import correspondence_type
from crm.models import MarketingSetup, Salesperson

# The values of entry_values_from_template() a user types: given blank (None or "")
# to create/postpone/resume they are the template's, since a form field left empty
# was not typed while a typed 0 is a value like any other. The group is never typed,
# and an attachment left out keeps the file the entry has (_fill).
TEMPLATE_VALUES = (
    "description",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
)


def entry_values_from_template(template, *, contact, description=""):
    """Every value an interaction log entry takes from `template` for `contact`.

    The one list of them, for every writer of entries: manual entries (create,
    postpone, resume and the form's refill, through template_defaults), automatic
    recording (log_document) and, read from here, segment logging. `description`
    stays when given, else it is the template's; the attachment is the template's
    stored file name (the same file, never a copy). Pure: no writes.
    """
    return {
        # A snapshot of the template's group: regrouping templates keeps history.
        "group": template.group,
        "description": description or template.description,
        "cost": template.unit_cost,
        "duration": template.unit_duration,
        "information_flow": template.information_flow,
        "initiated_by": template.initiated_by,
        "correspondence_type": correspondence_type(
            contact.correspondence_type if contact is not None else "",
            fallback=template.correspondence_type,
            ignore_contact=template.ignore_contact_correspondence_type,
        ),
        "attachment": template.attachment.name,
    }


def template_defaults(template, *, contact, values=None):
    """`values` plus what choosing `template` fills in; `description` only when blank.

    Pure (no writes): what entry_values_from_template says, without the file. The
    services, the form's "Apply template" and the form's live refill all call it.
    """
    result = dict(values or {})
    taken = entry_values_from_template(
        template, contact=contact, description=result.get("description")
    )
    # The file is left to _fill: a user's upload, or a draft's own file, stays.
    del taken["attachment"]
    result.update(taken)
    return result


def default_salesperson(*, user, contact):
    """The user's own salesperson, else the contact's, else Marketing setup's default.

    Blocked salespeople are skipped; None when there is none.
    """
    if user is not None and user.is_authenticated:
        own = Salesperson.objects.active().filter(user=user).first()
        if own is not None:
            return own
    if (
        contact is not None
        and contact.salesperson_id
        and not contact.salesperson.blocked
    ):
        return contact.salesperson
    # Not MarketingSetup.load(): that may insert the row, and this must stay a read.
    setup = (
        MarketingSetup.objects.select_related("default_salesperson")
        .filter(pk=1)
        .first()
    )
    if (
        setup is not None
        and setup.default_salesperson is not None
        and not setup.default_salesperson.blocked
    ):
        return setup.default_salesperson
    return None
