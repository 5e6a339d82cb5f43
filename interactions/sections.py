"""Sections other apps add to the Create interaction page, as the jobs registry
does for job kinds: an app on a higher floor registers one in its AppConfig.ready(),
so interactions imports nothing above it (the tasks app's "Opvolgtaak").

A section has `prefix`, `form_class`, `template_name` (rendered with `form`),
`allowed(user)`, and `save(entry, form, *, user)`, which the page calls inside the
transaction that logs the entry: the entry and what the section makes are kept
together or not at all. `save` returns a sentence the page adds to its message
("Opvolgtaak TK00030 is gemaakt."), or None when it made nothing.
"""

SECTIONS = []


def register(section):
    SECTIONS.append(section)


def sections_for(user):
    return [section for section in SECTIONS if section.allowed(user)]
