"""Interaction groups and templates: create, change and delete them, with the same
checks on every page, in the admin and from commands."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.services import protected_summary
from interactions.letters import letter_errors
from interactions.models import InteractionGroup, InteractionTemplate
from interactions.services.files import remove_unreferenced_attachments
from web.versions import lock_unchanged


def _clean(obj, **extra_errors):
    """Check `obj` as its page's form does; one ValidationError with every problem."""
    # Codes are kept in capitals (as NAV keeps them), whoever types them.
    obj.code = (obj.code or "").upper()
    errors = {
        field: list(messages) for field, messages in extra_errors.items() if messages
    }
    try:
        obj.full_clean()
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _set(obj, values):
    for field, value in values.items():
        setattr(obj, field, value)


@transaction.atomic
def create_group(*, user, **values):
    """Create an interaction group (code, description) and return it."""
    group = InteractionGroup(**values)
    _clean(group)
    group.save()
    return group


@transaction.atomic
def update_group(group, *, user, **values):
    """Change an interaction group; its templates and entries refer to it by key."""
    _set(group, values)
    _clean(group)
    group.save()
    return group


def _clean_template(template):
    # A letter text may hold only the letter placeholders (interactions.letters).
    _clean(template, letter_text=letter_errors(template.letter_text or ""))


@transaction.atomic
def create_template(*, user, **values):
    """Create an interaction template and return it; an uploaded attachment is stored.

    Entries take its values when they are logged, so changing it later changes no
    entry already written.
    """
    template = InteractionTemplate(**values)
    _clean_template(template)
    template.save()
    return template


@transaction.atomic
def update_template(template, *, user, seen_version=None, **values):
    """Change an interaction template's `values`; entries logged with it keep theirs.
    A form opened before another change (`seen_version`) is refused."""
    lock_unchanged(template, seen_version)
    _set(template, values)
    _clean_template(template)
    template.save()
    return template


def _protected_usage(obj):
    """'2 interaction templates, 40 interaction log entries' that protect `obj`.

    Counted per relation: a ProtectedError would load every protecting row first.
    """
    counts = {}
    for relation in obj._meta.related_objects:
        if relation.on_delete is models.PROTECT:
            count = relation.related_model._base_manager.filter(
                **{relation.field.name: obj}
            ).count()
            if count:
                meta = relation.related_model._meta
                counts[meta] = counts.get(meta, 0) + count
    return ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in counts.items()
    )


def _delete_unused(obj):
    def refuse(used_by):
        return ValidationError(
            _("%(object)s cannot be deleted because it is used by: %(used_by)s.")
            % {
                "object": f"{capfirst(obj._meta.verbose_name)} {obj.code}",
                "used_by": used_by,
            },
            code="protected",
        )

    # Counted first so the message names every user of the row; the PROTECT of the
    # foreign keys still guards the DELETE against a session that adds one since.
    used_by = _protected_usage(obj)
    if used_by:
        raise refuse(used_by)
    try:
        obj.delete()
    except ProtectedError as error:  # used since the count, by another session
        raise refuse(protected_summary(error)) from error


@transaction.atomic
def delete_group(group, *, user):
    """Delete an interaction group that no template or entry uses."""
    _delete_unused(group)


@transaction.atomic
def delete_template(template, *, user):
    """Delete an interaction template that no entry uses, and its unshared file."""
    # Read before the row goes; the file goes only when no entry or segment shares it.
    attachment = template.attachment.name
    _delete_unused(template)
    remove_unreferenced_attachments([attachment])
