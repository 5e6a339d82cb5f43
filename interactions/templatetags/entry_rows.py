"""`{% for row in entries|entry_rows %}`: the rows of a list of log entries
(interactions/partials/entry_rows.html), each a dict of what its cells print.

Everything a cell shows is worked out here once for the page: the links from one
reverse() each (web.rows), a date once per day, amounts and durations as the
`amount` and `number` filters write them. A dict, because the template engine
looks a name up as a key before it tries an attribute: a model's attributes cost it
a caught exception each.
"""

from django import template
from django.utils.translation import gettext

from interactions.models import DeliveryStatus, Evaluation
from web.rows import DateTexts, RowLinks, choice_labels
from web.templatetags.numbers import amount, number
from web.templatetags.users import user_name

register = template.Library()


@register.filter
def entry_rows(entries):
    entry_url = RowLinks("interactions:entry_detail")
    contact_url = RowLinks("crm:contact_detail")
    date_text = DateTexts()
    select_label = gettext("Select entry %(no)s")
    evaluations = choice_labels(Evaluation)
    deliveries = choice_labels(DeliveryStatus)
    rows = []
    for entry in entries:
        no = str(entry.pk)
        contact, template, salesperson = (
            entry.contact,
            entry.template,
            entry.salesperson,
        )
        rows.append(
            {
                "no": no,
                "url": entry_url(no),
                "select_label": select_label % {"no": no},
                "canceled": entry.canceled,
                "date": date_text(entry.date),
                # {{ entry.time|time:"H:i" }}
                "time": entry.time.strftime("%H:%M") if entry.time is not None else "",
                "contact_url": contact_url(contact.pk),
                "contact_name": contact.name,
                "contact_no": contact.no,
                "template": template is not None,
                "template_code": template.code if template else "",
                "template_description": template.description if template else "",
                "description": entry.description,
                "attempt_failed": entry.attempt_failed,
                "attachment": bool(entry.attachment),
                "salesperson": salesperson is not None,
                "salesperson_code": salesperson.code if salesperson else "",
                "salesperson_name": salesperson.name if salesperson else "",
                "evaluation": evaluations.get(entry.evaluation, entry.evaluation) or "",
                "cost": amount(entry.cost),
                "duration": number(entry.duration),
                "delivery_status": entry.delivery_status,
                "delivery_label": deliveries.get(
                    entry.delivery_status, entry.delivery_status
                ),
                "delivery_error": entry.delivery_error,
            }
        )
    return rows


@register.filter
def postponed_rows(entries):
    """The rows of the postponed list (interactions/postponed_list.html)."""
    resume_url = RowLinks("interactions:entry_resume")
    contact_url = RowLinks("crm:contact_detail")
    date_text = DateTexts()
    select_label = gettext("Select entry %(no)s")
    rows = []
    for entry in entries:
        no = str(entry.pk)
        contact = entry.contact
        rows.append(
            {
                "no": no,
                "select_label": select_label % {"no": no},
                "date": date_text(entry.date),
                "contact_url": contact_url(contact.pk),
                "contact_name": contact.name,
                "contact_no": contact.no,
                "template_code": entry.template.code if entry.template else "",
                "description": entry.description,
                "salesperson_code": (
                    entry.salesperson.code if entry.salesperson else ""
                ),
                "created_by": user_name(entry.created_by),
                "resume_url": resume_url(no),
            }
        )
    return rows
