"""{{ contact.country|country_name }}: a stored country code by its name in the
active language ("NL" → Nederland); a value stored before codes as it is."""

from django import template

from crm.countries import country_name as name_of

register = template.Library()


@register.filter
def country_name(code):
    return name_of(code) if code else code
