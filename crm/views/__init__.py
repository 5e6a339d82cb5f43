"""The crm pages, one module per family, all importable from here:

- contacts: the contact list and export, new, edit, delete, Privacy geblokkeerd
- imports: the contact import
- setup: salespeople, number series, marketing setup, the salesperson lookup
"""

from crm.views.contacts import (
    CONTACT_COLUMNS,
    ContactCreateView,
    ContactDeleteView,
    ContactExportView,
    ContactListView,
    ContactPrivacyBlockView,
    ContactUpdateView,
)
from crm.views.imports import (
    INLINE_PREVIEW_BYTES,
    PENDING_IMPORT,
    ContactImportConfirmView,
    ContactImportView,
    discard_pending_import,
)
from crm.views.setup import (
    MarketingSetupUpdateView,
    NumberSeriesCreateView,
    NumberSeriesDeleteView,
    NumberSeriesListView,
    NumberSeriesUpdateView,
    SalespersonCreateView,
    SalespersonDeleteView,
    SalespersonListView,
    SalespersonLookupView,
    SalespersonUpdateView,
    SeriesNoteMixin,
)

__all__ = [
    "CONTACT_COLUMNS",
    "INLINE_PREVIEW_BYTES",
    "PENDING_IMPORT",
    "ContactCreateView",
    "ContactDeleteView",
    "ContactExportView",
    "ContactImportConfirmView",
    "ContactImportView",
    "ContactListView",
    "ContactPrivacyBlockView",
    "ContactUpdateView",
    "MarketingSetupUpdateView",
    "NumberSeriesCreateView",
    "NumberSeriesDeleteView",
    "NumberSeriesListView",
    "NumberSeriesUpdateView",
    "SalespersonCreateView",
    "SalespersonDeleteView",
    "SalespersonListView",
    "SalespersonLookupView",
    "SalespersonUpdateView",
    "SeriesNoteMixin",
    "discard_pending_import",
]
