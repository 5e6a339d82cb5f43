from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self):
        from interactions import jobs
        from jobs import registry

        registry.register(
            jobs.BULK_KIND,
            "interactions.jobs.bulk_entries_job",
            label=_("Change interaction log entries"),
        )
        registry.register(
            jobs.DELETE_KIND,
            "interactions.jobs.delete_canceled_job",
            label=_("Delete canceled entries"),
        )
