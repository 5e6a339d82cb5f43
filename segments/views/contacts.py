"""Add contacts from interaction log entries or a logged segment, create a segment
from a filtered list, remove the lines ticked on the segment card."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View

from crm.filters import ContactFilter
from crm.models import Contact
from crm.views import SeriesNoteMixin
from interactions.filters import InteractionLogEntryFilter
from interactions.models import InteractionLogEntry
from segments import selectors, services
from segments.forms import (
    LineSelectionForm,
    ReuseLoggedSegmentForm,
    SegmentForm,
    filter_values,
)
from segments.views.segments import SegmentActionMixin, is_htmx
from web.views import BadInputMixin, add_service_error


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
    if result.blocked:
        parts.append(
            ngettext(
                "%(count)s privacy blocked contact was left out.",
                "%(count)s privacy blocked contacts were left out.",
                result.blocked,
            )
            % {"count": result.blocked}
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


class AddContactsFromEntriesView(SegmentActionMixin, TemplateView):
    """Add contacts from interactions: the log entry filters, a live count, then the
    distinct contacts of the matching entries are added."""

    permission_required = (
        "segments.change_segment",
        "interactions.view_interactionlogentry",
    )

    def get_template_names(self):
        if is_htmx(self.request):
            return ["segments/partials/entries_preview.html"]
        return ["segments/entries_form.html"]

    def get(self, request, *args, **kwargs):
        entries = entry_filter(request.GET)
        return self.render_to_response(
            self.get_context_data(
                filter=entries,
                # No count for invalid filters: ignoring them would count every entry.
                preview=(
                    selectors.entries_preview(entries.qs, self.segment)
                    if entries.is_valid()
                    else None
                ),
                query=request.GET.urlencode(),
            )
        )

    def post(self, request, *args, **kwargs):
        # The filters come back in a hidden field: the contacts added are those the
        # preview counted, read again now (the count may have moved since).
        entries = entry_filter(QueryDict(request.POST.get("query", "")))
        if not entries.is_valid():
            messages.error(
                request, _("The interaction log entry filters are not valid.")
            )
            return self.back()
        result = services.add_contacts_from_entries(
            self.segment, entries=entries.qs, user=request.user
        )
        added = ngettext(
            "%(count)s contact added to segment %(no)s.",
            "%(count)s contacts added to segment %(no)s.",
            result.added,
        ) % {"count": result.added, "no": self.segment.no}
        messages.success(request, " ".join([added, *skipped_message(result)]))
        return self.back()


class SegmentFromEntriesView(
    PermissionRequiredMixin, BadInputMixin, SeriesNoteMixin, FormView
):
    """Create segment from these contacts: reached from the log entry list with its
    filters in the query string; shows the count, asks for the header, creates."""

    permission_required = (
        "segments.add_segment",
        "segments.change_segment",
        "interactions.view_interactionlogentry",
    )
    form_class = SegmentForm
    template_name = "segments/segment_from_entries.html"
    series_fields = ("segment_nos",)

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
        # Checked again on POST: the query string may have been edited since the
        # preview.
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


def contact_filter(data):
    """The contact list's filters over all contacts; its sort order leaves out no
    contact, so it is dropped (as entry_filter drops the log entry list's)."""
    data = data.copy()
    data.pop("ordering", None)
    return ContactFilter(data, queryset=Contact.objects.all())


class SegmentFromContactsView(
    PermissionRequiredMixin, BadInputMixin, SeriesNoteMixin, FormView
):
    """ "Log an interaction for these contacts": reached from the contact list with
    its filters in the query string; a segment of the matching contacts is created
    with the header asked here, and its Log dialog opens."""

    permission_required = (
        "segments.add_segment",
        "segments.change_segment",
        "crm.view_contact",
        "interactions.add_interactionlogentry",
    )
    form_class = SegmentForm
    template_name = "segments/segment_from_contacts.html"
    series_fields = ("segment_nos",)

    @cached_property
    def contacts(self):
        return contact_filter(self.request.GET)

    @cached_property
    def unfiltered(self):
        """No filter in use: "these contacts" would be every contact, and one click
        would log an interaction with each. The contact list is filtered first."""
        return self.contacts.is_valid() and not self.contacts.applied()

    def get_initial(self):
        return {"salesperson": getattr(self.request.user, "salesperson", None)}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # The Log dialog comes next, and a segment without a template cannot be
        # logged: asked here, not found missing there.
        form.fields["template"].required = True
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counted = self.contacts.is_valid() and not self.unfiltered
        context.update(
            contact_filter=self.contacts,
            unfiltered=self.unfiltered,
            preview=(
                selectors.add_contacts_preview(None, self.contacts.qs)
                if counted
                else None
            ),
            contact_list_url=(
                f"{reverse('crm:contact_list')}?{self.request.GET.urlencode()}"
            ),
        )
        return context

    def form_valid(self, form):
        # Checked again on POST: the query string may have been edited since.
        if not self.contacts.is_valid():
            form.add_error(None, _("The contact filters are not valid."))
            return self.form_invalid(form)
        if self.unfiltered:
            # Only an edited address posts without a filter: the page shown again
            # says to filter the contact list first.
            return self.form_invalid(form)
        if not selectors.add_contacts_preview(None, self.contacts.qs)["to_add"]:
            form.add_error(None, _("No contacts to add match these filters."))
            return self.form_invalid(form)
        try:
            # One transaction: a segment is created only with its contacts.
            with transaction.atomic():
                segment = services.create_segment(
                    user=self.request.user, **form.service_values()
                )
                # Recorded as the segment's first criteria action ("Add contacts"),
                # each matching contact kept, a company next to its persons.
                added = services.add_contacts_by_criteria(
                    segment,
                    filter_values(self.contacts),
                    user=self.request.user,
                    allow_company_with_persons=True,
                )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Segment %(no)s has been created with %(count)s contact.",
                "Segment %(no)s has been created with %(count)s contacts.",
                added,
            )
            % {"no": segment.no, "count": added},
        )
        return redirect("segments:segment_log", segment.no)


class RemoveContactsView(SegmentActionMixin, View):
    """Remove selected: the lines ticked on the segment card (its `lines-form`)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = LineSelectionForm(request.POST, segment=self.segment)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["selected"]))
            return self.back()
        count = services.remove_contacts(
            self.segment,
            Contact.objects.filter(segment_lines__in=form.cleaned_data["selected"]),
        )
        messages.success(
            request,
            ngettext(
                "%(count)s contact removed from segment %(no)s.",
                "%(count)s contacts removed from segment %(no)s.",
                count,
            )
            % {"count": count, "no": self.segment.no},
        )
        return self.back()


class ReuseLoggedSegmentView(SegmentActionMixin, BadInputMixin, FormView):
    """Reuse logged segment: choosing one counts what it would add (a GET, live
    with htmx), the POST adds it."""

    form_class = ReuseLoggedSegmentForm

    def get_template_names(self):
        if is_htmx(self.request):
            return ["segments/partials/reuse_preview.html"]
        return ["segments/reuse_form.html"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A choice to count; a cleared one is no choice yet, not an error.
        if (
            self.request.method == "GET"
            and self.request.GET.get("logged_segment", "").strip()
        ):
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and not form.is_valid():
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["preview"] = (
            selectors.add_contacts_preview(
                self.segment,
                selectors.logged_contacts(form.cleaned_data["logged_segment"]),
            )
            if form.is_bound and form.is_valid()
            else None
        )
        return context

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
