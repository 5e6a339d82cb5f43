from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self):
        from audit.models import name_detail_values
        from interactions import jobs
        from interactions.models import DocumentType, Evaluation
        from jobs import registry
        from web.filters import label_filters

        label_filters({"after": _("Dated after"), "before": _("Dated before")})
        name_detail_values("evaluation", Evaluation)
        name_detail_values("document_type", DocumentType)

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
