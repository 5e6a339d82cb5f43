"""`{% for row in contacts|contact_rows %}`: the rows of the contact list, each a
dict of what its cells print, worked out once for the page (web.rows): the links
from one reverse() each, the type's label translated once."""

from django import template

from crm.models import ContactType
from web.rows import RowLinks, choice_labels

register = template.Library()


@register.filter
def contact_rows(contacts):
    contact_url = RowLinks("crm:contact_detail")
    types = choice_labels(ContactType)
    rows = []
    for contact in contacts:
        company, salesperson = contact.company, contact.salesperson
        rows.append(
            {
                "no": contact.no,
                "url": contact_url(contact.pk),
                "name": contact.name,
                "type": contact.type,
                "type_label": types.get(contact.type, contact.type),
                "privacy_blocked": contact.privacy_blocked,
                "company": company is not None,
                "company_url": contact_url(company.pk) if company else "",
                "company_name": company.name if company else "",
                "city": contact.city,
                "country": contact.country,
                "salesperson": salesperson is not None,
                "salesperson_code": salesperson.code if salesperson else "",
                "salesperson_name": salesperson.name if salesperson else "",
            }
        )
    return rows
