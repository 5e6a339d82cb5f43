"""Log segment: the check, the logging, and the fix for lines that block it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from crm.views import SeriesNoteMixin
from jobs.services import start_job
from segments import sections, selectors, services
from segments.forms import LogSegmentForm
from segments.models import LoggedSegment, Segment
from segments.views.logged import logged_list_for
from segments.views.segments import SegmentActionMixin, dynamic_changes
from web.views import BadInputMixin, PermissionFirstMixin, add_service_error


class SegmentLogView(PermissionFirstMixin, BadInputMixin, SeriesNoteMixin, FormView):
    """ "Log segment": one entry per line, the logged segment, optionally a follow-up.

    A second submit (double click, another user) finds the segment logged and says so.
    """

    permission_required = (
        "segments.change_segment",
        "interactions.add_interactionlogentry",
    )
    form_class = LogSegmentForm
    template_name = "segments/segment_log.html"
    series_fields = ("segment_nos",)

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

    def section_forms(self):
        """The forms of the sections other apps add (segments.sections), bound to
        what was posted."""
        if not hasattr(self, "_section_forms"):
            self._section_forms = sections.forms_for(self.request)
        return self._section_forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        check = selectors.log_check(self.segment)
        context.update(
            sections=self.section_forms(),
            segment=self.segment,
            line_count=check.line_count,
            log_check=check,
            dynamic_changes=dynamic_changes(self.segment),
        )
        return context

    def form_valid(self, form):
        if not all(
            section_form.is_valid() for _section, section_form in self.section_forms()
        ):
            return self.form_invalid(form)
        options = {
            name: form.cleaned_data[name]
            for name in ("create_follow_up", "deliver", "letter_fallback")
        }
        filled = {
            section.prefix: section.values(section_form)
            for section, section_form in self.section_forms()
        }
        options["sections"] = {
            prefix: values for prefix, values in filled.items() if values is not None
        }
        confirmed = form.cleaned_data["line_count"]
        try:
            if (
                selectors.log_check(self.segment).line_count
                > settings.SEGMENT_LOG_JOB_THRESHOLD
            ):
                return self.log_in_background(options, confirmed)
            logged, follow_up = services.log_segment(
                self.segment,
                user=self.request.user,
                confirmed_lines=confirmed,
                **options,
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
        for message in sections.done_messages(logged):
            messages.info(self.request, message)
        if logged.delivery_job is not None:
            messages.info(
                self.request,
                _("Its content is being sent; the progress is shown below."),
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
            # Its header has no interaction yet: open the form that fills it in;
            # with delivery, the delivery's progress first.
            if logged.delivery_job is None:
                return redirect("segments:segment_update", follow_up.no)
        if logged.delivery_job is not None:
            return redirect(logged)
        return redirect(logged_list_for(logged.segment_no))

    def log_in_background(self, options, confirmed):
        """A segment over settings.SEGMENT_LOG_JOB_THRESHOLD lines: checked here (the
        same rules, so the user hears of a problem at once), logged by the worker."""
        services.check_confirmed_lines(self.segment, confirmed)
        services.check_loggable(
            self.segment,
            deliver=options["deliver"],
            letter_fallback=options["letter_fallback"],
        )
        with transaction.atomic():
            start_job(
                "segments.log",
                user=self.request.user,
                params={
                    "segment_id": self.segment.pk,
                    "language": get_language(),
                    **options,
                },
            )
        messages.info(
            self.request,
            _(
                "Segment %(no)s is being logged in the background; you can follow "
                "it here."
            )
            % {"no": self.segment.no},
        )
        return redirect("jobs:list")


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
