"""The segment card's lines: personalise one (inline with htmx), export them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, UpdateView, View

from audit.exports import AuditedExportMixin
from interactions.views import INTERACTION_CHOICE_COLUMNS
from segments import services
from segments.forms import SegmentLineForm
from segments.models import Segment
from segments.views.segments import (
    SegmentActionMixin,
    is_htmx,
    line_filter,
    template_from,
)
from web.amounts import format_amount, format_whole_number
from web.exports import Column, Kind
from web.views import BadInputMixin, PermissionFirstMixin, add_service_error


class SegmentLineUpdateView(SegmentActionMixin, BadInputMixin, UpdateView):
    """Personalise a line; in the lines table htmx swaps the row for this form."""

    form_class = SegmentLineForm
    context_object_name = "line"

    def get_queryset(self):
        return self.segment.lines.with_related()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_template_names(self):
        if is_htmx(self.request):
            return ["segments/partials/line_form_row.html"]
        return ["segments/line_form.html"]

    def get_initial(self):
        # The template drop-down's change re-renders the form filled from it.
        template = template_from(self.request.GET)
        if self.request.method != "GET":
            return {}
        if template is None:
            # The empty choice: the form shows the line without a template, as chosen.
            return {"template": None} if self.request.GET.get("template") == "" else {}
        values = services.line_template_values(self.object, template)
        del values["attachment"]  # a file input cannot be prefilled
        return {**values, "template": template, "filled_from": template.pk}

    def form_valid(self, form):
        try:
            line = services.update_line(
                self.object,
                user=self.request.user,
                seen_version=form.seen_version,
                **form.service_values(),
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if is_htmx(self.request):
            # Read again with its related rows: the row shows contact, template and
            # salesperson.
            line = self.get_queryset().get(pk=line.pk)
            return self.response_class(
                request=self.request,
                template=["segments/partials/line_saved.html"],
                context={
                    "line": line,
                    "segment": self.segment,
                    "saved": True,
                    # The card's planned cost and duration change with the line.
                    "statistics": Segment.objects.with_statistics().get(
                        pk=self.segment.pk
                    ),
                },
                using=self.template_engine,
            )
        messages.success(
            self.request,
            _(
                "The line of %(contact)s has been saved "
                "(cost %(cost)s, duration %(duration)s min.)."
            )
            % {
                "contact": line.contact,
                "cost": format_amount(line.cost),
                "duration": format_whole_number(line.duration),
            },
        )
        return self.back()


class SegmentLineRowView(SegmentActionMixin, DetailView):
    """A line's row as shown in the lines table (htmx: Cancel in the inline form)."""

    permission_required = "segments.view_segment"
    template_name = "segments/partials/line_row.html"
    context_object_name = "line"

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.segment.lines.with_related(), pk=self.kwargs["pk"]
        )


class SegmentLineExportView(PermissionFirstMixin, AuditedExportMixin, View):
    """The segment card's lines, as the card's search and sort show them, as a file
    named for the segment."""

    permission_required = "segments.view_segment"
    columns = [
        Column("contact_no", _("Contact no."), source="contact__no", width=12),
        Column("contact_name", _("Contact name"), source="contact__name", width=30),
        Column("company", _("Company"), source="contact__company__name", width=30),
        Column("template", _("Template"), source="template__code", width=12),
        Column("description", _("Description"), width=30),
        Column("subject", _("Subject"), width=30),
        Column("salesperson", _("Salesperson"), source="salesperson__code"),
        Column("cost", _("Cost"), Kind.MONEY),
        Column("duration", _("Duration (min.)"), Kind.INTEGER),
        *INTERACTION_CHOICE_COLUMNS,
    ]

    def load(self, request, **kwargs):
        self.segment = get_object_or_404(Segment, no=kwargs["no"])

    def export_queryset(self):
        self.filterset = line_filter(self.segment, self.request.GET)
        return self.filterset.qs if self.filterset.is_valid() else None

    def get_export_title(self):
        return _("Segment lines %(no)s") % {"no": self.segment.no}
