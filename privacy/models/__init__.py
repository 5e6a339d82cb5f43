"""The privacy app's records: data-subject exports, retention policies and runs."""

from privacy.models.exports import ContactExport, export_upload_to
from privacy.models.retention import (
    RetentionAction,
    RetentionPolicy,
    RetentionRun,
    RetentionRunStatus,
    RetentionSettings,
)

__all__ = [
    "ContactExport",
    "RetentionAction",
    "RetentionPolicy",
    "RetentionRun",
    "RetentionRunStatus",
    "RetentionSettings",
    "export_upload_to",
]
