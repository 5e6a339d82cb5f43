from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoggedSegment(models.Model):
    """The record that a segment was logged; its interaction log entries point at it."""

    segment_no = models.CharField(_("segment no."), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    canceled = models.BooleanField(_("canceled"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("logged segment")
        verbose_name_plural = _("logged segments")

    def __str__(self):
        return f"{self.segment_no} {self.description}".strip()
