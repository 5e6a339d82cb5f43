"""The segments app's pages, one module per family of pages, re-exported here for
segments/urls.py and config/urls.py."""

from segments.views.contacts import (
    AddContactsFromEntriesView,
    RemoveContactsView,
    ReuseLoggedSegmentView,
    SegmentFromContactsView,
    SegmentFromEntriesView,
)
from segments.views.criteria import (
    CriteriaActionView,
    GoBackView,
    ReuseCriteriaView,
    SaveCriteriaView,
    SegmentCriteriaView,
)
from segments.views.files import SegmentAttachmentView, SegmentLineAttachmentView
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
from segments.views.saved_criteria import (
    SavedCriteriaDeleteView,
    SavedCriteriaListView,
    SavedCriteriaUpdateView,
)
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
    "ApplyHeaderTemplateView",
    "ContactLookupView",
    "CriteriaActionView",
    "GoBackView",
    "LoggedSegmentCancelView",
    "LoggedSegmentDetailView",
    "LoggedSegmentExportView",
    "LoggedSegmentLettersView",
    "LoggedSegmentListView",
    "LoggedSegmentLookupView",
    "LoggedSegmentProgressView",
    "LoggedSegmentResendView",
    "RemoveContactsView",
    "ReuseCriteriaView",
    "ReuseLoggedSegmentView",
    "SaveCriteriaView",
    "SavedCriteriaDeleteView",
    "SavedCriteriaListView",
    "SavedCriteriaUpdateView",
    "SegmentAttachmentView",
    "SegmentCreateView",
    "SegmentCriteriaView",
    "SegmentDeleteView",
    "SegmentDetailView",
    "SegmentFormFieldsView",
    "SegmentFromContactsView",
    "SegmentFromEntriesView",
    "SegmentLineAttachmentView",
    "SegmentLineExportView",
    "SegmentLineRowView",
    "SegmentLineUpdateView",
    "SegmentListView",
    "SegmentLogView",
    "SegmentUpdateView",
]
