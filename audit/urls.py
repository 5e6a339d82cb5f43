from django.urls import path

from audit import views
from web.exports import export_path

app_name = "audit"

urlpatterns = [
    path("setup/audit-trail/", views.AuditRecordListView.as_view(), name="list"),
    export_path("setup/audit-trail/", views.AuditRecordExportView, "export"),
]
