"""Attachment files: removed once no record refers to them any more."""

from functools import partial

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction

from interactions.models import attachment_upload_to


def remove_unreferenced_attachments(names):
    """After commit, delete the files in `names` that no record refers to any more.

    Every model field stored with `attachment_upload_to` counts as a reference, so
    templates, entries and segments share files safely.
    """
    names = {name for name in names if name}
    if names:
        transaction.on_commit(partial(_remove_files, names))


def _remove_files(names):
    # Checked after the commit, so rows deleted in the same transaction do not count.
    still_used = set()
    ordered = sorted(names)
    chunks = [ordered[i : i + 500] for i in range(0, len(ordered), 500)]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and (
                field.upload_to is attachment_upload_to
            ):
                for chunk in chunks:
                    still_used.update(
                        model._base_manager.filter(
                            **{f"{field.name}__in": chunk}
                        ).values_list(field.name, flat=True)
                    )
    for name in names - still_used:
        default_storage.delete(name)
