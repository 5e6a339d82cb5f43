from django.urls import path

from privacy.views import retention, subject

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
    path("retention/", retention.RetentionView.as_view(), name="retention"),
    path(
        "retention/policies/new/",
        retention.RetentionPolicyCreateView.as_view(),
        name="retention_policy_create",
    ),
    path(
        "retention/policies/<int:pk>/edit/",
        retention.RetentionPolicyUpdateView.as_view(),
        name="retention_policy_update",
    ),
    path(
        "retention/policies/<int:pk>/delete/",
        retention.RetentionPolicyDeleteView.as_view(),
        name="retention_policy_delete",
    ),
    path(
        "retention/plan/", retention.RetentionPlanView.as_view(), name="retention_plan"
    ),
    path("retention/run/", retention.RetentionRunView.as_view(), name="retention_run"),
    path(
        "retention/runs/",
        retention.RetentionRunListView.as_view(),
        name="retention_runs",
    ),
]
