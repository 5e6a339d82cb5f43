from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shared web plumbing: view mixins, export writer, pagination, filters,
    lookups, security middleware, static storage. It imports no domain app."""

    name = "web"
    verbose_name = _("Web")
