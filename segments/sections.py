"""Sections other apps add to Log segment (the page and the segment card's dialog),
as interactions.sections does for Create interaction: an app on a higher floor
registers one in its AppConfig.ready(), so segments imports nothing above it (the
tasks app's "Opvolgtaak").

A section has `prefix`, `form_class`, `template_name` (rendered with `form`),
`allowed(user)`, `values(form)`: what was filled in as JSON (None when the section
was left empty; a background job gets it as a parameter), and
`save(logged_segment, values, *, user)`, which log_segment calls inside the
transaction that logs the segment: the logging and what the section makes are kept
together or not at all. What `save` returns is kept on the logged segment
(`section_results`), and `done_message(result)` says it on the page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SECTIONS = []


def register(section):
    SECTIONS.append(section)


def sections_for(user):
    return [section for section in SECTIONS if section.allowed(user)]


def forms_for(request):
    """(section, form) of each section the user may fill in; bound on a POST."""
    data = request.POST if request.method == "POST" else None
    return [
        (section, section.form_class(data, prefix=section.prefix))
        for section in sections_for(request.user)
    ]


def done_messages(logged_segment):
    """What the sections made when `logged_segment` was logged, in words."""
    return [
        section(prefix).done_message(result)
        for prefix, result in getattr(logged_segment, "section_results", {}).items()
    ]


def section(prefix):
    for registered in SECTIONS:
        if registered.prefix == prefix:
            return registered
    raise ValidationError(_("Unknown section “%(prefix)s”.") % {"prefix": prefix})
