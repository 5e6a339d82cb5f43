from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from audit.models import label_details, show_detail_values
        from jobs import registry
        from privacy.audit_details import DETAIL_LABELS, retention_counts_in_words
        from privacy.services.export import EXPORT_KIND
        from privacy.services.retention import RETENTION_JOB_KIND

        label_details(DETAIL_LABELS)
        show_detail_values("counts", retention_counts_in_words)

        registry.register(
            EXPORT_KIND,
            "privacy.jobs.export_job",
            label=_("Export a contact's data"),
        )
        registry.register(
            RETENTION_JOB_KIND,
            "privacy.jobs.retention_job",
            label=_("Apply retention rules"),
            on_stale="privacy.jobs.retention_job_stale",
        )
