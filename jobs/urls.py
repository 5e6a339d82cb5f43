from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="list"),
    path("toasts/", views.JobToastsView.as_view(), name="toasts"),
    path("<int:pk>/row/", views.JobRowView.as_view(), name="row"),
    path("<int:pk>/cancel/", views.JobCancelView.as_view(), name="cancel"),
    path("<int:pk>/download/", views.JobDownloadView.as_view(), name="download"),
    path("<int:pk>/retry/", views.JobRetryView.as_view(), name="retry"),
]
