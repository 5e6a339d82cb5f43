"""The tasks of the HTTP API: list (with the task list's filters), create, read,
change and complete, each through tasks.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from api.filters import StrictBooleanFilter
from api.permissions import HasPermission
from api.serializers import (
    CodeField,
    DetailSerializer,
    InteractionLogEntrySerializer,
    MinutesField,
    TimeField,
    nullable_code,
)
from api.views import (
    INVALID_PAGE,
    call_service,
    conflict_response,
    error_responses,
    if_match,
    stale_response,
    tagged,
)
from crm.models import Contact, Salesperson
from interactions.models import Evaluation, InteractionTemplate
from tasks import services
from tasks.filters import TaskFilter
from tasks.models import Task

# A task that does not exist or that the user may not see.
UNKNOWN_TASK = OpenApiResponse(DetailSerializer, description="Unknown task.")
CLOSED_TASK = conflict_response("The task is closed and can no longer be changed.")
ETAG = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=(
        "The task's ETag as read (GET): the change is made only if the task is "
        "still at that version, else 412. Without it the change is made whatever "
        "changed since."
    ),
)
CHANGED_TASK = stale_response(
    "The task has changed since the version in If-Match; nothing was changed."
)


class StrictBooleanField(serializers.BooleanField):
    """JSON's true or false only: DRF's BooleanField also takes 0, 1, "yes"…"""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class TaskSerializer(serializers.ModelSerializer):
    contact = nullable_code("no")
    salesperson = nullable_code("code")
    template = nullable_code("code")
    start_time = TimeField(read_only=True, allow_null=True)
    ending_time = TimeField(read_only=True, allow_null=True)
    type = serializers.ChoiceField(
        choices=Task.Type.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Task
        fields = [
            "no",
            "type",
            "description",
            "contact",
            "salesperson",
            "date",
            "start_time",
            "duration",
            "ending_date",
            "ending_time",
            "all_day",
            "location",
            "priority",
            "status",
            "closed",
            "date_closed",
            "canceled",
            "recurring",
            "recurring_date_interval",
            "calc_due_date_from",
            "template",
            "segment_no",
            "source_entry_no",
            "logged_entry_no",
        ]
        read_only_fields = fields


class TaskWriteSerializer(serializers.Serializer):
    """The fields of "Taak maken"; on a change only those sent are changed."""

    # min_length: a blank one is refused, which the schema then says (minLength).
    description = serializers.CharField(
        label=_("Description"), min_length=1, max_length=100
    )
    type = serializers.ChoiceField(
        label=_("Type"), choices=Task.Type.choices, required=False, allow_blank=True
    )
    contact = CodeField(
        label=_("Contact no."),
        slug_field="no",
        queryset=Contact.objects.select_related("company", "salesperson"),
        required=False,
        allow_null=True,
        message=_("There is no contact with the number {value}."),
    )
    salesperson = CodeField(
        label=_("Salesperson code"),
        slug_field="code",
        queryset=Salesperson.objects.all(),
        required=False,
        allow_null=True,
        message=_("There is no salesperson with the code {value}."),
        help_text=_("Left out on create: your own salesperson, else the contact's."),
    )
    template = CodeField(
        label=_("Interaction template code"),
        slug_field="code",
        queryset=InteractionTemplate.objects.all(),
        required=False,
        allow_null=True,
        message=_("There is no interaction template with the code {value}."),
    )
    date = serializers.DateField(label=_("Date"), required=False)
    start_time = TimeField(label=_("Start time"), required=False, allow_null=True)
    duration = MinutesField(label=_("Duration (min.)"), required=False, min_value=0)
    all_day = StrictBooleanField(label=_("All day event"), required=False)
    location = serializers.CharField(
        label=_("Location"), max_length=50, required=False, allow_blank=True
    )
    priority = serializers.ChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, required=False
    )
    status = serializers.ChoiceField(
        label=_("Status"),
        choices=[c for c in Task.Status.choices if c[0] != Task.Status.COMPLETED],
        required=False,
        help_text=_("Complete a task with its complete endpoint."),
    )
    recurring = StrictBooleanField(label=_("Recurring"), required=False)
    recurring_date_interval = serializers.CharField(
        label=_("Recurring date interval"),
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("A date formula such as 1W, 2M or CM+1D."),
    )
    calc_due_date_from = serializers.ChoiceField(
        label=_("Calc. due date from"), choices=Task.CalcFrom.choices, required=False
    )


class CompleteSerializer(serializers.Serializer):
    log_interaction = StrictBooleanField(
        required=False,
        default=True,
        help_text=_("Log the task's interaction template (when it has one)."),
    )
    evaluation = serializers.ChoiceField(
        choices=Evaluation.choices, required=False, allow_blank=True
    )


class CompletedSerializer(serializers.Serializer):
    task = TaskSerializer(read_only=True)
    entry = InteractionLogEntrySerializer(read_only=True, allow_null=True)
    next_task = TaskSerializer(read_only=True, allow_null=True)


class TaskApiFilter(TaskFilter):
    closed = StrictBooleanFilter(label=_("Closed"))
    overdue = StrictBooleanFilter(label=_("Overdue"), method="filter_overdue")


class VisibleTasksMixin:
    permission_classes = [HasPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()  # the schema is made without a user
        return Task.objects.visible_to(self.request.user).with_related()


@extend_schema_view(
    get=extend_schema(
        summary="List tasks",
        description=(
            "The tasks you may see (Sales: your own and unassigned ones), with the "
            "filters of the task list, by date."
        ),
        responses={
            200: TaskSerializer(many=True),
            **error_responses({"date_from": ["Enter a valid date."]}),
            404: INVALID_PAGE,
        },
    ),
    post=extend_schema(
        summary="Create task",
        request=TaskWriteSerializer,
        responses={
            201: OpenApiResponse(TaskSerializer, description="The new task."),
            **error_responses({"description": ["This field is required."]}),
        },
    ),
)
class TaskListCreateView(VisibleTasksMixin, generics.ListCreateAPIView):
    permission_required = {"GET": "tasks.view_task", "POST": "tasks.add_task"}
    serializer_class = TaskSerializer
    filterset_class = TaskApiFilter

    def post(self, request):
        serializer = TaskWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = call_service(
            services.create_task, user=request.user, **serializer.validated_data
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Read a task",
        description="Its ETag header is its version, for If-Match on a change.",
        responses={
            200: TaskSerializer,
            **error_responses({"detail": "Not found."}),
            404: UNKNOWN_TASK,
        },
    ),
    patch=extend_schema(
        summary="Change a task",
        request=TaskWriteSerializer,
        parameters=[ETAG],
        responses={
            200: TaskSerializer,
            **error_responses({"priority": ['"urgent" is not a valid choice.']}),
            404: UNKNOWN_TASK,
            409: CLOSED_TASK,
            412: CHANGED_TASK,
        },
    ),
)
class TaskDetailView(VisibleTasksMixin, generics.RetrieveAPIView):
    permission_required = {"GET": "tasks.view_task", "PATCH": "tasks.change_task"}
    serializer_class = TaskSerializer
    lookup_field = "no"

    def get(self, request, no):
        task = self.get_object()
        return tagged(Response(TaskSerializer(task).data), task)

    def patch(self, request, no):
        task = self.get_object()
        serializer = TaskWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        task = call_service(
            services.update_task,
            task=task,
            user=request.user,
            seen_version=if_match(request),
            **serializer.validated_data,
        )
        return tagged(Response(TaskSerializer(task).data), task)


@extend_schema(
    summary="Complete a task",
    description=(
        "Closes the task. With an interaction template its interaction is logged "
        "with the task's contact and salesperson (unless `log_interaction` is "
        "false); a recurring task gets its next one. All or nothing."
    ),
    request=CompleteSerializer,
    responses={
        200: CompletedSerializer,
        **error_responses({"evaluation": ['"great" is not a valid choice.']}),
        404: UNKNOWN_TASK,
        409: CLOSED_TASK,
    },
)
class TaskCompleteView(VisibleTasksMixin, generics.GenericAPIView):
    permission_required = {"POST": "tasks.change_task"}
    serializer_class = CompleteSerializer
    lookup_field = "no"

    def post(self, request, no):
        task = self.get_object()
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        log_interaction = values.pop("log_interaction")
        if not (log_interaction and task.template_id):
            values.pop("evaluation", None)
        completion = call_service(
            services.complete_task,
            task=task,
            user=request.user,
            log_interaction=log_interaction,
            **values,
        )
        return Response(CompletedSerializer(completion._asdict()).data)
