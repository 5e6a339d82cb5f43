"""{{ contact.country|country_name }}: a stored country code by its name in the
active language ("NL" → Nederland); a value stored before codes as it is."""

from django import template

from crm.countries import country_name

register = template.Library()
register.filter("country_name", country_name)
