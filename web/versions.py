"""Edit forms that cannot overwrite a newer change (optimistic locking, as NAV's
"Een andere gebruiker heeft de record gewijzigd").

An edit form carries the version of the row it was opened on: a short hash of
each stored field (`row_version`). The service that saves the form reads the row
again under its lock and refuses with `check_version` when any field differs
since, naming what is stored now. A hash per field, not one for the row or a
counter: no migration, and the refusal can say what the other user changed."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import formats
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

# The form field and the code of the service's refusal (web.views shows a
# "Open again" button on a form refused with it).
FIELD = "version"
STALE = "stale"
# How many changed fields a refusal names, and how much of each value.
SHOWN_FIELDS = 5
SHOWN_CHARS = 60


def versioned_fields(model):
    """The fields a version covers: every stored field but the key and the
    timestamps set by save() (a save with nothing changed moves them)."""
    return [
        field
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _stored(obj, field):
    if field.many_to_many:
        if obj.pk is None:
            return ""
        keys = getattr(obj, field.name).order_by().values_list("pk", flat=True)
        return ",".join(str(key) for key in sorted(keys))
    # A browser sends a text area's lines ended by CR LF: the first save of a text
    # written elsewhere changes only that, which is no change to tell about.
    return field.value_to_string(obj).replace("\r\n", "\n")


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def row_version(obj):
    """The version of `obj` as stored: one 8-digit hash per versioned field."""
    return ".".join(_digest(_stored(obj, field)) for field in versioned_fields(obj))


def changed_fields(obj, seen):
    """The fields of `obj` whose stored value differs from version `seen`; None when
    `seen` is not a version of this model's fields (a page from an older release)."""
    fields = versioned_fields(obj)
    hashes = seen.split(".")
    if len(hashes) != len(fields):
        return None
    return [
        field
        for field, hashed in zip(fields, hashes, strict=True)
        if _digest(_stored(obj, field)) != hashed
    ]


def _shown(obj, field):
    """A field's stored value as a page shows it."""
    if field.many_to_many:
        value = ", ".join(str(row) for row in getattr(obj, field.name).all())
    elif field.choices:
        value = getattr(obj, f"get_{field.name}_display")()
    else:
        value = getattr(obj, field.name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, models.Model | FieldFile):
        value = str(value)
    elif not isinstance(value, str):
        value = formats.localize(value)
    return f"“{Truncator(value).chars(SHOWN_CHARS)}”"


def check_version(locked, seen):
    """Refuse (ValidationError, code STALE) when `locked`, the row as stored now and
    read under its lock, is no longer at version `seen`, naming the fields changed
    and their values now. No check without a version (the API, a command)."""
    if not seen or seen == row_version(locked):
        return
    changed = changed_fields(locked, seen)
    name = str(locked)
    kind = str(locked._meta.verbose_name)
    # A row named for its kind (the marketing setup) is named once.
    values = {
        "object": name if name.casefold() == kind.casefold() else f"{kind} {name}"
    }
    if changed:
        values["changes"] = "; ".join(
            f"{capfirst(field.verbose_name)} {_shown(locked, field)}"
            for field in changed[:SHOWN_FIELDS]
        )
        message = _(
            "Someone else changed %(object)s after you opened this page, so your "
            "changes have not been saved. Now stored: %(changes)s. Open the page "
            "again to see the current values, then make your changes there."
        )
    else:
        message = _(
            "Someone else changed %(object)s after you opened this page, so your "
            "changes have not been saved. Open the page again to see the current "
            "values, then make your changes there."
        )
    raise ValidationError(message % values, code=STALE)


def refuse_deleted(obj):
    """Refuse a change of `obj`, deleted by someone else meanwhile."""
    raise ValidationError(
        _(
            "%(object)s has been deleted by someone else meanwhile; your changes "
            "have not been saved."
        )
        % {"object": capfirst(f"{obj._meta.verbose_name} {obj}")},
        code="deleted",
    )


def lock_unchanged(obj, seen):
    """`obj`'s row read again under its lock, refused when deleted meanwhile or no
    longer at version `seen` (check_version)."""
    locked = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
    if locked is None:
        refuse_deleted(obj)
    check_version(locked, seen)
    return locked


class VersionedFormMixin:
    """A ModelForm that carries the version of the row it edits, as the hidden field
    `version`: `seen_version` is what the user's page showed, for the service's
    check_version. The field is never one of the user's changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields[FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                initial=row_version(instance),
            )

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != FIELD]

    @property
    def seen_version(self):
        return self.cleaned_data.get(FIELD) or None
