from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and generated volumes for development and benchmarks: its commands
    refuse to touch a production database (settings.DEVELOPMENT)."""

    name = "demo"
    verbose_name = _("Demo data")
