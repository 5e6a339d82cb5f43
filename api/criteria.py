"""The segment criteria actions in the HTTP API: Add / Reduce / Refine by criteria
with NAV's options, and Go back; each calls the service the pages call."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.permissions import HasPermission
from api.serializers import DetailSerializer
from api.views import call_service, error_responses
from segments import services
from segments.models import CriteriaActionKind, Segment

CRITERIA_HELP = _(
    "The contact filters by their parameter names and query-string values "
    '(`{"city": "Utrecht", "type": "person"}`); interaction criteria under '
    '`"entries"` with the entry filters\' names and `"has": true|false`; another '
    "open segment's or a logged segment's id under `\"segment\"` / "
    '`"logged_segment"`. `{}` names every contact.'
)


class CriteriaField(serializers.DictField):
    """The criteria dict as given; the service checks names and values."""


class AddContactsSerializer(serializers.Serializer):
    criteria = CriteriaField(label=_("Criteria"), help_text=CRITERIA_HELP)
    allow_existing = serializers.BooleanField(
        label=_("Allow existing contacts"), required=False, default=False
    )
    expand_contact = serializers.BooleanField(
        label=_("Expand contact"), required=False, default=False
    )
    allow_company_with_persons = serializers.BooleanField(
        label=_("Allow company with persons"), required=False, default=False
    )
    ignore_exclusion = serializers.BooleanField(
        label=_("Ignore exclusion"), required=False, default=False
    )


class RemoveContactsSerializer(serializers.Serializer):
    criteria = CriteriaField(label=_("Criteria"), help_text=CRITERIA_HELP)
    entire_companies = serializers.BooleanField(
        label=_("Entire companies"), required=False, default=False
    )


class ActionResultSerializer(serializers.Serializer):
    segment = serializers.CharField(read_only=True)
    action = serializers.ChoiceField(choices=CriteriaActionKind.choices, read_only=True)
    changed = serializers.IntegerField(
        read_only=True, help_text="Lines added (Add) or removed (Reduce, Refine)."
    )
    line_count = serializers.IntegerField(read_only=True)


class CriteriaActionSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(read_only=True)
    action = serializers.ChoiceField(choices=CriteriaActionKind.choices, read_only=True)
    criteria = serializers.DictField(read_only=True)
    options = serializers.DictField(child=serializers.BooleanField(), read_only=True)
    lines_before = serializers.IntegerField(read_only=True)
    lines_after = serializers.IntegerField(read_only=True)


class GoBackResultSerializer(serializers.Serializer):
    segment = serializers.CharField(read_only=True)
    undone = CriteriaActionSerializer(read_only=True)
    line_count = serializers.IntegerField(read_only=True)


NOT_FOUND = OpenApiResponse(
    DetailSerializer, description="No such segment (or it has been logged)."
)


class SegmentApiMixin:
    permission_classes = [HasPermission]
    permission_required = {"POST": "segments.change_segment"}

    def get_segment(self):
        segment = Segment.objects.filter(no=self.kwargs["no"]).first()
        if segment is None:
            raise NotFound(
                _("There is no open segment with the number %(no)s.")
                % {"no": self.kwargs["no"]}
            )
        return segment


class CriteriaActionView(SegmentApiMixin, generics.GenericAPIView):
    """POST criteria and options → the action on the segment, recorded in its
    criteria (Segmentcriteria), undone with go-back."""

    action = None
    service = None

    def post(self, request, no):
        segment = self.get_segment()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        changed = call_service(
            self.service, segment=segment, user=request.user, **values
        )
        return Response(
            ActionResultSerializer(
                {
                    "segment": segment.no,
                    "action": self.action,
                    "changed": changed,
                    "line_count": segment.lines.count(),
                }
            ).data
        )


def action_schema(summary, description, serializer, example):
    return extend_schema(
        summary=summary,
        description=description,
        request=serializer,
        responses={
            200: OpenApiResponse(ActionResultSerializer, description="Done."),
            **error_responses(example),
            404: NOT_FOUND,
        },
    )


@action_schema(
    "Add contacts by criteria",
    "NAV's Contacten toevoegen: adds a line for each contact the criteria name. "
    "Contacts already in the segment are skipped unless `allow_existing` (then their "
    "line is renewed with the header's values); `expand_contact` also adds a "
    "person's company and a company's persons; without `allow_company_with_persons` "
    "a company is left out when persons of it are added; contacts marked "
    "“exclude from segment” are skipped unless `ignore_exclusion`.",
    AddContactsSerializer,
    {"non_field_errors": ["Unknown criteria: town."]},
)
class AddContactsView(CriteriaActionView):
    serializer_class = AddContactsSerializer
    action = CriteriaActionKind.ADD
    service = staticmethod(services.add_contacts_by_criteria)


@action_schema(
    "Reduce: remove contacts by criteria",
    "NAV's Contacten verwijderen - Verkleinen: removes the lines of the contacts "
    "the criteria name; with `entire_companies` a company's persons go with it.",
    RemoveContactsSerializer,
    {"criteria": ['Expected a dictionary of items but got type "str".']},
)
class ReduceView(CriteriaActionView):
    serializer_class = RemoveContactsSerializer
    action = CriteriaActionKind.REDUCE
    service = staticmethod(services.reduce_contacts)


@action_schema(
    "Refine: keep only contacts by criteria",
    "NAV's Contacten verwijderen - Verfijnen: keeps only the lines of the contacts "
    "the criteria name and removes the others; with `entire_companies` a company's "
    "persons stay with it.",
    RemoveContactsSerializer,
    {"non_field_errors": ["Type: Select a valid choice. robot is not one of…"]},
)
class RefineView(CriteriaActionView):
    serializer_class = RemoveContactsSerializer
    action = CriteriaActionKind.REFINE
    service = staticmethod(services.refine_contacts)


@extend_schema(
    summary="Go back",
    description=(
        "NAV's Vorige: undoes the segment's last criteria action exactly (the lines "
        "it added go, the lines it removed come back with their values). Refused "
        "with 400 when no action is left to undo."
    ),
    request=None,
    responses={
        200: OpenApiResponse(GoBackResultSerializer, description="Undone."),
        **error_responses(
            {"non_field_errors": ["Segment SM00001 has no criteria action left…"]}
        ),
        404: NOT_FOUND,
    },
)
class GoBackView(SegmentApiMixin, generics.GenericAPIView):
    serializer_class = GoBackResultSerializer

    def post(self, request, no):
        segment = self.get_segment()
        undone = call_service(services.go_back, segment=segment, user=request.user)
        return Response(
            GoBackResultSerializer(
                {
                    "segment": segment.no,
                    "undone": undone,
                    "line_count": segment.lines.count(),
                }
            ).data
        )
