"""Data-subject exports made in the background, kept for a day to download."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact


# A random name: the media folder may be served or backed up elsewhere, and a name
# with the contact's number in it would itself be personal data.
def export_upload_to(export, filename):
    """`privacy/<uuid4 hex>.zip`: the name the user sees is `file_name`."""
    return f"privacy/{uuid.uuid4().hex}.zip"


class ContactExport(models.Model):
    """The zip of one contact's data written by a background job, downloaded through
    privacy:export_download (each download audited) until `expires_at`.

    Not the job's own file: jobs:download would hand it out unaudited, and erasing
    the contact must find (and remove) the files that hold its data.
    """

    # Deleting the contact takes its exports with it: nothing may outlive it.
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("background job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    file = models.FileField(
        _("file"), upload_to=export_upload_to, max_length=255, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-subject export")
        verbose_name_plural = _("data-subject exports")
        # Rows are written by the export service only; the admin reads them.
        default_permissions = ("view",)
        permissions = [
            ("export_contact_data", _("Can export a contact's data")),
            ("erase_contact", _("Can anonymise a contact")),
        ]
        # The hourly cleanup finds expired exports by this column.
        indexes = [
            models.Index(fields=["expires_at"], name="contactexport_expires_idx")
        ]

    def __str__(self):
        return self.file_name or str(self.pk)

    def get_absolute_url(self):
        return reverse("privacy:export_download", args=[self.pk])

    @property
    def is_kept(self):
        """Whether the file is there to download (written and not expired)."""
        return bool(self.file) and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
