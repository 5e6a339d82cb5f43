"""`{{ person|user_name }}`: a user as people know them."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def user_name(person):
    """The full name, with the user name in a tooltip (the user name alone when no
    full name is set); nothing for no user."""
    if person is None:
        return ""
    username = person.get_username()
    return format_html(
        '<span title="{}">{}</span>', username, person.get_full_name() or username
    )
