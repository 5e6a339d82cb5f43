import sys
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.http import MAX_URL_REDIRECT_LENGTH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import defaults
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
from import_export.tmp_storages import MediaStorage

from crm import services
from crm.exports import Column, ExportMixin, Kind
from crm.filters import AuditRecordFilter, ContactFilter, SalespersonFilter
from crm.forms import (
    ContactForm,
    ContactImportForm,
    DashboardForm,
    MarketingSetupForm,
    NumberSeriesForm,
    PageSearchForm,
    SalespersonForm,
)
from crm.lookups import MAX_QUERY, BadLookup, SalespersonLookup
from crm.lookups import PAGE_SIZE as LOOKUP_PAGE_SIZE
from crm.models import (
    AuditRecord,
    Contact,
    CorrespondenceType,
    MarketingSetup,
    NumberSeries,
    Salesperson,
    details_text,
)
from crm.pagination import EstimatedCountPaginator
from crm.resources import (
    ContactResource,
    read_dataset,
    remove_stale_import_previews,
)
from crm.search import DROPDOWN_PAGES, search
from interactions.models import InteractionLogEntry
from interactions.selectors import contact_timeline, dashboard, interaction_card
from segments.selectors import active_segments

PAGE_SIZE = 25


def server_error(request):
    """handler500: a 503 "try again" page when the database cannot be reached.

    Django calls it while handling the exception, so sys.exc_info() names it. The
    page touches nothing that needs the database (no user, no messages); once the
    database is back, CONN_HEALTH_CHECKS replaces the broken connection by itself.
    """
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": str(
                    _("The database cannot be reached; try again in a minute.")
                )
            },
            status=503,
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = "30"
    return response


def back_to_list(name, query=""):
    """The list page `name` with the query string it was shown with, to go back to
    after an action on it; without the query when that is too long to redirect to."""
    url = reverse(name)
    if query and len(url) + len(query) < MAX_URL_REDIRECT_LENGTH:
        url = f"{url}?{query}"
    return url


def add_service_error(form, error):
    """Show a service's ValidationError next to its field, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PermissionFirstMixin(PermissionRequiredMixin):
    """A page that loads the object it works on in `load()`, after the permission
    check: without the permission, whether the object exists stays unknown (403,
    never 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        return self.load(request, **kwargs) or super().dispatch(
            request, *args, **kwargs
        )

    def load(self, request, **kwargs):
        """Set the page's objects; a response returned ends the request there."""


class ServiceFormMixin:
    """Save a valid form through a service; its ValidationError goes onto the form."""

    success_message = ""

    def perform(self, form):
        return form.save()

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(
                self.request, self.success_message % self.success_message_values()
            )
        return HttpResponseRedirect(self.get_success_url())

    def success_message_values(self):
        """The values the success message names: the saved object, and what a
        view adds."""
        return {"object": self.object}


class SetupFormMixin:
    """Heading, introduction and Cancel target for the shared crm/setup_form.html."""

    title = ""
    intro = ""
    cancel_url = reverse_lazy("home")

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(), intro=self.intro, cancel_url=self.cancel_url
        )
        return context


# Who manages the salespeople sees the whole team on the start page (CRM admins).
TEAM_PERMISSION = "crm.change_salesperson"


class HomeView(TemplateView):
    """The start page: the user's postponed interactions to resume, the active
    segments, recent interactions and charts. Open to every logged-in user; each
    section needs the permission to view what it shows.

    "Mine" is the salesperson linked to the login. Who holds TEAM_PERMISSION sees the
    whole team, or one salesperson chosen in the form, instead.
    """

    template_name = "crm/home.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        # The page still answers, on the default periods, with the form's errors.
        status = 400 if context["form"].errors else 200
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        own = Salesperson.objects.filter(user=user).first()
        team = user.has_perm(TEAM_PERMISSION)
        form = DashboardForm(self.request.GET or None, team=team)
        context.update(salesperson=own, team=team, form=form)
        if user.has_perm("segments.view_segment"):
            segments, more_segments = active_segments()
            context.update(active_segments=segments, more_segments=more_segments)
        if not user.has_perm("interactions.view_interactionlogentry"):
            return context
        chosen = None
        if team and form.is_bound and form.is_valid():
            chosen = form.cleaned_data["salesperson"]
        shown = chosen if team else own
        context.update(
            dashboard(
                user=user,
                own_salesperson=own,
                salesperson=shown,
                whole_team=team and chosen is None,
                period=form.period(),
            ),
            shown_salesperson=shown,
        )
        return context


class PageSearchView(TemplateView):
    """Zoeken naar pagina of rapport (search for page or report) as a page: the top
    bar's box sends its form here without JavaScript. No query lists every page the
    user may open. Open to every logged-in user; it offers only what they may open.
    """

    template_name = "crm/search.html"

    def get(self, request, *args, **kwargs):
        form = PageSearchForm(request.GET)
        groups = []
        if form.is_valid():
            groups = search(form.cleaned_data["q"], user=request.user)
        context = self.get_context_data(form=form, groups=groups)
        return self.render_to_response(context, status=400 if form.errors else 200)


class PageSearchSuggestionsView(View):
    """The top bar's dropdown as JSON: what PageSearchView lists, a few pages fewer
    (the dropdown links to the page for the rest), and a sentence that says how many
    were found for screen readers."""

    def get(self, request):
        form = PageSearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        query = form.cleaned_data["q"].strip()
        groups = search(query, user=request.user, page_limit=DROPDOWN_PAGES)
        count = sum(len(group["results"]) for group in groups)
        summary = ngettext("%(count)s result", "%(count)s results", count) % {
            "count": count
        }
        return JsonResponse(
            {
                "query": query,
                "groups": groups,
                "summary": summary if count else str(_("Nothing found")),
                "results_url": f"{reverse('search')}?{urlencode({'q': query})}",
            }
        )


class ContactListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_contact"
    filterset_class = ContactFilter
    queryset = Contact.objects.with_related()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/contact_list.html"


class ContactDetailView(PermissionRequiredMixin, DetailView):
    """The contact card; its timeline is filtered and paged with GET parameters.

    htmx asks for the timeline's rows alone (HX-Target names them): the card's URL
    stays the one address of every view of the timeline, with or without JavaScript.
    """

    permission_required = "crm.view_contact"
    queryset = Contact.objects.with_related()
    template_name = "crm/contact_detail.html"
    timeline_target = "timeline-stream"

    def timeline_only(self):
        return self.request.headers.get("HX-Target") == self.timeline_target

    def get_template_names(self):
        if self.timeline_only():
            return ["interactions/partials/timeline_stream.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = contact_timeline(
            self.object, self.request.GET, user=self.request.user
        )
        if self.timeline_only():
            return context
        context.update(
            persons=self.object.persons.select_related("salesperson").order_by("name"),
            statistics=InteractionLogEntry.objects.for_contact(
                self.object
            ).statistics(),
            filter_query=urlencode({"contact": self.object.no}),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Target"])
        return response


class ContactCreateView(PermissionRequiredMixin, ServiceFormMixin, CreateView):
    permission_required = "crm.add_contact"
    model = Contact
    form_class = ContactForm
    template_name = "crm/contact_form.html"
    success_message = _("Contact %(object)s has been created.")

    def get_initial(self):
        initial = super().get_initial()
        # "New person" from a company card arrives with ?company=<pk>.
        key = self.request.GET.get("company", "")
        if key.isdecimal() and len(key) < 10:
            company = Contact.objects.companies().filter(pk=key).first()
            initial.update(type=Contact.Type.PERSON, company=company)
        return initial

    def perform(self, form):
        return services.create_contact(user=self.request.user, **form.cleaned_data)


class ContactUpdateView(PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    permission_required = "crm.change_contact"
    model = Contact
    form_class = ContactForm
    template_name = "crm/contact_form.html"
    success_message = _("Contact %(object)s has been saved.")

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.update_contact(self.object, user=self.request.user, **values)


class ContactDeleteView(PermissionRequiredMixin, DeleteView):
    permission_required = "crm.delete_contact"
    model = Contact
    template_name = "crm/contact_confirm_delete.html"
    success_url = reverse_lazy("crm:contact_list")

    def form_valid(self, form):
        try:
            services.delete_contact(self.object, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
            return redirect(self.object)
        messages.success(
            self.request,
            _("Contact %(object)s has been deleted.") % {"object": self.object},
        )
        return HttpResponseRedirect(self.success_url)


class ContactExportView(ExportMixin, ContactListView):
    """The contact list as a file. Its codes CSV is what the import page takes back
    unchanged: the same column names, companies by number, salespeople by code."""

    export_title = _("Contacts")
    columns = [
        Column("no", _("No."), width=12),
        Column("type", _("Type"), Kind.CHOICE, choices=Contact.Type.choices),
        Column("name", _("Name"), width=30),
        Column("company", _("Company no."), source="company__no", width=12),
        Column("salesperson", _("Salesperson"), source="salesperson__code"),
        Column("email", _("E-mail"), width=28),
        Column("phone", _("Phone")),
        Column("address", _("Address"), width=28),
        Column("post_code", _("Post code"), width=10),
        Column("city", _("City")),
        Column("country", _("Country"), width=10),
        Column(
            "language_code",
            _("Language"),
            Kind.CHOICE,
            choices=Contact._meta.get_field("language_code").choices,
        ),
        Column(
            "correspondence_type",
            _("Correspondence type"),
            Kind.CHOICE,
            choices=CorrespondenceType.choices,
        ),
        Column("exclude_from_segment", _("Exclude from segment"), Kind.BOOLEAN),
    ]


# The session names the one upload of the user that waits for confirmation.
PENDING_IMPORT = "contact_import"


def discard_pending_import(request):
    """Forget the waiting upload, and remove its file."""
    pending = request.session.pop(PENDING_IMPORT, None)
    if pending:
        MediaStorage(name=pending["name"]).remove()
    return pending


class ContactImportView(PermissionRequiredMixin, FormView):
    """Upload a CSV or Excel file and see what importing it would do to each row.
    Nothing is written until the preview is confirmed (ContactImportConfirmView)."""

    permission_required = "crm.import_contact"
    form_class = ContactImportForm
    template_name = "crm/contact_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=ContactResource.column_names(),
            export_url=reverse("crm:contact_export", args=["codes.csv"]),
        )
        return context

    def form_valid(self, form):
        report = services.preview_contact_import(form.dataset, user=self.request.user)
        # A new upload replaces the one waiting; the file waits in the storage under a
        # generated name, which only this session knows.
        discard_pending_import(self.request)
        remove_stale_import_previews()
        token = ""
        if report.importable:
            storage = MediaStorage()
            storage.save(form.content)
            token = storage.name
            self.request.session[PENDING_IMPORT] = {
                "name": token,
                "format": form.file_format,
            }
        return self.render_to_response(
            self.get_context_data(
                form=form,
                report=report,
                token=token,
                file_name=form.cleaned_data["file"].name,
            )
        )


class ContactImportConfirmView(PermissionRequiredMixin, View):
    """Import the previewed file (its valid rows), or cancel it."""

    permission_required = "crm.import_contact"

    def post(self, request):
        pending = request.session.get(PENDING_IMPORT)
        if not pending or request.POST.get("token") != pending["name"]:
            messages.error(
                request,
                _(
                    "This import is no longer waiting for confirmation. Upload the "
                    "file again."
                ),
            )
            return redirect("crm:contact_import")
        if "cancel" in request.POST:
            discard_pending_import(request)
            messages.info(request, _("The import has been canceled."))
            return redirect("crm:contact_list")
        try:
            content = MediaStorage(name=pending["name"]).read()
        except FileNotFoundError:
            content = None
        discard_pending_import(request)
        if content is None:
            messages.error(request, _("The uploaded file is gone. Upload it again."))
            return redirect("crm:contact_import")
        try:
            report = services.import_contacts(
                read_dataset(content, pending["format"]), user=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("crm:contact_import")
        messages.success(
            request,
            _(
                "Import finished: %(new)s created, %(update)s updated, "
                "%(unchanged)s unchanged, %(rejected)s rejected."
            )
            % report.counts,
        )
        return redirect("crm:contact_list")


class SalespersonListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_salesperson"
    filterset_class = SalespersonFilter
    queryset = Salesperson.objects.select_related("user")
    paginate_by = PAGE_SIZE
    template_name = "crm/salesperson_list.html"


class SalespersonDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "crm.view_salesperson"
    queryset = Salesperson.objects.select_related("user")
    template_name = "crm/salesperson_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact_count"] = self.object.contacts.count()
        context.update(
            interaction_card(
                salesperson=self.object,
                user=self.request.user,
                page=self.request.GET.get("page"),
            ),
            filter_query=urlencode({"salesperson": self.object.pk}),
        )
        return context


class SalespersonCreateView(PermissionRequiredMixin, ServiceFormMixin, CreateView):
    permission_required = "crm.add_salesperson"
    model = Salesperson
    form_class = SalespersonForm
    template_name = "crm/salesperson_form.html"
    success_message = _("Salesperson %(object)s has been created.")


class SalespersonUpdateView(PermissionRequiredMixin, ServiceFormMixin, UpdateView):
    permission_required = "crm.change_salesperson"
    model = Salesperson
    form_class = SalespersonForm
    template_name = "crm/salesperson_form.html"
    success_message = _("Salesperson %(object)s has been saved.")


class NumberSeriesListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_numberseries"
    model = NumberSeries
    filterset_fields = ()
    paginate_by = PAGE_SIZE
    template_name = "crm/numberseries_list.html"


class NumberSeriesCreateView(
    PermissionRequiredMixin, SetupFormMixin, ServiceFormMixin, CreateView
):
    permission_required = "crm.add_numberseries"
    model = NumberSeries
    form_class = NumberSeriesForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("crm:numberseries_list")
    success_message = _("Number series %(object)s has been created.")
    title = _("New number series")
    cancel_url = reverse_lazy("crm:numberseries_list")


class NumberSeriesUpdateView(
    PermissionRequiredMixin, SetupFormMixin, ServiceFormMixin, UpdateView
):
    permission_required = "crm.change_numberseries"
    model = NumberSeries
    form_class = NumberSeriesForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("crm:numberseries_list")
    success_message = _("Number series %(object)s has been saved.")
    cancel_url = reverse_lazy("crm:numberseries_list")

    def get_title(self):
        return _("Number series %(code)s") % {"code": self.object.code}


class MarketingSetupUpdateView(
    PermissionRequiredMixin, SetupFormMixin, ServiceFormMixin, UpdateView
):
    permission_required = "crm.change_marketingsetup"
    form_class = MarketingSetupForm
    template_name = "crm/setup_form.html"
    success_message = _("Marketing setup has been saved.")
    title = _("Marketing setup")
    intro = _(
        "Number series for new contacts and segments, and the defaults for new "
        "interactions."
    )

    def get_object(self, queryset=None):
        # Unsaved until the form is saved: a GET never writes.
        return MarketingSetup.objects.filter(pk=1).first() or MarketingSetup(pk=1)

    def get_success_url(self):
        return reverse("crm:marketing_setup")


class AuditRecordListView(PermissionRequiredMixin, FilterView):
    """Audit trail: who created, postponed, resumed, canceled, evaluated, deleted or
    logged what, and when; newest first."""

    permission_required = "crm.view_auditrecord"
    filterset_class = AuditRecordFilter
    queryset = AuditRecord.objects.select_related("user")
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/auditrecord_list.html"


class AuditRecordExportView(ExportMixin, AuditRecordListView):
    export_title = _("Audit trail")
    columns = [
        Column("at", _("When"), Kind.DATETIME),
        Column("username", _("User")),
        Column("action", _("Action"), Kind.CHOICE, choices=AuditRecord.Action.choices),
        Column(
            "object_type",
            _("Object"),
            Kind.CHOICE,
            choices=AuditRecord.ObjectType.choices,
        ),
        Column("object_id", _("No."), width=12),
        Column("object_repr", _("Description"), width=30),
        Column("count", _("Count"), Kind.INTEGER),
        Column("details", _("Details"), display=details_text, width=50),
    ]


# ---------------------------------------------------------------------------
# Lookups


class LookupView(PermissionRequiredMixin, View):
    """The JSON a lookup field searches: `?q=` text, `page=` from 1, 20 rows a page.

    Answers {"results": [...], "more": bool}; a query it cannot read gets a 400 with
    {"error": message}. Each model has its own subclass with the permission to view it.
    """

    lookup_class = None
    # Deeper pages than this are a scroll nobody does; OFFSET would read them all.
    max_page = 50

    def get(self, request, *args, **kwargs):
        lookup = self.lookup_class()
        try:
            text, page = self.read_query(request.GET)
            queryset = lookup.offered(request.GET)
            if text:
                queryset = lookup.search(queryset, text)
            start = (page - 1) * LOOKUP_PAGE_SIZE
            # One row more than the page tells whether there is a next one.
            found = list(
                queryset.order_by(*lookup.order(text))[
                    start : start + LOOKUP_PAGE_SIZE + 1
                ]
            )
            results = lookup.rows(found[:LOOKUP_PAGE_SIZE], request.GET)
        except BadLookup as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"results": results, "more": len(found) > LOOKUP_PAGE_SIZE})

    def read_query(self, query):
        text = query.get("q", "")
        if "\x00" in text:
            raise BadLookup(_("The search contains a character that is not allowed."))
        text = text.strip()
        if len(text) > MAX_QUERY:
            raise BadLookup(
                _("Search with at most %(max)s characters.") % {"max": MAX_QUERY}
            )
        page = query.get("page", "1")
        if not (page.isdecimal() and len(page) < 4 and 1 <= int(page) <= self.max_page):
            raise BadLookup(
                _("The page must be a number from 1 to %(max)s.")
                % {"max": self.max_page}
            )
        return text, int(page)


class SalespersonLookupView(LookupView):
    permission_required = "crm.view_salesperson"
    lookup_class = SalespersonLookup
