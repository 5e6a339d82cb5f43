"""A template's language versions (NAV's Interaction Template Language): create,
change and delete them, with the same checks on the template page and in the admin."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interactions.letters import letter_errors
from interactions.models import InteractionTemplateLanguage
from interactions.services.files import remove_unreferenced_attachments

# What create_template_language and update_template_language accept.
LANGUAGE_FIELDS = frozenset(
    {"language_code", "description", "subject", "body", "attachment"}
)


def _check_fields(values):
    unknown = set(values) - LANGUAGE_FIELDS
    if unknown:
        raise TypeError(f"Unknown language values: {', '.join(sorted(unknown))}")


def _duplicate_message():
    constraint = next(
        constraint
        for constraint in InteractionTemplateLanguage._meta.constraints
        if constraint.name == "template_language_unique"
    )
    return constraint.violation_error_message


def _clean(language):
    """One ValidationError with every problem: the fields, the one-version-per-
    language rule and the body's placeholders (the letter's, interactions.letters)."""
    errors = {}
    body_errors = letter_errors(language.body or "")
    if body_errors:
        errors["body"] = body_errors
    try:
        # The template is the caller's own row; the constraints are checked below,
        # the one-per-language rule next to its field rather than atop the form.
        language.full_clean(exclude=["template"], validate_constraints=False)
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    taken = (
        InteractionTemplateLanguage.objects.filter(
            template_id=language.template_id, language_code=language.language_code
        )
        .exclude(pk=language.pk)
        .exists()
    )
    if taken and "language_code" not in errors:
        errors["language_code"] = [_duplicate_message()]
    if errors:
        raise ValidationError(errors)


def _save(language):
    _clean(language)
    try:
        # A savepoint, so that a version another session added since the check
        # refuses this one with the constraint's message, not a broken transaction.
        with transaction.atomic():
            language.save()
    except IntegrityError as error:
        raise ValidationError({"language_code": _duplicate_message()}) from error
    return language


@transaction.atomic
def create_template_language(template, *, user, **values):
    """Add `template`'s version in one language and return it; the body may hold
    the letter placeholders, filled in per contact when it is sent."""
    _check_fields(values)
    language = InteractionTemplateLanguage(template=template, **values)
    return _save(language)


@transaction.atomic
def update_template_language(language, *, user, **values):
    """Change a language version; a replaced or cleared attachment's file goes when
    nothing else refers to it. Entries logged with it keep what they recorded."""
    _check_fields(values)
    previous_attachment = language.attachment.name
    for field, value in values.items():
        setattr(language, field, value)
    _save(language)
    if previous_attachment != language.attachment.name:
        remove_unreferenced_attachments([previous_attachment])
    return language


@transaction.atomic
def delete_template_language(language, *, user):
    """Delete a language version and its unshared file; contacts in that language
    get the default language's version, or the template's own text, from then on."""
    attachment = language.attachment.name
    language.delete()
    remove_unreferenced_attachments([attachment])
