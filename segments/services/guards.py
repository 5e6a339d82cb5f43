"""What every segment operation checks first: the actor, the template, the lock."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from segments.models import Segment


def _actor(user):
    # A command or the demo acts as nobody: created_by stays empty rather than naming
    # an anonymous user.
    return user if user is not None and user.is_authenticated else None


def _check_template(template):
    # Old lines may still hold a blocked template; nothing may take it anew.
    if template is not None and template.blocked:
        raise ValidationError(
            {
                "template": ValidationError(
                    _("Interaction template %(code)s is blocked.")
                    % {"code": template.code},
                    code="blocked",
                )
            }
        )


def _lock(segment, message=None):
    """Re-read `segment` with a row lock; refuse when it is gone (logged meanwhile)."""
    # Every write to a segment or its lines takes this row lock first, so a logging
    # running meanwhile either finished (the row is gone) or makes this one wait.
    locked = Segment.objects.select_for_update().filter(pk=segment.pk).first()
    if locked is None:
        raise ValidationError(
            message
            or _("Segment %(no)s has already been logged or deleted.")
            % {"no": segment.no},
            code="gone",
        )
    return locked
