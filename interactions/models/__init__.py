"""The interaction models, one module per family, all importable from here
(`interactions.models.InteractionLogEntry`), as the migrations name them:

- fields: the option types (information flow, evaluation, document type …) and the
  field builders, attachments included, that the models and segments' lines share
- setup: interaction groups, templates and the template setup of document types
- entries: the interaction log entry
- queries: its QuerySet (lists, timelines, a contact's statistics)
- statistics: the totals the start page's charts and the statistics pages read
"""

from interactions.models.entries import InteractionLogEntry
from interactions.models.fields import (
    ATTACHMENT_EXTENSION,
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    attachment_field,
    attachment_name,
    attachment_upload_to,
    information_flow_field,
    initiated_by_field,
    minutes_field,
    money_field,
    validate_attachment_size,
)
from interactions.models.queries import (
    NO_STATISTICS,
    TIMELINE_ORDER,
    TIMELINE_ORDER_REVERSED,
    InteractionLogEntryQuerySet,
    statistics_aggregates,
)
from interactions.models.setup import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
    InteractionTemplateSetup,
)
from interactions.models.statistics import (
    InteractionDailyStatistics,
    InteractionTotalStatistics,
)

__all__ = [
    "ATTACHMENT_EXTENSION",
    "NO_STATISTICS",
    "TIMELINE_ORDER",
    "TIMELINE_ORDER_REVERSED",
    "DeliveryStatus",
    "DocumentType",
    "Evaluation",
    "InformationFlow",
    "InitiatedBy",
    "InteractionDailyStatistics",
    "InteractionGroup",
    "InteractionLogEntry",
    "InteractionLogEntryQuerySet",
    "InteractionTemplate",
    "InteractionTemplateLanguage",
    "InteractionTemplateSetup",
    "InteractionTotalStatistics",
    "attachment_field",
    "attachment_name",
    "attachment_upload_to",
    "information_flow_field",
    "initiated_by_field",
    "minutes_field",
    "money_field",
    "statistics_aggregates",
    "validate_attachment_size",
]
