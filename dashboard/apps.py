from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The start page (Rollencentrum), its charts, and the page search."""

    name = "dashboard"
    verbose_name = _("Start page")
