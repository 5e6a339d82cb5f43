"""The crm models, one module per family, all importable from here:

- contacts: contacts, salespeople, languages and correspondence types
- setup: number series and the marketing setup
- security: throttled attempts and submitted forms
"""

from crm.models.contacts import (
    CONTACT_API_FIELDS,
    CONTACT_COMMUNICATION_FIELDS,
    CONTACT_EXPORT_FIELDS,
    CONTACT_FIELDS,
    CONTACT_IDENTITY_FIELDS,
    CONTACT_PLACEHOLDER_FIELDS,
    CONTACT_PRIVACY_FIELDS,
    CONTACT_SEARCH_FIELDS,
    Contact,
    ContactQuerySet,
    ContactType,
    CorrespondenceType,
    Language,
    Salesperson,
    SalespersonQuerySet,
    correspondence_type_field,
)
from crm.models.security import (
    FormSubmission,
    ThrottleEvent,
)
from crm.models.setup import (
    MAX_WIDTH,
    MISSING_SERIES_MESSAGES,
    MarketingSetup,
    NumberSeries,
)

__all__ = [
    "CONTACT_API_FIELDS",
    "CONTACT_COMMUNICATION_FIELDS",
    "CONTACT_EXPORT_FIELDS",
    "CONTACT_FIELDS",
    "CONTACT_IDENTITY_FIELDS",
    "CONTACT_PLACEHOLDER_FIELDS",
    "CONTACT_PRIVACY_FIELDS",
    "CONTACT_SEARCH_FIELDS",
    "MAX_WIDTH",
    "MISSING_SERIES_MESSAGES",
    "Contact",
    "ContactQuerySet",
    "ContactType",
    "CorrespondenceType",
    "FormSubmission",
    "Language",
    "MarketingSetup",
    "NumberSeries",
    "Salesperson",
    "SalespersonQuerySet",
    "ThrottleEvent",
    "correspondence_type_field",
]
