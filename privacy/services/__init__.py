"""Privacy operations: a contact's data on request, erasure, retention.

- export: `export_contact_data` — everything held on one contact, as a zip
- erase: `erase_contact` — anonymise a contact for good
- retention: the retention policies and their daily run
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

__all__ = [
    "audit_records_about",
    "contact_history_size",
    "erase_contact",
    "export_contact_data",
    "export_filename",
    "export_in_background",
    "personal_values",
    "placeholder_name",
    "record_download",
    "remove_expired_exports",
    "start_export_job",
    "store_export",
]
