"""Log segment: the check, the logging, and the fix for lines that block it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, View

from segments import selectors, services
from segments.forms import LogSegmentForm
from segments.models import LoggedSegment, Segment
from segments.views.logged import logged_list_for
from segments.views.segments import SegmentActionMixin
from web.views import PermissionFirstMixin, add_service_error


class SegmentLogView(PermissionFirstMixin, FormView):
    """ "Log segment": one entry per line, the logged segment, optionally a follow-up.

    A second submit (double click, another user) finds the segment logged and says so.
    """

    permission_required = (
        "segments.change_segment",
        "interactions.add_interactionlogentry",
    )
    form_class = LogSegmentForm
    template_name = "segments/segment_log.html"

    def load(self, request, **kwargs):
        # Not a 404 for a segment just logged: a second submit (double click) is told
        # it was logged and sent to the logged segment.
        self.segment = Segment.objects.filter(no=kwargs["no"]).first()
        if self.segment is None:
            if (
                request.method == "POST"
                and LoggedSegment.objects.filter(segment_no=kwargs["no"]).exists()
            ):
                messages.info(
                    request,
                    _("Segment %(no)s has already been logged.") % {"no": kwargs["no"]},
                )
                return redirect(logged_list_for(kwargs["no"]))
            raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        check = selectors.log_check(self.segment)
        context.update(
            segment=self.segment, line_count=check.line_count, log_check=check
        )
        return context

    def form_valid(self, form):
        try:
            logged, follow_up = services.log_segment(
                self.segment,
                user=self.request.user,
                create_follow_up=form.cleaned_data["create_follow_up"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "gone":
                messages.info(self.request, " ".join(error.messages))
                return redirect(logged_list_for(self.segment.no))
            # The lines named one by one are listed under the form, with a link.
            if not hasattr(error, "error_dict"):
                error = ValidationError(
                    [item for item in error.error_list if item.code != "blocking_line"]
                )
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Segment %(no)s has been logged.") % {"no": logged.segment_no},
        )
        if follow_up is not None:
            messages.info(
                self.request,
                _(
                    "Follow-up segment %(no)s has been created. Fill in its "
                    "interaction to log it."
                )
                % {"no": follow_up.no},
            )
            # Its header has no interaction yet: open the form that fills it in.
            return redirect("segments:segment_update", follow_up.no)
        return redirect(logged_list_for(logged.segment_no))


class ApplyHeaderTemplateView(SegmentActionMixin, View):
    """ "Apply the header's template to these lines": the lines that block logging."""

    permission_required = "segments.change_segment"
    http_method_names = ["post"]

    def post(self, request, **kwargs):
        try:
            count = services.apply_header_template_to_blocking_lines(
                self.segment, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Interaction template %(code)s applied to %(count)s line.",
                    "Interaction template %(code)s applied to %(count)s lines.",
                    count,
                )
                % {"code": self.segment.template.code, "count": count},
            )
        return redirect("segments:segment_log", self.segment.no)
