"""Domain operations on tasks; pages, admin, the API and jobs call these.

- tasks: create, change, complete, cancel, postpone one task; reassign many
- segments: a task per contact of a segment or logged segment
- reminders: the daily e-mail and the calendar feed, written by calendar
"""

from tasks.services.segments import SEGMENT_TASK_FIELDS, create_tasks_for_segment
from tasks.services.tasks import (
    TASK_FIELDS,
    Completion,
    cancel_task,
    complete_task,
    create_task,
    postpone_task,
    reassign_tasks,
    update_task,
)

__all__ = [
    "SEGMENT_TASK_FIELDS",
    "TASK_FIELDS",
    "Completion",
    "cancel_task",
    "complete_task",
    "create_task",
    "create_tasks_for_segment",
    "postpone_task",
    "reassign_tasks",
    "update_task",
]
