"""Letter texts: the placeholders a letter may hold, their checks and the rendering.

Letters are rendered by a sandbox of our own, not by a template engine: a letter text
may only hold the placeholders below, which see plain strings and nothing else. The
template services check a letter text with letter_errors(); correspondence prints and
logs the letter.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crm.models import CONTACT_PLACEHOLDER_FIELDS

# The placeholders a letter text may use, each read from plain values; the
# contact's are declared with the contact (crm.models).
CONTACT_PLACEHOLDERS = CONTACT_PLACEHOLDER_FIELDS
SALESPERSON_PLACEHOLDERS = ("name", "email", "phone", "job_title")
PLACEHOLDERS = (
    *(f"contact.{name}" for name in CONTACT_PLACEHOLDERS),
    *(f"salesperson.{name}" for name in SALESPERSON_PLACEHOLDERS),
    "date",
)
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TAG = re.compile(r"\{%|%\}|\{#|#\}")


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
    # What is left once every {{ … }} is gone: a lone {{ or }} would print as is.
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
    return merge_text(
        template.letter_text, contact=contact, salesperson=salesperson, date=date
    )


def merge_text(text, *, contact, salesperson, date=None):
    """`text` with its placeholders filled in for `contact`, as plain text; a text
    with a placeholder a letter may not hold is refused."""
    check_letter_text(text)
    values = letter_values(
        contact=contact, salesperson=salesperson, date=date or timezone.localdate()
    )
    # Every name was checked above, so each placeholder has its value.
    return PLACEHOLDER.sub(lambda match: values[match.group(1).strip()], text)
