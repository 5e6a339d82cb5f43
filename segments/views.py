from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    TemplateView,
    UpdateView,
    View,
)
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from crm.filters import ContactFilter
from crm.models import Contact
from interactions.filters import InteractionLogEntryFilter
from interactions.lookups import LoggedSegmentLookup, TemplateLookup
from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.views import INTERACTION_CHOICE_COLUMNS
from segments import selectors, services
from segments.filters import LoggedSegmentFilter, SegmentFilter, SegmentLineFilter
from segments.forms import (
    LineSelectionForm,
    LoggedSegmentCancelForm,
    LogSegmentForm,
    ReuseLoggedSegmentForm,
    SegmentForm,
    SegmentLineForm,
)
from segments.lookups import SegmentContactLookup
from segments.models import LoggedSegment, Segment
from web.amounts import format_amount, format_whole_number
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.views import (
    PAGE_SIZE,
    LookupView,
    PermissionFirstMixin,
    ServiceFormMixin,
    add_service_error,
    back_to_list,
)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def template_from(data):
    """The template the form's template lookup names, or None."""
    text = data.get("template", "")
    if not text:
        return None
    try:
        return TemplateLookup().resolve(
            InteractionTemplate.objects.filter(blocked=False), text
        )
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


class SegmentCreateView(PermissionRequiredMixin, SegmentFormMixin, CreateView):
    permission_required = "segments.add_segment"
    success_message = _(
        "Segment %(object)s has been created "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )

    def get_initial(self):
        salesperson = getattr(self.request.user, "salesperson", None)
        return {"salesperson": salesperson if salesperson else None}

    def perform(self, form):
        return services.create_segment(user=self.request.user, **form.service_values())


class SegmentUpdateView(PermissionRequiredMixin, SegmentFormMixin, UpdateView):
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
            Segment.objects.get(pk=self.object.pk),
            user=self.request.user,
            update_lines=form.lines_to_update(),
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
                if name not in ("template", "attachment"):
                    data[name] = value
            data["filled_from"] = template.pk
        initial = {
            name: data.get(name) for name in SegmentForm.base_fields if name in data
        }
        if template is not None:
            initial["template"] = template  # shown with its description
        initial["ignore_contact_correspondence_type"] = data.get(
            "ignore_contact_correspondence_type"
        ) in ("on", True)
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
        paginator = EstimatedCountPaginator(lines.qs, PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            line_filter=lines,
            page_obj=page,
            paginator=paginator,
            statistics=Segment.objects.with_statistics().get(pk=self.object.pk),
            log_form=LogSegmentForm(),
            log_check=selectors.log_check(self.object),
        )
        return context


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


class SegmentDeleteView(PermissionRequiredMixin, DeleteView):
    permission_required = "segments.delete_segment"
    model = Segment
    slug_field = "no"
    slug_url_kwarg = "no"
    template_name = "segments/segment_confirm_delete.html"
    success_url = reverse_lazy("segments:segment_list")

    def form_valid(self, form):
        try:
            services.delete_segment(self.object)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(
                self.request,
                _("Segment %(object)s has been deleted.") % {"object": self.object},
            )
        return HttpResponseRedirect(self.success_url)


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


class SegmentLineUpdateView(SegmentActionMixin, UpdateView):
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
                self.object, user=self.request.user, **form.service_values()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if is_htmx(self.request):
            line = self.get_queryset().get(pk=line.pk)
            return self.response_class(
                request=self.request,
                template=["segments/partials/line_row.html"],
                context={"line": line, "segment": self.segment, "saved": True},
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


class ContactCriteriaMixin(SegmentActionMixin):
    """Add/Remove contacts: the filters (`criteria`), a live count, then the change."""

    template_name = "segments/contacts_form.html"
    preview_template_name = "segments/partials/contacts_preview.html"
    invalid_message = _("The contact filters are not valid.")

    def get_template_names(self):
        if is_htmx(self.request):
            return [self.preview_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(mode=self.mode, **kwargs)

    def criteria(self, data):
        criteria = ContactFilter(data, queryset=Contact.objects.all())
        # The company lookup marks the companies already in this segment.
        criteria.form.fields["company"].widget.params["segment"] = self.segment.no
        return criteria

    def get(self, request, *args, **kwargs):
        criteria = self.criteria(request.GET)
        return self.render_to_response(
            self.get_context_data(
                filter=criteria,
                preview=self.preview(criteria),
                query=request.GET.urlencode(),
            )
        )

    def post(self, request, *args, **kwargs):
        criteria = self.criteria(QueryDict(request.POST.get("query", "")))
        if not criteria.is_valid():
            messages.error(request, self.invalid_message)
            return self.back()
        result = self.perform(criteria.qs)
        messages.success(request, self.done_message(result))
        return self.back()


class AddContactsView(ContactCriteriaMixin, TemplateView):
    mode = "add"

    def preview(self, contacts):
        if not contacts.is_valid():
            return None
        return selectors.add_contacts_preview(self.segment, contacts.qs)

    def perform(self, contacts):
        return services.add_contacts(self.segment, contacts, user=self.request.user)

    def done_message(self, count):
        return ngettext(
            "%(count)s contact added to segment %(no)s.",
            "%(count)s contacts added to segment %(no)s.",
            count,
        ) % {"count": count, "no": self.segment.no}


def entry_filter(data):
    """The log entry list's filters over the entries it lists, as its CSV export.

    The list's sort order, which its links carry along, does not change which
    contacts match: it is left out, so one the list could not read refuses nothing.
    """
    data = data.copy()
    data.pop("ordering", None)
    return InteractionLogEntryFilter(
        data, queryset=InteractionLogEntry.objects.visible()
    )


def skipped_message(result):
    """The contacts that adding the contacts of log entries skipped, in words."""
    parts = []
    if result.excluded:
        parts.append(
            ngettext(
                "%(count)s contact marked “exclude from segment” was skipped.",
                "%(count)s contacts marked “exclude from segment” were skipped.",
                result.excluded,
            )
            % {"count": result.excluded}
        )
    if result.already:
        parts.append(
            ngettext(
                "%(count)s contact was already in the segment.",
                "%(count)s contacts were already in the segment.",
                result.already,
            )
            % {"count": result.already}
        )
    return parts


class AddContactsFromEntriesView(ContactCriteriaMixin, TemplateView):
    """Add contacts from interactions: the log entry filters, a live count, then the
    distinct contacts of the matching entries are added."""

    permission_required = (
        "segments.change_segment",
        "interactions.view_interactionlogentry",
    )
    mode = "entries"
    template_name = "segments/entries_form.html"
    preview_template_name = "segments/partials/entries_preview.html"
    invalid_message = _("The interaction log entry filters are not valid.")

    def criteria(self, data):
        return entry_filter(data)

    def preview(self, entries):
        if not entries.is_valid():
            return None
        return selectors.entries_preview(entries.qs, self.segment)

    def perform(self, entries):
        return services.add_contacts_from_entries(
            self.segment, entries=entries, user=self.request.user
        )

    def done_message(self, result):
        added = ngettext(
            "%(count)s contact added to segment %(no)s.",
            "%(count)s contacts added to segment %(no)s.",
            result.added,
        ) % {"count": result.added, "no": self.segment.no}
        return " ".join([added, *skipped_message(result)])


class SegmentFromEntriesView(PermissionRequiredMixin, FormView):
    """Create segment from these contacts: reached from the log entry list with its
    filters in the query string; shows the count, asks for the header, creates."""

    permission_required = (
        "segments.add_segment",
        "segments.change_segment",
        "interactions.view_interactionlogentry",
    )
    form_class = SegmentForm
    template_name = "segments/segment_from_entries.html"

    @cached_property
    def entries(self):
        return entry_filter(self.request.GET)

    def get_initial(self):
        return {"salesperson": getattr(self.request.user, "salesperson", None)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.entries.is_valid()
        context.update(
            entry_filter=self.entries,
            preview=selectors.entries_preview(self.entries.qs) if valid else None,
            entry_list_url=(
                f"{reverse('interactions:entry_list')}?{self.request.GET.urlencode()}"
            ),
        )
        return context

    def form_valid(self, form):
        if not self.entries.is_valid():
            form.add_error(None, _("The interaction log entry filters are not valid."))
            return self.form_invalid(form)
        try:
            segment, result = services.create_segment_from_entries(
                self.entries.qs, user=self.request.user, **form.service_values()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        created = ngettext(
            "Segment %(no)s has been created with %(count)s contact.",
            "Segment %(no)s has been created with %(count)s contacts.",
            result.added,
        ) % {"no": segment.no, "count": result.added}
        messages.success(self.request, " ".join([created, *skipped_message(result)]))
        return redirect(segment)


class RemoveContactsView(ContactCriteriaMixin, TemplateView):
    """Remove by criteria (GET shows the count) or the ticked lines (POST selected)."""

    mode = "remove"

    def preview(self, contacts):
        if not contacts.is_valid():
            return None
        return {
            "to_remove": selectors.remove_contacts_preview(self.segment, contacts.qs)
        }

    def post(self, request, *args, **kwargs):
        if "selected" in request.POST or request.POST.get("scope") == "selected":
            form = LineSelectionForm(request.POST, segment=self.segment)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["selected"]))
                return self.back()
            count = services.remove_contacts(
                self.segment,
                Contact.objects.filter(segment_lines__in=form.cleaned_data["selected"]),
            )
            messages.success(request, self.done_message(count))
            return self.back()
        return super().post(request, *args, **kwargs)

    def perform(self, contacts):
        return services.remove_contacts(self.segment, contacts)

    def done_message(self, count):
        return ngettext(
            "%(count)s contact removed from segment %(no)s.",
            "%(count)s contacts removed from segment %(no)s.",
            count,
        ) % {"count": count, "no": self.segment.no}


class ReuseLoggedSegmentView(SegmentActionMixin, FormView):
    form_class = ReuseLoggedSegmentForm
    template_name = "segments/reuse_form.html"

    def form_valid(self, form):
        logged_segment = form.cleaned_data["logged_segment"]
        count = services.reuse_logged_segment(
            self.segment, logged_segment, user=self.request.user
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)s contact of logged segment %(logged)s added.",
                "%(count)s contacts of logged segment %(logged)s added.",
                count,
            )
            % {"count": count, "logged": logged_segment.segment_no},
        )
        return self.back()


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


def logged_list_for(segment_no):
    return f"{reverse('segments:loggedsegment_list')}?{urlencode({'q': segment_no})}"


class LoggedSegmentListView(PermissionRequiredMixin, FilterView):
    permission_required = "segments.view_loggedsegment"
    filterset_class = LoggedSegmentFilter
    queryset = LoggedSegment.objects.with_interaction_count().select_related(
        "created_by"
    )
    paginate_by = PAGE_SIZE
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


# ---------------------------------------------------------------------------
# Lookups (web.views.LookupView)


class ContactLookupView(LookupView):
    """The contact lookup of every page. It lives here because it marks the contacts
    already in a segment ("Add contacts"), which the crm app cannot know about."""

    permission_required = "crm.view_contact"
    lookup_class = SegmentContactLookup


class LoggedSegmentLookupView(LookupView):
    permission_required = "segments.view_loggedsegment"
    lookup_class = LoggedSegmentLookup
