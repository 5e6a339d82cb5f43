from django.urls import path

from interactions import views
from web.exports import export_path

app_name = "interactions"

urlpatterns = [
    path("", views.InteractionLogEntryListView.as_view(), name="entry_list"),
    path("new/", views.InteractionCreateView.as_view(), name="entry_create"),
    path(
        "form-fields/",
        views.InteractionFormFieldsView.as_view(),
        name="entry_form_fields",
    ),
    # The exports sit next to their lists and take the same filters.
    export_path("", views.InteractionLogEntryExportView, "entry_export"),
    path("bulk/", views.EntryBulkView.as_view(), name="entry_bulk"),
    path(
        "<int:pk>/", views.InteractionLogEntryDetailView.as_view(), name="entry_detail"
    ),
    path(
        "<int:pk>/attachment/",
        views.EntryAttachmentView.as_view(),
        name="entry_attachment",
    ),
    # Drafts (postponed entries) have pages of their own; a resumed one keeps its
    # number.
    path("postponed/", views.PostponedListView.as_view(), name="postponed_list"),
    path("postponed/bulk/", views.PostponedBulkView.as_view(), name="postponed_bulk"),
    path(
        "postponed/<int:pk>/resume/",
        views.InteractionResumeView.as_view(),
        name="entry_resume",
    ),
    path(
        "postponed/<int:pk>/take-over/",
        views.InteractionTakeOverView.as_view(),
        name="entry_take_over",
    ),
    path(
        "delete-canceled/", views.DeleteCanceledView.as_view(), name="delete_canceled"
    ),
    path("send-email/", views.SendEmailView.as_view(), name="send_email"),
    path("letter/", views.LetterView.as_view(), name="letter"),
    path("template-setup/", views.TemplateSetupView.as_view(), name="template_setup"),
    path("groups/", views.InteractionGroupListView.as_view(), name="group_list"),
    export_path("groups/", views.InteractionGroupExportView, "group_export"),
    path(
        "groups/new/", views.InteractionGroupCreateView.as_view(), name="group_create"
    ),
    path(
        "groups/<int:pk>/edit/",
        views.InteractionGroupUpdateView.as_view(),
        name="group_update",
    ),
    path(
        "groups/<int:pk>/delete/",
        views.InteractionGroupDeleteView.as_view(),
        name="group_delete",
    ),
    path(
        "templates/", views.InteractionTemplateListView.as_view(), name="template_list"
    ),
    export_path("templates/", views.InteractionTemplateExportView, "template_export"),
    path(
        "templates/new/",
        views.InteractionTemplateCreateView.as_view(),
        name="template_create",
    ),
    path(
        "templates/<int:pk>/",
        views.InteractionTemplateDetailView.as_view(),
        name="template_detail",
    ),
    path(
        "templates/<int:pk>/edit/",
        views.InteractionTemplateUpdateView.as_view(),
        name="template_update",
    ),
    path(
        "templates/<int:pk>/delete/",
        views.InteractionTemplateDeleteView.as_view(),
        name="template_delete",
    ),
    path(
        "templates/<int:pk>/attachment/",
        views.TemplateAttachmentView.as_view(),
        name="template_attachment",
    ),
    path(
        "templates/<int:pk>/languages/<int:language_pk>/attachment/",
        views.TemplateLanguageAttachmentView.as_view(),
        name="template_language_attachment",
    ),
    path(
        "templates/<int:pk>/languages/new/",
        views.TemplateLanguageCreateView.as_view(),
        name="template_language_create",
    ),
    path(
        "templates/<int:pk>/languages/<int:language_pk>/edit/",
        views.TemplateLanguageUpdateView.as_view(),
        name="template_language_update",
    ),
    path(
        "templates/<int:pk>/languages/<int:language_pk>/delete/",
        views.TemplateLanguageDeleteView.as_view(),
        name="template_language_delete",
    ),
]
