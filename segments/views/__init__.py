"""The segments app's pages, one module per family of pages, re-exported here for
segments/urls.py and config/urls.py."""

from segments.views.contacts import (
    AddContactsFromEntriesView,
    AddContactsView,
    RemoveContactsView,
    ReuseLoggedSegmentView,
    SegmentFromContactsView,
    SegmentFromEntriesView,
)
from segments.views.lines import (
    SegmentLineExportView,
    SegmentLineRowView,
    SegmentLineUpdateView,
)
from segments.views.log import ApplyHeaderTemplateView, SegmentLogView
from segments.views.logged import (
    LoggedSegmentCancelView,
    LoggedSegmentDetailView,
    LoggedSegmentExportView,
    LoggedSegmentLettersView,
    LoggedSegmentListView,
    LoggedSegmentProgressView,
    LoggedSegmentResendView,
)
from segments.views.lookups import ContactLookupView, LoggedSegmentLookupView
from segments.views.segments import (
    SegmentCreateView,
    SegmentDeleteView,
    SegmentDetailView,
    SegmentFormFieldsView,
    SegmentListView,
    SegmentUpdateView,
)

__all__ = [
    "AddContactsFromEntriesView",
    "AddContactsView",
    "ApplyHeaderTemplateView",
    "ContactLookupView",
    "LoggedSegmentCancelView",
    "LoggedSegmentDetailView",
    "LoggedSegmentExportView",
    "LoggedSegmentLettersView",
    "LoggedSegmentListView",
    "LoggedSegmentLookupView",
    "LoggedSegmentProgressView",
    "LoggedSegmentResendView",
    "RemoveContactsView",
    "ReuseLoggedSegmentView",
    "SegmentCreateView",
    "SegmentDeleteView",
    "SegmentDetailView",
    "SegmentFormFieldsView",
    "SegmentFromContactsView",
    "SegmentFromEntriesView",
    "SegmentLineExportView",
    "SegmentLineRowView",
    "SegmentLineUpdateView",
    "SegmentListView",
    "SegmentLogView",
    "SegmentUpdateView",
]
