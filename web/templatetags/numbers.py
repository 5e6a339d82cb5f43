"""Amounts and numbers in templates, written as the active language writes them.

A filter rather than USE_THOUSAND_SEPARATOR: that setting would group every number
a template prints, entry numbers and years included ("Interaction 1.250"), and also
every value a form shows or reads.
"""

from decimal import Decimal

from django import template

from web.amounts import format_amount, format_whole_number

register = template.Library()


@register.filter
def amount(value):
    """An amount with two decimals, thousands grouped: `1.250,50` in Dutch."""
    if value is None or value == "":
        return ""
    return format_amount(value)


@register.filter
def number(value):
    """A count or duration grouped (`1.250`), an amount as `amount` does it; anything
    else (a text, a date) as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        return format_amount(value)
    if isinstance(value, int):
        return format_whole_number(value)
    return value
