from django.urls import path

from privacy.views import subject

app_name = "privacy"

urlpatterns = [
    # subject: the data-subject export and erasure
    path(
        "contacts/<int:pk>/export/",
        subject.ContactExportView.as_view(),
        name="contact_export",
    ),
    path(
        "exports/<int:pk>/download/",
        subject.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path(
        "contacts/<int:pk>/erase/",
        subject.ContactEraseView.as_view(),
        name="contact_erase",
    ),
]
