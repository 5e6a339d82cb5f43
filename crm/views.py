import sys
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import MAX_URL_REDIRECT_LENGTH
from django.utils.translation import gettext_lazy as _
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
from crm.exports import SpreadsheetExportMixin
from crm.filters import AuditRecordFilter, ContactFilter, SalespersonFilter
from crm.forms import (
    ContactForm,
    ContactImportForm,
    DashboardForm,
    MarketingSetupForm,
    NumberSeriesForm,
    SalespersonForm,
)
from crm.lookups import MAX_QUERY, BadLookup, SalespersonLookup
from crm.lookups import PAGE_SIZE as LOOKUP_PAGE_SIZE
from crm.models import (
    AuditRecord,
    Contact,
    MarketingSetup,
    NumberSeries,
    Salesperson,
)
from crm.pagination import EstimatedCountPaginator
from crm.resources import ContactResource, read_dataset
from interactions.models import InteractionLogEntry
from interactions.selectors import contact_timeline, dashboard, interaction_card

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
                self.request, self.success_message % {"object": self.object}
            )
        return HttpResponseRedirect(self.get_success_url())


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
    """The start page: the user's postponed interactions to resume, recent
    interactions and charts. Open to every logged-in user; its sections need the
    permission to view interactions.

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
        context["timeline"] = contact_timeline(self.object, self.request.GET)
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


class ContactExportView(PermissionRequiredMixin, SpreadsheetExportMixin, FilterView):
    """The filtered contact list as a file the import page takes back unchanged: the
    same column names, companies by number and salespeople by code."""

    permission_required = "crm.view_contact"
    filterset_class = ContactFilter
    queryset = Contact.objects.all()
    filename = "contacts"
    columns = [
        ("no", "no"),
        ("type", "type"),
        ("name", "name"),
        ("company__no", "company"),
        ("salesperson__code", "salesperson"),
        ("email", "email"),
        ("phone", "phone"),
        ("address", "address"),
        ("post_code", "post_code"),
        ("city", "city"),
        ("country", "country"),
        ("language_code", "language_code"),
        ("correspondence_type", "correspondence_type"),
        ("exclude_from_segment", "exclude_from_segment"),
    ]
    formula_safe = {
        "type",
        "language_code",
        "correspondence_type",
        "exclude_from_segment",
    }


# The session names the one upload of the user that waits for confirmation.
PENDING_IMPORT = "contact_import"


def discard_pending_import(request):
    """Forget the waiting upload, and remove its file."""
    pending = request.session.pop(PENDING_IMPORT, None)
    if pending:
        MediaStorage(name=pending["name"]).remove()
    return pending


def remove_stale_uploads():
    """Remove uploads nobody confirmed (the session ended, or the admin's preview was
    left) once they are older than a session lasts."""
    folder = MediaStorage().MEDIA_FOLDER
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    for name in names:
        if default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
            default_storage.delete(f"{folder}/{name}")


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
            export_url=reverse("crm:contact_export"),
        )
        return context

    def form_valid(self, form):
        report = services.preview_contact_import(form.dataset, user=self.request.user)
        # A new upload replaces the one waiting; the file waits in the storage under a
        # generated name, which only this session knows.
        discard_pending_import(self.request)
        remove_stale_uploads()
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
                salesperson=self.object, page=self.request.GET.get("page")
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
    queryset = AuditRecord.objects.all()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/auditrecord_list.html"


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
