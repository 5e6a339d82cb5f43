"""What the account pages count and remember: throttled attempts, forms already
submitted."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ThrottleEvent(models.Model):
    """One attempt counted against a limit: password reset requests per address and
    per client, wrong current passwords on the password change page. Keys hold no
    address in clear (crm.services.throttle_key); `manage.py cleanup` removes rows
    older than a day."""

    key = models.CharField(max_length=100)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["key", "at"], name="throttle_key_at_idx")]

    def __str__(self):
        return f"{self.key} {self.at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A form's one-time token, used once: a second submit of the same form (a
    double click, a resent request) is answered with the first one's result
    (crm.submissions). `manage.py cleanup` removes rows older than a day."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    result_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return str(self.token)
