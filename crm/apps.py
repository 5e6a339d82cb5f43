from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from audit.models import show_detail_values
        from crm.imports import IMPORT_JOB_KIND, PREVIEW_JOB_KIND
        from crm.services import REFUSED_ACTIONS
        from jobs import registry

        # A refusal's action by its name; a code not listed stays as stored.
        show_detail_values("action", lambda code: REFUSED_ACTIONS.get(code, code))

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
