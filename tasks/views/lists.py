"""The task pages that show tasks: Mijn taken, the task list with Reassign, the
task card, the week and the statistics."""

import datetime

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from crm.models import Salesperson
from interactions.views.bulk import BulkActionView
from tasks import services
from tasks.filters import TaskFilter
from tasks.forms import PostponeForm, TaskSelectionForm
from tasks.models import Priority, Status, Task, TaskType
from web.exports import Column, Kind
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    back_to_list,
)

# Rows a section of Mijn taken shows; "Show all" opens the filtered task list.
SECTION_SIZE = 25


def week_end(day):
    """The Sunday of `day`'s week (weeks run Monday to Sunday)."""
    return day + datetime.timedelta(days=7 - day.isoweekday())


class MyTasksView(PermissionRequiredMixin, TemplateView):
    """Mijn taken: the open tasks of the user's salesperson by when they are due."""

    permission_required = "tasks.view_task"
    template_name = "tasks/my_tasks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        salesperson = Salesperson.objects.filter(user=self.request.user).first()
        context["salesperson"] = salesperson
        if salesperson is None:
            return context
        today = timezone.localdate()
        sunday = week_end(today)
        tomorrow = today + datetime.timedelta(days=1)
        mine = Task.objects.open().for_salesperson(salesperson).with_related()
        list_url = reverse("tasks:task_list")
        base = f"{list_url}?salesperson={salesperson.code}&closed=false"
        sections = [
            (_("Overdue"), mine.filter(date__lt=today), f"{base}&overdue=true"),
            (
                _("Today"),
                mine.filter(date=today),
                f"{base}&date_from={today}&date_to={today}",
            ),
            (
                _("This week"),
                mine.filter(date__gt=today, date__lte=sunday),
                f"{base}&date_from={tomorrow}&date_to={sunday}",
            ),
            (
                _("Later"),
                mine.filter(date__gt=sunday),
                f"{base}&date_from={sunday + datetime.timedelta(days=1)}",
            ),
        ]
        context["sections"] = []
        for title, queryset, url in sections:
            # One row more than shown says whether there are more.
            rows = list(queryset[: SECTION_SIZE + 1])
            context["sections"].append(
                {
                    "title": title,
                    "tasks": rows[:SECTION_SIZE],
                    "more": len(rows) > SECTION_SIZE,
                    "url": url,
                }
            )
        context["today"] = today
        return context


class TaskListView(PermissionRequiredMixin, FilterView):
    """Every task the user may see, filtered, sorted and in pages."""

    permission_required = "tasks.view_task"
    filterset_class = TaskFilter
    paginate_by = PAGE_SIZE
    template_name = "tasks/task_list.html"

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            today=timezone.localdate(),
            reassign_form=TaskSelectionForm(
                queryset=Task.objects.none(), filterset_class=TaskFilter
            ),
            **kwargs,
        )


class TaskExportView(AuditedExportMixin, TaskListView):
    """The filtered tasks as a file, in the list's order (Exporteren)."""

    export_title = gettext_lazy("Tasks")
    columns = [
        Column("no", gettext_lazy("No."), width=12),
        Column("date", gettext_lazy("Date"), Kind.DATE),
        Column("start_time", gettext_lazy("Start time"), Kind.TIME),
        Column("ending_date", gettext_lazy("Ending date"), Kind.DATE),
        Column("description", gettext_lazy("Description"), width=40),
        Column("type", gettext_lazy("Type"), Kind.CHOICE, choices=TaskType.choices),
        Column("contact_no", gettext_lazy("Contact no."), source="contact__no"),
        Column(
            "contact_name",
            gettext_lazy("Contact name"),
            source="contact__name",
            width=30,
        ),
        Column("company_no", gettext_lazy("Company no."), source="contact_company__no"),
        Column("salesperson", gettext_lazy("Salesperson"), source="salesperson__code"),
        Column(
            "priority", gettext_lazy("Priority"), Kind.CHOICE, choices=Priority.choices
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            Kind.CHOICE,
            choices=Status.choices,
            width=16,
        ),
        Column("closed", gettext_lazy("Closed"), Kind.BOOLEAN),
        Column("date_closed", gettext_lazy("Date closed"), Kind.DATE),
        Column("canceled", gettext_lazy("Canceled"), Kind.BOOLEAN),
        Column("segment_no", gettext_lazy("Segment no."), width=12),
    ]


class TaskReassignView(BadInputMixin, BulkActionView):
    """Toewijzen aan verkoper: the ticked tasks, or all matching the filter, go to
    one salesperson. Sales may only reassign the tasks they see (their own and the
    unassigned ones)."""

    permission_required = "tasks.change_task"
    template_name = "tasks/reassign_confirm.html"
    form_class = TaskSelectionForm
    filterset_class = TaskFilter
    list_url = "tasks:task_list"
    allowed_actions = ("reassign",)

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user)

    def post(self, request):
        # Bad input (a task the user may not see, no salesperson, a broken filter)
        # says what is wrong with a 400 rather than going back to the list.
        form = self.form_class(
            request.POST,
            queryset=self.get_queryset(),
            filterset_class=self.filterset_class,
        )
        if not form.is_valid():
            return self.form_invalid(
                form,
                errors=form.errors.get("__all__") or [_("The request was not valid.")],
                back=back_to_list(self.list_url, request.POST.get("query", "")),
            )
        return super().post(request)

    def question(self, action, count, data):
        return ngettext(
            "Do you wish to assign the selected %(count)s task to %(salesperson)s?",
            "Do you wish to assign the selected %(count)s tasks to %(salesperson)s?",
            count,
        ) % {"count": count, "salesperson": data["salesperson"]}

    def perform(self, action, entries, data, criteria):
        return services.reassign_tasks(
            entries, salesperson=data["salesperson"], user=self.request.user
        )

    def done_message(self, action, count):
        return ngettext(
            "%(count)d task assigned.", "%(count)d tasks assigned.", count
        ) % {"count": count}


class VisibleTaskMixin:
    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).with_related()


class TaskDetailView(PermissionRequiredMixin, VisibleTaskMixin, DetailView):
    permission_required = "tasks.view_task"
    context_object_name = "task"
    template_name = "tasks/task_detail.html"

    def get_context_data(self, **kwargs):
        task = self.object
        return super().get_context_data(
            today=timezone.localdate(),
            postpone_form=PostponeForm(initial={"to": task.earliest_postpone_date()}),
            attendee_contacts=task.attendee_contacts.all(),
            attendee_salespeople=task.attendee_salespeople.all(),
            next_task=Task.objects.filter(previous=task).first(),
            **kwargs,
        )


class WeekView(PermissionRequiredMixin, TemplateView):
    """The calendar of one week (Monday to Sunday) of a salesperson's tasks: the
    user's own unless `?salesperson=` names another they may see; `?date=` picks
    the week."""

    permission_required = "tasks.view_task"
    template_name = "tasks/week.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            day = datetime.date.fromisoformat(self.request.GET.get("date", ""))
        except ValueError:
            day = today
        monday = day - datetime.timedelta(days=day.isoweekday() - 1)
        code = self.request.GET.get("salesperson", "")
        if code:
            salesperson = Salesperson.objects.filter(code=code).first()
        else:
            salesperson = Salesperson.objects.filter(user=self.request.user).first()
        tasks = (
            Task.objects.visible_to(self.request.user)
            .filter(
                salesperson=salesperson,
                date__gte=monday,
                date__lte=monday + datetime.timedelta(days=6),
            )
            .with_related()
        )
        days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
        by_day = {day: [] for day in days}
        for task in tasks:
            by_day[task.date].append(task)
        context.update(
            salesperson=salesperson,
            days=list(by_day.items()),
            today=today,
            previous_week=monday - datetime.timedelta(days=7),
            next_week=monday + datetime.timedelta(days=7),
            week_number=monday.isocalendar().week,
        )
        return context


class TaskStatisticsView(PermissionRequiredMixin, TemplateView):
    """Per salesperson: open tasks, overdue ones, completed this month; one query.
    CRM admins see every salesperson, Sales their own."""

    permission_required = "tasks.view_task"
    template_name = "tasks/statistics.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        salespeople = Salesperson.objects.order_by("code")
        if not self.request.user.has_perm("tasks.view_all_tasks"):
            salespeople = salespeople.filter(user=self.request.user)
        open_tasks = Q(tasks__closed=False)
        rows = salespeople.annotate(
            open_count=Count("tasks", filter=open_tasks),
            overdue_count=Count("tasks", filter=open_tasks & Q(tasks__date__lt=today)),
            completed_count=Count(
                "tasks",
                filter=Q(
                    tasks__status=Task.Status.COMPLETED,
                    tasks__date_closed__gte=today.replace(day=1),
                ),
            ),
        )
        return super().get_context_data(rows=rows, **kwargs)
