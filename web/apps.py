from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class WebConfig(AppConfig):
    """The shared web plumbing: view mixins, export writer, pagination, filters,
    lookups, security middleware, static storage. It imports no domain app."""

    name = "web"
    verbose_name = _("Web")


# Two libraries name their app in English without gettext ("Axes" from the label,
# "Tasks Database Backend"); INSTALLED_APPS lists these instead, which keep the label,
# models and ready() of the library and only give the admin a Dutch name.
# default = False: the app "web" itself keeps WebConfig.


class AxesConfig(axes_apps.AppConfig):
    """django-axes (login rate limiting) under a translated name."""

    default = False
    verbose_name = _("Login protection")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # axes names its rows in English with the time in UTC ("Attempted Access:
        # 2026-12-06 13:20:34.184335+00:00"), which the admin shows as the title of
        # a row, in its breadcrumb and in the delete question.
        AccessAttempt.__str__ = attempt_name(_("Login attempt by %(user)s at %(time)s"))
        AccessFailureLog.__str__ = attempt_name(
            _("Failed login by %(user)s at %(time)s")
        )
        AccessLog.__str__ = attempt_name(_("Login by %(user)s at %(time)s"))


class TasksDatabaseConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks-db (the queue of background jobs) under a translated name."""

    default = False
    verbose_name = _("Background job queue")

    def ready(self):
        super().ready()
        from django_tasks_db.models import DBTaskResult

        # Django's default "DBTaskResult object (<id>)", the title of a row.
        DBTaskResult.__str__ = task_result_name


def attempt_name(text):
    """A __str__ for axes' rows: `text` with the user name and the local time."""

    def name(row):
        time = formats.date_format(
            timezone.localtime(row.attempt_time), "DATETIME_FORMAT"
        )
        return str(text) % {"user": row.username or "-", "time": time}

    return name


def task_result_name(row):
    """A __str__ for django-tasks-db's rows: the task's name and the row's id."""
    return _("Task %(name)s (%(id)s)") % {"name": row.task_name, "id": row.pk}
