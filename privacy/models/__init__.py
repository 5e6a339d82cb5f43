"""The privacy app's records: data-subject exports, retention policies and runs."""

from privacy.models.retention import (
    RetentionAction,
    RetentionPolicy,
    RetentionRun,
    RetentionRunStatus,
    RetentionSettings,
)

__all__ = [
    "RetentionAction",
    "RetentionPolicy",
    "RetentionRun",
    "RetentionRunStatus",
    "RetentionSettings",
]
