from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from jobs import exports, registry
        from web.exports import run_large_exports_with

        # Every list's export over EXPORT_JOB_THRESHOLD rows becomes a job.
        registry.register(exports.KIND, "jobs.exports.export_job", label=_("Export"))
        run_large_exports_with(exports.start_export_job)
