"""Attachment files: removed once no record refers to them any more."""

import posixpath
from datetime import timedelta
from functools import partial

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

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
    unused = names - still_used
    for name in unused:
        default_storage.delete(name)
    return unused


def remove_orphaned_attachments(*, older_than=timedelta(days=1)):
    """Delete stored attachment files that no record refers to and that are older
    than `older_than`; how many were removed.

    They are what a save left behind when it stored its upload and was then refused
    or rolled back (the transaction cannot take the file back with it). The age
    keeps an upload whose record is not committed yet."""
    cutoff = timezone.now() - older_than
    candidates = {
        name
        for name in _stored_files("attachments")
        if default_storage.get_modified_time(name) < cutoff
    }
    return len(_remove_files(candidates)) if candidates else 0


def _stored_files(folder):
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from _stored_files(posixpath.join(folder, sub))
