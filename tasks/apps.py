from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self):
        from interactions import sections
        from segments import sections as log_sections
        from tasks.sections import FollowUpSection, SegmentFollowUpSection

        sections.register(FollowUpSection())
        log_sections.register(SegmentFollowUpSection())
