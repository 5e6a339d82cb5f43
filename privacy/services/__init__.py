"""Privacy operations: a contact's data on request, erasure, retention.

- export: `export_contact_data` — everything held on one contact, as a zip
- erase: `erase_contact` — anonymise a contact for good
- retention: the retention policies and their daily run
"""

from privacy.services.retention import (
    RETENTION_JOB_KIND,
    apply_retention,
    delete_retention_policy,
    plan_retention,
    retention_rules,
    rule_label,
    save_retention_policy,
    save_retention_settings,
    start_retention,
    with_labels,
)

__all__ = [
    "RETENTION_JOB_KIND",
    "apply_retention",
    "delete_retention_policy",
    "plan_retention",
    "retention_rules",
    "rule_label",
    "save_retention_policy",
    "save_retention_settings",
    "start_retention",
    "with_labels",
]
