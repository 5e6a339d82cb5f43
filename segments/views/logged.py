"""The logged segments: their list, its export, cancel and un-cancel."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import View
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from segments import services
from segments.filters import LoggedSegmentFilter
from segments.forms import LoggedSegmentCancelForm
from segments.models import LoggedSegment
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.views import PAGE_SIZE, back_to_list


def logged_list_for(segment_no):
    return f"{reverse('segments:loggedsegment_list')}?{urlencode({'q': segment_no})}"


class LoggedSegmentListView(PermissionRequiredMixin, FilterView):
    permission_required = "segments.view_loggedsegment"
    filterset_class = LoggedSegmentFilter
    queryset = LoggedSegment.objects.with_interaction_count().select_related(
        "created_by"
    )
    paginate_by = PAGE_SIZE
    # Years of logged segments: an estimate spares counting them all for each page.
    paginator_class = EstimatedCountPaginator
    template_name = "segments/loggedsegment_list.html"


class LoggedSegmentExportView(AuditedExportMixin, LoggedSegmentListView):
    export_title = _("Logged segments")
    columns = [
        Column("segment_no", _("Segment no."), width=12),
        Column("description", _("Description"), width=40),
        Column("interaction_count", _("No. of interactions"), Kind.INTEGER),
        Column("canceled", _("Canceled"), Kind.BOOLEAN),
        Column("created_by", _("Created by"), source="created_by__username"),
        Column("created_at", _("Created at"), Kind.DATETIME),
    ]


class LoggedSegmentCancelView(PermissionRequiredMixin, View):
    """Mark canceled / Remove canceled mark: all the logged segment's entries."""

    permission_required = (
        "segments.change_loggedsegment",
        "interactions.change_interactionlogentry",
    )
    http_method_names = ["post"]
    form_class = LoggedSegmentCancelForm

    def post(self, request, pk):
        logged = get_object_or_404(LoggedSegment, pk=pk)
        form = self.form_class(request.POST)
        # Back to the list as it was filtered: its query string travels along.
        back_url = back_to_list(
            "segments:loggedsegment_list", request.POST.get("query", "")
        )
        if not form.is_valid():
            messages.error(request, _("The request was not valid."))
            return redirect(back_url)
        canceled = form.cleaned_data["canceled"]
        try:
            count = services.set_logged_segment_canceled(
                logged, canceled, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back_url)
        message = (
            ngettext(
                "Logged segment %(no)s and its %(count)s interaction log entry "
                "are marked canceled.",
                "Logged segment %(no)s and its %(count)s interaction log entries "
                "are marked canceled.",
                count,
            )
            if canceled
            else ngettext(
                "Canceled mark removed from logged segment %(no)s and its %(count)s "
                "interaction log entry.",
                "Canceled mark removed from logged segment %(no)s and its %(count)s "
                "interaction log entries.",
                count,
            )
        )
        messages.success(request, message % {"no": logged.segment_no, "count": count})
        return redirect(back_url)
