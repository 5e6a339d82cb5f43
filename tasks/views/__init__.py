"""The task pages (tasks.urls), one module per family:

- lists: Mijn taken, the task list, the task card, the week, the statistics
- forms: Taak maken, edit, and the task card's buttons
"""

from tasks.views.forms import (
    LoggedSegmentTaskCreateView,
    SegmentTaskCreateView,
    TaskActionView,
    TaskCancelView,
    TaskCompleteView,
    TaskCreateView,
    TaskPostponeView,
    TaskUpdateView,
)
from tasks.views.lists import (
    MyTasksView,
    TaskDetailView,
    TaskExportView,
    TaskListView,
    TaskReassignView,
    TaskStatisticsView,
    WeekView,
)

__all__ = [
    "LoggedSegmentTaskCreateView",
    "MyTasksView",
    "SegmentTaskCreateView",
    "TaskActionView",
    "TaskCancelView",
    "TaskCompleteView",
    "TaskCreateView",
    "TaskDetailView",
    "TaskExportView",
    "TaskListView",
    "TaskPostponeView",
    "TaskReassignView",
    "TaskStatisticsView",
    "TaskUpdateView",
    "WeekView",
]
