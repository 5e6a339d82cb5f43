from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON HTTP API (`/api/v1/`); no models, it calls the apps' services."""

    name = "api"
    verbose_name = _("HTTP API")

    def ready(self):
        # drf-spectacular finds extensions by their being imported.
        from api import schema  # noqa: F401
