"""Privacy operations: a contact's data on request, erasure, retention.

- export: `export_contact_data` — everything held on one contact, as a zip
- erase: `erase_contact` — anonymise a contact for good
- retention: the retention policies and their daily run
- rules: what a retention rule is called, in the reader's language
"""

from privacy.services.erase import erase_contact, personal_values, placeholder_name
from privacy.services.export import (
    audit_records_about,
    contact_history_size,
    export_contact_data,
    export_filename,
    export_in_background,
    record_download,
    remove_expired_exports,
    start_export_job,
    store_export,
)
from privacy.services.retention import (
    RETENTION_JOB_KIND,
    apply_retention,
    delete_retention_policy,
    plan_retention,
    retention_rules,
    save_retention_policy,
    save_retention_settings,
    start_retention,
)
from privacy.services.rules import rule_label, with_labels

__all__ = [
    "RETENTION_JOB_KIND",
    "apply_retention",
    "audit_records_about",
    "contact_history_size",
    "delete_retention_policy",
    "erase_contact",
    "export_contact_data",
    "export_filename",
    "export_in_background",
    "personal_values",
    "placeholder_name",
    "plan_retention",
    "record_download",
    "remove_expired_exports",
    "retention_rules",
    "rule_label",
    "save_retention_policy",
    "save_retention_settings",
    "start_export_job",
    "start_retention",
    "store_export",
    "with_labels",
]
