import sys
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import MAX_URL_REDIRECT_LENGTH
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    TemplateView,
    UpdateView,
)
from django_filters.views import FilterView

from crm import services
from crm.filters import ContactFilter, SalespersonFilter
from crm.forms import ContactForm, MarketingSetupForm, NumberSeriesForm, SalespersonForm
from crm.models import Contact, MarketingSetup, NumberSeries, Salesperson
from crm.pagination import EstimatedCountPaginator
from interactions.selectors import interaction_card

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


class HomeView(TemplateView):
    template_name = "crm/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["salesperson"] = getattr(self.request.user, "salesperson", None)
        return context


class ContactListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_contact"
    filterset_class = ContactFilter
    queryset = Contact.objects.with_related()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/contact_list.html"


class ContactDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "crm.view_contact"
    queryset = Contact.objects.with_related()
    template_name = "crm/contact_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["persons"] = self.object.persons.select_related("salesperson").order_by(
            "name"
        )
        context.update(
            interaction_card(contact=self.object, page=self.request.GET.get("page")),
            filter_query=urlencode({"contact": self.object.no}),
        )
        return context


class ContactCreateView(PermissionRequiredMixin, ServiceFormMixin, CreateView):
    permission_required = "crm.add_contact"
    model = Contact
    form_class = ContactForm
    template_name = "crm/contact_form.html"
    success_message = _("Contact %(object)s has been created.")

    def get_initial(self):
        initial = super().get_initial()
        # "New person" from a company card arrives with ?company=<pk>.
        company = self.request.GET.get("company", "")
        if company.isdecimal():
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
