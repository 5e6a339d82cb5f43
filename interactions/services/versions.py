"""Which language version of a template a contact gets (NAV's Interaction Template
Language): the contact's own language, else the default language (a segment's),
else the template's own text."""

from dataclasses import dataclass

from interactions.models import InteractionTemplateLanguage


@dataclass(frozen=True)
class Version:
    """What a contact is sent: the chosen version's texts, or the template's own."""

    language_code: str
    subject: str
    body: str
    attachment: object  # a FieldFile; falsy when there is none
    description: str


def own_version(template):
    """The template's own text: no language, its letter text and attachment."""
    return Version(
        language_code="",
        subject="",
        body=template.letter_text,
        attachment=template.attachment,
        description=template.description,
    )


def _version_of(language):
    return Version(
        language_code=language.language_code,
        subject=language.subject,
        body=language.body,
        attachment=language.attachment,
        description=language.description or language.template.description,
    )


class VersionChooser:
    """Chooses versions for many contacts with one query per template set.

    `versions = VersionChooser(templates, default_language_code="en")`, then
    `versions.choose(template, contact.language_code)` for each contact.
    """

    def __init__(self, templates, *, default_language_code=""):
        self.default_language_code = default_language_code
        self.languages = {
            (language.template_id, language.language_code): language
            for language in InteractionTemplateLanguage.objects.filter(
                template__in=[template.pk for template in templates]
            ).select_related("template")
        }

    def choose(self, template, language_code):
        for code in (language_code, self.default_language_code):
            language = self.languages.get((template.pk, code)) if code else None
            if language is not None:
                return _version_of(language)
        return own_version(template)


def choose_version(template, *, language_code, default_language_code=""):
    """The version of `template` for a contact writing in `language_code`."""
    chooser = VersionChooser([template], default_language_code=default_language_code)
    return chooser.choose(template, language_code)
