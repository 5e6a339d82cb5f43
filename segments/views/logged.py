"""The logged segments: their list, its export, cancel and un-cancel, and a logged
segment's page with its delivery: statuses, progress, the letters, resend."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, View
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from interactions.models import DeliveryStatus, InteractionLogEntry
from segments import services
from segments.filters import LoggedSegmentFilter
from segments.forms import DeliveryFilterForm, LoggedSegmentCancelForm
from segments.models import LoggedSegment
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.users import FullNames
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
        Column(
            "created_by",
            _("Created by"),
            source="created_by__username",
            display=FullNames,
        ),
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
        # Back to the page it was done on: the logged segment's own, or the list
        # as it was filtered (its query string travels along).
        if request.POST.get("back") == "detail":
            back_url = logged.get_absolute_url()
        else:
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


def delivery_counts(logged):
    """How many of the logged segment's entries are in each delivery status: one
    aggregate."""
    return InteractionLogEntry.objects.filter(logged_segment=logged).aggregate(
        total=Count("pk"),
        **{
            status.value or "none": Count("pk", filter=Q(delivery_status=status))
            for status in DeliveryStatus
        },
    )


class LoggedSegmentDetailView(PermissionRequiredMixin, DetailView):
    """A logged segment: its entries with their delivery status (filterable), the
    delivery's progress, "Afdrukken" and "Opnieuw verzenden"."""

    permission_required = "segments.view_loggedsegment"
    # interaction_count: the entries Mark canceled / Remove canceled mark change,
    # which its question names, as on the list.
    queryset = LoggedSegment.objects.with_interaction_count().select_related(
        "created_by", "delivery_job"
    )
    template_name = "segments/loggedsegment_detail.html"
    context_object_name = "logged"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = (
            InteractionLogEntry.objects.filter(logged_segment=self.object)
            .select_related("contact")
            .only(
                "entry_no",
                "contact__no",
                "contact__name",
                "correspondence_type",
                "language_code",
                "delivery_status",
                "delivery_error",
                "canceled",
            )
            .order_by("pk")
        )
        form = DeliveryFilterForm(self.request.GET)
        status = form.cleaned_data["delivery"] if form.is_valid() else ""
        if status:
            entries = entries.filter(delivery_status="" if status == "none" else status)
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page,
            entries=page.object_list,
            counts=delivery_counts(self.object),
            job=self.object.delivery_job,
            query=query.urlencode(),
        )
        return context


class LoggedSegmentProgressView(PermissionRequiredMixin, View):
    """The delivery's progress card alone, asked for every 2 s (htmx) while the
    job runs."""

    permission_required = "segments.view_loggedsegment"

    def get(self, request, pk):
        logged = get_object_or_404(
            LoggedSegment.objects.select_related("delivery_job"), pk=pk
        )
        return render(
            request,
            "segments/partials/delivery_progress.html",
            {
                "logged": logged,
                "job": logged.delivery_job,
                "counts": delivery_counts(logged),
                "polled": True,
            },
        )


class LoggedSegmentLettersView(PermissionRequiredMixin, View):
    """ "Afdrukken": the PDF of the logged segment's letters."""

    permission_required = "segments.view_loggedsegment"

    def get(self, request, pk):
        logged = get_object_or_404(LoggedSegment, pk=pk)
        if not logged.letters or not logged.letters.storage.exists(logged.letters.name):
            raise Http404(_("This logged segment has no letters to print."))
        return FileResponse(
            logged.letters.open("rb"),
            as_attachment=True,
            filename=f"{logged.segment_no}.pdf",
            content_type="application/pdf",
        )


class LoggedSegmentResendView(PermissionRequiredMixin, View):
    """ "Mislukte opnieuw verzenden": the failed entries go out once more."""

    permission_required = (
        "segments.change_loggedsegment",
        "interactions.change_interactionlogentry",
    )
    http_method_names = ["post"]

    def post(self, request, pk):
        logged = get_object_or_404(LoggedSegment, pk=pk)
        try:
            services.resend_failed(logged, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The failed ones of logged segment %(no)s are being sent again.")
                % {"no": logged.segment_no},
            )
        return redirect(logged)
