from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from crm.imports import IMPORT_JOB_KIND, PREVIEW_JOB_KIND
        from jobs import registry

        registry.register(
            PREVIEW_JOB_KIND,
            "crm.contact_import.preview_contacts_job",
            label=_("Contact import preview"),
        )
        registry.register(
            IMPORT_JOB_KIND,
            "crm.contact_import.import_contacts_job",
            label=_("Contact import"),
        )
