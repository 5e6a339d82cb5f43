from django.urls import path

from segments import views

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
    path("logged/", views.LoggedSegmentListView.as_view(), name="loggedsegment_list"),
    path(
        "logged/<int:pk>/cancel/",
        views.LoggedSegmentCancelView.as_view(),
        name="loggedsegment_cancel",
    ),
    path("<str:no>/", views.SegmentDetailView.as_view(), name="segment_detail"),
    path("<str:no>/edit/", views.SegmentUpdateView.as_view(), name="segment_update"),
    path("<str:no>/delete/", views.SegmentDeleteView.as_view(), name="segment_delete"),
    path("<str:no>/log/", views.SegmentLogView.as_view(), name="segment_log"),
    path(
        "<str:no>/add-contacts/", views.AddContactsView.as_view(), name="add_contacts"
    ),
    path(
        "<str:no>/add-from-entries/",
        views.AddContactsFromEntriesView.as_view(),
        name="add_contacts_from_entries",
    ),
    path(
        "<str:no>/remove-contacts/",
        views.RemoveContactsView.as_view(),
        name="remove_contacts",
    ),
    path(
        "<str:no>/reuse/",
        views.ReuseLoggedSegmentView.as_view(),
        name="reuse_logged_segment",
    ),
    path(
        "<str:no>/lines/<int:pk>/",
        views.SegmentLineRowView.as_view(),
        name="line_row",
    ),
    path(
        "<str:no>/lines/<int:pk>/edit/",
        views.SegmentLineUpdateView.as_view(),
        name="line_update",
    ),
]
