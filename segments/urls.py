from django.urls import path, register_converter
from django.urls.converters import StringConverter

from segments import views
from segments.models import CriteriaActionKind
from web.exports import export_path


class SegmentNoConverter(StringConverter):
    """A segment number in a URL: no slash, and no NUL character, which PostgreSQL
    refuses in text (such a URL is a 404, not a server error)."""

    regex = r"[^/\x00]+"


register_converter(SegmentNoConverter, "number")

app_name = "segments"

urlpatterns = [
    path("", views.SegmentListView.as_view(), name="segment_list"),
    path("new/", views.SegmentCreateView.as_view(), name="segment_create"),
    path(
        "form-fields/",
        views.SegmentFormFieldsView.as_view(),
        name="segment_form_fields",
    ),
    path(
        "from-entries/",
        views.SegmentFromEntriesView.as_view(),
        name="segment_from_entries",
    ),
    path(
        "from-contacts/",
        views.SegmentFromContactsView.as_view(),
        name="segment_from_contacts",
    ),
    path("criteria/", views.SavedCriteriaListView.as_view(), name="savedcriteria_list"),
    path(
        "criteria/<int:pk>/",
        views.SavedCriteriaUpdateView.as_view(),
        name="savedcriteria_update",
    ),
    path(
        "criteria/<int:pk>/delete/",
        views.SavedCriteriaDeleteView.as_view(),
        name="savedcriteria_delete",
    ),
    path("logged/", views.LoggedSegmentListView.as_view(), name="loggedsegment_list"),
    export_path("logged/", views.LoggedSegmentExportView, "loggedsegment_export"),
    path(
        "logged/<int:pk>/",
        views.LoggedSegmentDetailView.as_view(),
        name="loggedsegment_detail",
    ),
    path(
        "logged/<int:pk>/progress/",
        views.LoggedSegmentProgressView.as_view(),
        name="loggedsegment_progress",
    ),
    path(
        "logged/<int:pk>/letters/",
        views.LoggedSegmentLettersView.as_view(),
        name="loggedsegment_letters",
    ),
    path(
        "logged/<int:pk>/resend/",
        views.LoggedSegmentResendView.as_view(),
        name="loggedsegment_resend",
    ),
    path(
        "logged/<int:pk>/cancel/",
        views.LoggedSegmentCancelView.as_view(),
        name="loggedsegment_cancel",
    ),
    # After the fixed paths: a segment numbered "new" or "logged" must not hide them.
    path("<number:no>/", views.SegmentDetailView.as_view(), name="segment_detail"),
    path("<number:no>/edit/", views.SegmentUpdateView.as_view(), name="segment_update"),
    export_path("<number:no>/lines/", views.SegmentLineExportView, "line_export"),
    path(
        "<number:no>/delete/", views.SegmentDeleteView.as_view(), name="segment_delete"
    ),
    path("<number:no>/log/", views.SegmentLogView.as_view(), name="segment_log"),
    path(
        "<number:no>/log/apply-header-template/",
        views.ApplyHeaderTemplateView.as_view(),
        name="apply_header_template",
    ),
    path(
        "<number:no>/add-from-entries/",
        views.AddContactsFromEntriesView.as_view(),
        name="add_contacts_from_entries",
    ),
    path(
        "<number:no>/remove-contacts/",
        views.RemoveContactsView.as_view(),
        name="remove_contacts",
    ),
    path(
        "<number:no>/reuse/",
        views.ReuseLoggedSegmentView.as_view(),
        name="reuse_logged_segment",
    ),
    path(
        "<number:no>/criteria/",
        views.SegmentCriteriaView.as_view(),
        name="segment_criteria",
    ),
    path(
        "<number:no>/criteria/add/",
        views.CriteriaActionView.as_view(action=CriteriaActionKind.ADD),
        name="criteria_add",
    ),
    path(
        "<number:no>/criteria/reduce/",
        views.CriteriaActionView.as_view(action=CriteriaActionKind.REDUCE),
        name="criteria_reduce",
    ),
    path(
        "<number:no>/criteria/refine/",
        views.CriteriaActionView.as_view(action=CriteriaActionKind.REFINE),
        name="criteria_refine",
    ),
    path(
        "<number:no>/criteria/go-back/",
        views.GoBackView.as_view(),
        name="criteria_go_back",
    ),
    path(
        "<number:no>/criteria/save/",
        views.SaveCriteriaView.as_view(),
        name="criteria_save",
    ),
    path(
        "<number:no>/criteria/reuse/",
        views.ReuseCriteriaView.as_view(),
        name="criteria_reuse",
    ),
    path(
        "<number:no>/lines/<int:pk>/",
        views.SegmentLineRowView.as_view(),
        name="line_row",
    ),
    path(
        "<number:no>/lines/<int:pk>/edit/",
        views.SegmentLineUpdateView.as_view(),
        name="line_update",
    ),
    path(
        "<number:no>/attachment/",
        views.SegmentAttachmentView.as_view(),
        name="segment_attachment",
    ),
    path(
        "<number:no>/lines/<int:pk>/attachment/",
        views.SegmentLineAttachmentView.as_view(),
        name="line_attachment",
    ),
]
