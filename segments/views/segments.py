"""The segment pages: list, card, create, edit, delete."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    DetailView,
    TemplateView,
    UpdateView,
)
from django_filters.views import FilterView

from crm.views import SeriesNoteMixin
from interactions.lookups import TemplateLookup
from interactions.models import InteractionTemplate
from segments import sections, selectors, services
from segments.filters import SegmentFilter, SegmentLineFilter
from segments.forms import LogSegmentForm, SegmentForm
from segments.models import Segment
from web.amounts import format_amount, format_whole_number
from web.pagination import EstimatedCountPaginator
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    PermissionFirstMixin,
    ServiceDeleteView,
    ServiceFormMixin,
)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def dynamic_changes(segment):
    """(added, removed) of a dynamic segment's criteria applied again at log, for the
    Log dialog to show before OK; None for a segment logged as it stands."""
    if not segment.reapply_criteria:
        return None
    return services.dynamic_changes(segment)


def template_from(data):
    """The template the form's template lookup names, or None."""
    text = data.get("template", "")
    if not text:
        return None
    try:
        return TemplateLookup().resolve(InteractionTemplate.objects.active(), text)
    except ValidationError:
        return None


class SegmentListView(PermissionRequiredMixin, FilterView):
    permission_required = "segments.view_segment"
    filterset_class = SegmentFilter
    queryset = Segment.objects.with_related().with_statistics()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "segments/segment_list.html"


class SegmentFormMixin(ServiceFormMixin):
    model = Segment
    slug_field = "no"
    slug_url_kwarg = "no"
    form_class = SegmentForm
    template_name = "segments/segment_form.html"

    def success_message_values(self):
        # The amounts as stored, in the user's format: a misread one shows at once.
        return {
            **super().success_message_values(),
            "cost": format_amount(self.object.unit_cost),
            "duration": format_whole_number(self.object.unit_duration),
        }


class SegmentCreateView(
    PermissionRequiredMixin,
    BadInputMixin,
    SeriesNoteMixin,
    SegmentFormMixin,
    CreateView,
):
    permission_required = "segments.add_segment"
    series_fields = ("segment_nos",)
    success_message = _(
        "Segment %(object)s has been created "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )

    def get_initial(self):
        salesperson = getattr(self.request.user, "salesperson", None)
        return {"salesperson": salesperson if salesperson else None}

    def perform(self, form):
        return services.create_segment(user=self.request.user, **form.service_values())


class SegmentUpdateView(
    PermissionRequiredMixin, BadInputMixin, SegmentFormMixin, UpdateView
):
    permission_required = "segments.change_segment"
    success_message = _(
        "Segment %(object)s has been saved "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )

    def get_context_data(self, **kwargs):
        # What still stops logging, above the fields that fix it (a follow-up
        # segment opens here, its header's interaction still to fill).
        return super().get_context_data(
            log_check=selectors.log_check(self.object), **kwargs
        )

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.object.template_id is None:
            form.fields["template"].widget.attrs["autofocus"] = True
        return form

    def perform(self, form):
        return services.update_header(
            # A fresh copy: the form has changed self.object, and update_header compares
            # the old values with the new.
            Segment.objects.get(pk=self.object.pk),
            user=self.request.user,
            update_lines=form.lines_to_update(),
            seen_version=form.seen_version,
            **form.service_values(),
        )


class SegmentFormFieldsView(PermissionRequiredMixin, TemplateView):
    """The header's fields again, filled in from the chosen template (for htmx)."""

    permission_required = "segments.add_segment"
    template_name = "segments/partials/segment_form_fields.html"

    def get_context_data(self, **kwargs):
        data = self.request.GET.copy()
        template = template_from(data)
        if template is not None:
            for name, value in services.template_header_values(template).items():
                # The template is the field just chosen; a file input cannot be
                # prefilled.
                if name not in ("template", "attachment"):
                    data[name] = value
            data["filled_from"] = template.pk
        initial = {
            name: data.get(name) for name in SegmentForm.base_fields if name in data
        }
        # A lookup shows its row by code and name, so the chosen row is given, not
        # the code typed.
        for name, field in SegmentForm().fields.items():
            if hasattr(field, "chosen") and initial.get(name):
                initial[name] = field.chosen(initial[name]) or initial[name]
        if template is not None:
            initial["template"] = template  # shown with its description
        for name in ("ignore_contact_correspondence_type", "reapply_criteria"):
            initial[name] = data.get(name) in ("on", True)
        return {"form": SegmentForm(initial=initial)}


def line_filter(segment, data):
    """The lines table's filters and sort order over `segment`'s lines: the card
    shows them and the lines export writes them."""
    return SegmentLineFilter(data, queryset=segment.lines.with_related())


class SegmentDetailView(PermissionRequiredMixin, DetailView):
    """The segment card: header, statistics and its lines, paginated and filtered."""

    permission_required = "segments.view_segment"
    queryset = Segment.objects.with_related()
    slug_field = "no"
    slug_url_kwarg = "no"
    template_name = "segments/segment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = line_filter(self.object, self.request.GET)
        # An estimated count: counting 100,000 lines for every page costs more than
        # the page.
        paginator = EstimatedCountPaginator(lines.qs, PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            line_filter=lines,
            page_obj=page,
            paginator=paginator,
            statistics=Segment.objects.with_statistics().get(pk=self.object.pk),
            log_form=LogSegmentForm(),
            log_sections=sections.forms_for(self.request),
            log_check=selectors.log_check(self.object),
            dynamic_changes=dynamic_changes(self.object),
        )
        return context


class SegmentDeleteView(ServiceDeleteView):
    permission_required = "segments.delete_segment"
    model = Segment
    slug_field = "no"
    slug_url_kwarg = "no"
    template_name = "segments/segment_confirm_delete.html"
    success_url = reverse_lazy("segments:segment_list")
    service = staticmethod(services.delete_segment)

    def refused_url(self):
        # Logged or deleted meanwhile: the service refuses, and the list says so.
        return self.success_url


class SegmentActionMixin(PermissionFirstMixin):
    """A page that works on the segment named in the URL."""

    permission_required = "segments.change_segment"

    def load(self, request, **kwargs):
        self.segment = get_object_or_404(
            Segment.objects.with_related(), no=kwargs["no"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["segment"] = self.segment
        return context

    def back(self):
        return redirect(self.segment)
