"""NAV's segment criteria: Contacten toevoegen / Verkleinen / Verfijnen with their
options, the Segmentcriteria page, Vorige, Criteria opslaan and Criteria opnieuw
gebruiken."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from segments import services
from segments.forms import (
    CriteriaForm,
    ReuseCriteriaForm,
    SaveCriteriaForm,
    options_in_words,
)
from segments.models import CriteriaActionKind, Segment
from segments.views.segments import SegmentActionMixin, is_htmx
from web.views import BadInputMixin, add_service_error

# The service of each action (segments.models.CriteriaActionKind).
ACTION_SERVICES = {
    CriteriaActionKind.ADD: services.add_contacts_by_criteria,
    CriteriaActionKind.REDUCE: services.reduce_contacts,
    CriteriaActionKind.REFINE: services.refine_contacts,
}


def action_rows(actions):
    """(action, its criteria in words, its options in words) for each action."""
    return [
        (
            action,
            services.criteria_in_words(action.criteria),
            options_in_words(action.options),
        )
        for action in actions
    ]


class CriteriaActionView(SegmentActionMixin, BadInputMixin, TemplateView):
    """One action: the criteria form (GET, with the count of what it would do, live
    with htmx), then the change (POST of the criteria the count was shown for)."""

    action = None
    template_name = "segments/criteria_action.html"
    preview_template_name = "segments/partials/criteria_preview.html"

    def get_template_names(self):
        if is_htmx(self.request):
            return [self.preview_template_name]
        return [self.template_name]

    def criteria_form(self, data):
        return CriteriaForm(data, segment=self.segment, action=self.action)

    def count(self, form):
        """How many lines the action would change now, and the messages that say
        why it cannot be counted."""
        if not form.is_valid():
            return None, form.errors()
        try:
            count = services.preview_action(
                self.segment, self.action, form.criteria(), **form.options.options()
            )
        except ValidationError as error:
            return None, error.messages
        return count, []

    def left_out(self, form):
        """Why an Add leaves contacts of its criteria out, when it does."""
        if self.action != CriteriaActionKind.ADD or not form.is_valid():
            return None
        return services.left_out_of_add(
            form.criteria(), segment=self.segment, **form.options.options()
        )

    def get_context_data(self, **kwargs):
        form = kwargs["form"]
        count, errors = self.count(form)
        return super().get_context_data(
            to_change=count,
            left_out=self.left_out(form) if count is not None else None,
            errors=errors,
            action=self.action,
            action_label=CriteriaActionKind(self.action).label,
            query=form.data.urlencode(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        form = self.criteria_form(request.GET)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        # The criteria come back in a hidden field: the action applies to what the
        # count was shown for, read again now.
        form = self.criteria_form(QueryDict(request.POST.get("query", "")))
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            count = ACTION_SERVICES[self.action](
                self.segment,
                form.criteria(),
                user=request.user,
                **form.options.options(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.form_invalid(form)
        messages.success(request, self.done_message(count))
        return self.back()

    def done_message(self, count):
        if self.action == CriteriaActionKind.ADD:
            return ngettext(
                "%(count)s contact added to segment %(no)s.",
                "%(count)s contacts added to segment %(no)s.",
                count,
            ) % {"count": count, "no": self.segment.no}
        return ngettext(
            "%(count)s contact removed from segment %(no)s.",
            "%(count)s contacts removed from segment %(no)s.",
            count,
        ) % {"count": count, "no": self.segment.no}


class SegmentCriteriaView(PermissionRequiredMixin, TemplateView):
    """Segmentcriteria: the segment's actions in words, oldest first, with Vorige,
    Criteria opslaan and Criteria opnieuw gebruiken."""

    permission_required = "segments.view_segment"
    template_name = "segments/segment_criteria.html"

    def get_context_data(self, **kwargs):
        segment = get_object_or_404(Segment, no=self.kwargs["no"])
        actions = segment.criteria_actions.select_related("created_by").order_by(
            "sequence"
        )
        return super().get_context_data(
            segment=segment,
            rows=action_rows(actions),
            save_form=SaveCriteriaForm(),
            reuse_form=ReuseCriteriaForm(),
            **kwargs,
        )


class GoBackView(SegmentActionMixin, TemplateView):
    """Vorige: asks first (GET), then undoes the segment's last action (POST)."""

    template_name = "segments/criteria_go_back.html"

    def get_context_data(self, **kwargs):
        last = self.segment.criteria_actions.order_by("-sequence").first()
        return super().get_context_data(
            last=action_rows([last])[0] if last else None, **kwargs
        )

    def post(self, request, *args, **kwargs):
        try:
            undone = services.go_back(self.segment, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Action %(sequence)s (%(action)s) has been undone; the segment "
                    "has %(count)s lines again."
                )
                % {
                    "sequence": undone.sequence,
                    "action": undone.get_action_display(),
                    "count": undone.lines_before,
                },
            )
        return redirect("segments:segment_criteria", self.segment.no)


class SaveCriteriaView(SegmentActionMixin, BadInputMixin, FormView):
    """Criteria opslaan: the segment's actions under a code, to reuse later."""

    permission_required = "segments.change_segment"
    form_class = SaveCriteriaForm
    template_name = "segments/criteria_save.html"

    def form_valid(self, form):
        try:
            saved = services.save_criteria(
                self.segment, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The criteria of segment %(no)s have been saved as %(code)s.")
            % {"no": self.segment.no, "code": saved.code},
        )
        return redirect("segments:segment_criteria", self.segment.no)


class ReuseCriteriaView(SegmentActionMixin, BadInputMixin, FormView):
    """Criteria opnieuw gebruiken: saved criteria replayed on this segment, after
    emptying it or on top of its lines (NAV asks "replace or add?")."""

    permission_required = "segments.change_segment"
    form_class = ReuseCriteriaForm
    template_name = "segments/criteria_reuse.html"

    def form_valid(self, form):
        saved = form.cleaned_data["saved"]
        try:
            count = services.reuse_criteria(
                self.segment,
                saved,
                user=self.request.user,
                replace=form.cleaned_data["mode"] == ReuseCriteriaForm.REPLACE,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Criteria %(code)s have been applied; the segment has %(count)s line.",
                "Criteria %(code)s have been applied; the segment has %(count)s lines.",
                count,
            )
            % {"code": saved.code, "count": count},
        )
        return redirect("segments:segment_criteria", self.segment.no)
