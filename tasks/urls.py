from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tasks import feeds, views
from web.exports import export_path

app_name = "tasks"

urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    export_path("", views.TaskExportView, "task_export"),
    path("reassign/", views.TaskReassignView.as_view(), name="task_reassign"),
    path("mine/", views.MyTasksView.as_view(), name="my_tasks"),
    path("week/", views.WeekView.as_view(), name="week"),
    path("statistics/", views.TaskStatisticsView.as_view(), name="statistics"),
    path("new/", views.TaskCreateView.as_view(), name="task_create"),
    path(
        "segment/<str:no>/new/",
        views.SegmentTaskCreateView.as_view(),
        name="segment_task_create",
    ),
    path(
        "logged-segment/<int:pk>/new/",
        views.LoggedSegmentTaskCreateView.as_view(),
        name="loggedsegment_task_create",
    ),
    path(
        "calendar/", feeds.CalendarFeedSettingsView.as_view(), name="calendar_settings"
    ),
    # No login: calendar programs read it with the secret token alone.
    path(
        "calendar/<str:token>.ics",
        login_not_required(feeds.CalendarFeedView.as_view()),
        name="calendar_feed",
    ),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_update"),
    path("<int:pk>/complete/", views.TaskCompleteView.as_view(), name="task_complete"),
    path("<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task_cancel"),
    path("<int:pk>/postpone/", views.TaskPostponeView.as_view(), name="task_postpone"),
]
