"""The task pages that change tasks: "Taak maken" from a contact, salesperson,
entry, segment or logged segment, edit, and the buttons of the task card."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, View

from crm.models import Contact, Salesperson
from crm.views import SeriesNoteMixin
from interactions.models import InteractionLogEntry
from interactions.services import default_salesperson
from segments.models import LoggedSegment, Segment
from tasks import services
from tasks.forms import PostponeForm, SegmentTaskForm, TaskForm
from tasks.models import Task
from web.views import (
    BadInputMixin,
    PermissionFirstMixin,
    add_service_error,
    next_url,
)


def _named(model, **key):
    """The row a query parameter names, or None: a value holding NUL names none
    (nothing stored has one, and PostgreSQL refuses it in a query)."""
    if any("\x00" in value for value in key.values()):
        return None
    return model.objects.filter(**key).first()


class TaskCreateView(PermissionFirstMixin, BadInputMixin, SeriesNoteMixin, FormView):
    """Taak maken, prefilled from `?contact=`, `?salesperson=` or `?entry=` (the task
    then follows up that interaction log entry)."""

    permission_required = "tasks.add_task"
    form_class = TaskForm
    template_name = "tasks/task_form.html"
    series_fields = ("task_nos",)

    def load(self, request, **kwargs):
        self.entry = None
        entry_no = request.GET.get("entry", "")
        if entry_no:
            self.entry = get_object_or_404(
                InteractionLogEntry.objects.visible().select_related(
                    "contact", "salesperson"
                ),
                pk=entry_no if entry_no.isdigit() else 0,
            )

    def get_initial(self):
        initial = {"date": timezone.localdate()}
        query = self.request.GET
        if self.entry is not None:
            initial.update(
                contact=self.entry.contact,
                salesperson=self.entry.salesperson,
                description=_("Follow-up: %(description)s")
                % {"description": self.entry.description},
            )
        if query.get("contact"):
            initial["contact"] = _named(Contact, no=query["contact"])
        if query.get("salesperson"):
            initial["salesperson"] = _named(Salesperson, code=query["salesperson"])
        if initial.get("salesperson") is None:
            # As "Interactie maken": the user's own, so the task is in Mijn taken.
            initial["salesperson"] = default_salesperson(
                user=self.request.user, contact=initial.get("contact")
            )
        return initial

    def form_valid(self, form):
        values = form.values()
        if self.entry is not None:
            values["source_entry_no"] = self.entry.pk
        try:
            task = services.create_task(user=self.request.user, **values)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Task %(no)s created.") % {"no": task.no})
        return HttpResponseRedirect(task.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=_("Create task"), **kwargs)
        initial = context["form"].initial
        query = self.request.GET
        if self.entry is not None:
            trail = [
                (reverse("interactions:entry_list"), _("Interaction log entries")),
                (self.entry.get_absolute_url(), self.entry.pk),
            ]
        elif query.get("contact") and initial.get("contact"):
            contact = initial["contact"]
            trail = [
                (reverse("crm:contact_list"), _("Contacts")),
                (contact.get_absolute_url(), contact.name),
            ]
        elif query.get("salesperson") and initial.get("salesperson"):
            salesperson = initial["salesperson"]
            trail = [
                (reverse("crm:salesperson_list"), _("Salespeople")),
                (salesperson.get_absolute_url(), salesperson.name),
            ]
        else:
            trail = [(reverse("tasks:my_tasks"), _("My tasks"))]
        return {**context, "entry": self.entry, "trail": trail}


class SegmentTaskCreateView(
    PermissionFirstMixin, BadInputMixin, SeriesNoteMixin, FormView
):
    """Taak maken on a segment or a logged segment: a task for each of its contacts."""

    permission_required = ("tasks.add_task", "segments.view_segment")
    form_class = SegmentTaskForm
    template_name = "tasks/task_form.html"
    series_fields = ("task_nos",)
    list_url = "segments:segment_list"

    def load(self, request, **kwargs):
        self.segment = get_object_or_404(Segment, no=kwargs["no"])

    def get_initial(self):
        return {"date": timezone.localdate(), "description": self.segment.description}

    def form_valid(self, form):
        try:
            count = services.create_tasks_for_segment(
                self.segment, user=self.request.user, **form.values()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext("%(count)d task created.", "%(count)d tasks created.", count)
            % {"count": count},
        )
        return HttpResponseRedirect(
            f"{reverse('tasks:task_list')}?segment_no={self.segment_no()}"
        )

    def segment_no(self):
        return self.segment.no

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Create tasks for segment %(no)s") % {"no": self.segment_no()},
            segment=self.segment,
            trail=[
                (reverse(self.list_url), self.segment._meta.verbose_name_plural),
                (self.segment.get_absolute_url(), self.segment_no()),
            ],
            **kwargs,
        )


class LoggedSegmentTaskCreateView(SegmentTaskCreateView):
    permission_required = ("tasks.add_task", "segments.view_loggedsegment")
    list_url = "segments:loggedsegment_list"

    def load(self, request, **kwargs):
        self.segment = get_object_or_404(LoggedSegment, pk=kwargs["pk"])

    def segment_no(self):
        return self.segment.segment_no


class TaskUpdateView(PermissionFirstMixin, BadInputMixin, FormView):
    permission_required = "tasks.change_task"
    form_class = TaskForm
    template_name = "tasks/task_form.html"

    def load(self, request, **kwargs):
        self.task = get_object_or_404(
            Task.objects.visible_to(request.user), pk=kwargs["pk"]
        )
        if self.task.closed:
            messages.error(
                request,
                _("Task %(no)s is closed and can no longer be changed.")
                % {"no": self.task.no},
            )
            return HttpResponseRedirect(self.task.get_absolute_url())
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.task, "creating": False}

    def form_valid(self, form):
        # The form put its values on the instance; the service checks and saves them.
        values = form.values()
        self.task.refresh_from_db()
        try:
            services.update_task(
                self.task,
                user=self.request.user,
                seen_version=form.seen_version,
                **values,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Task %(no)s saved.") % {"no": self.task.no})
        return HttpResponseRedirect(self.task.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit task %(no)s") % {"no": self.task.no},
            task=self.task,
            trail=[
                (reverse("tasks:task_list"), _("Tasks")),
                (self.task.get_absolute_url(), self.task.no),
            ],
            **kwargs,
        )


class TaskActionView(PermissionFirstMixin, View):
    """A button on a task (POST only): run one service, say what it did, go back."""

    permission_required = "tasks.change_task"
    http_method_names = ["post"]

    def load(self, request, **kwargs):
        self.task = get_object_or_404(
            Task.objects.visible_to(request.user), pk=kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform(request)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(next_url(request, self.task.get_absolute_url()))


class TaskCompleteView(TaskActionView):
    """Voltooid: close the task and log its interaction (when it has a template)."""

    def perform(self, request):
        task, entry, next_task = services.complete_task(self.task, user=request.user)
        message = _("Task %(no)s completed.") % {"no": task.no}
        if entry is not None:
            message += " " + _("Interaction %(entry)s logged.") % {"entry": entry.pk}
        if next_task is not None:
            message += " " + _("Next task %(no)s on %(date)s.") % {
                "no": next_task.no,
                "date": formats.date_format(next_task.date, "SHORT_DATE_FORMAT"),
            }
        return message


class TaskCancelView(TaskActionView):
    def perform(self, request):
        task = services.cancel_task(self.task, user=request.user)
        return _("Task %(no)s canceled.") % {"no": task.no}


class TaskPostponeView(TaskActionView):
    def perform(self, request):
        form = PostponeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                [error for errors in form.errors.values() for error in errors]
            )
        task = services.postpone_task(
            self.task, to=form.cleaned_data["to"], user=request.user
        )
        return _("Task %(no)s postponed to %(date)s.") % {
            "no": task.no,
            "date": formats.date_format(task.date, "SHORT_DATE_FORMAT"),
        }
