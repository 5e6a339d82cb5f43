"""Salespeople, number series and the marketing setup, and the salesperson
lookup."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    UpdateView,
)
from django_filters.views import FilterView

from crm import services
from crm.filters import SalespersonFilter
from crm.forms import (
    MarketingSetupForm,
    NumberSeriesForm,
    SalespersonForm,
)
from crm.lookups import SalespersonLookup
from crm.models import (
    MarketingSetup,
    NumberSeries,
    Salesperson,
)
from crm.selectors import missing_series
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    DeleteLinkMixin,
    LookupView,
    ServiceDeleteView,
    ServiceFormMixin,
    SetupFormMixin,
)

# What a new-record page says of a number series that is not set up yet.
SERIES_MISSING_NOTES = {
    "contact_nos": _(
        "There is no number series for contacts yet: type the new contact's number "
        "in No."
    ),
    "segment_nos": _(
        "There is no number series for segments yet, and every segment and logged "
        "segment takes its number from one."
    ),
    "task_nos": _(
        "There is no number series for tasks yet, and every task takes its number "
        "from one."
    ),
}


class SeriesNoteMixin:
    """A page that makes records numbered from Marketing setup's `series_fields`
    says so before the user fills it in when one is not set up, and who sets it up
    (partials/series_missing.html): the service refuses the record anyway."""

    series_fields = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["series_notes"] = [
            SERIES_MISSING_NOTES[field] for field in missing_series(*self.series_fields)
        ]
        return context


class SalespersonListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_salesperson"
    filterset_class = SalespersonFilter
    queryset = Salesperson.objects.select_related("user")
    paginate_by = PAGE_SIZE
    template_name = "crm/salesperson_list.html"


class SalespersonCreateView(
    PermissionRequiredMixin, BadInputMixin, ServiceFormMixin, CreateView
):
    permission_required = "crm.add_salesperson"
    model = Salesperson
    form_class = SalespersonForm
    template_name = "crm/salesperson_form.html"
    success_message = _("Salesperson %(object)s has been created.")

    def perform(self, form):
        return services.save_salesperson(form.instance, user=self.request.user)


class SalespersonUpdateView(
    PermissionRequiredMixin,
    BadInputMixin,
    DeleteLinkMixin,
    ServiceFormMixin,
    UpdateView,
):
    permission_required = "crm.change_salesperson"
    delete_url_name = "crm:salesperson_delete"
    model = Salesperson
    form_class = SalespersonForm
    template_name = "crm/salesperson_form.html"
    success_message = _("Salesperson %(object)s has been saved.")

    def perform(self, form):
        return services.save_salesperson(
            form.instance, user=self.request.user, seen_version=form.seen_version
        )


class SalespersonDeleteView(ServiceDeleteView):
    permission_required = "crm.delete_salesperson"
    model = Salesperson
    service = staticmethod(services.delete_salesperson)
    success_url = reverse_lazy("crm:salesperson_list")


class NumberSeriesListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_numberseries"
    model = NumberSeries
    filterset_fields = ()
    paginate_by = PAGE_SIZE
    template_name = "crm/numberseries_list.html"


class NumberSeriesCreateView(
    PermissionRequiredMixin, BadInputMixin, SetupFormMixin, ServiceFormMixin, CreateView
):
    permission_required = "crm.add_numberseries"
    model = NumberSeries
    form_class = NumberSeriesForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("crm:numberseries_list")
    success_message = _("Number series %(object)s has been created.")
    title = _("New number series")
    trail = ((reverse_lazy("crm:numberseries_list"), _("Number series")),)

    def perform(self, form):
        return services.save_number_series(form.instance, user=self.request.user)


class NumberSeriesUpdateView(
    PermissionRequiredMixin,
    BadInputMixin,
    SetupFormMixin,
    DeleteLinkMixin,
    ServiceFormMixin,
    UpdateView,
):
    permission_required = "crm.change_numberseries"
    delete_url_name = "crm:numberseries_delete"
    model = NumberSeries
    form_class = NumberSeriesForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("crm:numberseries_list")
    success_message = _("Number series %(object)s has been saved.")
    trail = ((reverse_lazy("crm:numberseries_list"), _("Number series")),)

    def perform(self, form):
        return services.save_number_series(
            form.instance, user=self.request.user, seen_version=form.seen_version
        )

    def get_title(self):
        return _("Number series %(code)s") % {"code": self.object.code}


class NumberSeriesDeleteView(ServiceDeleteView):
    permission_required = "crm.delete_numberseries"
    model = NumberSeries
    service = staticmethod(services.delete_number_series)
    success_url = reverse_lazy("crm:numberseries_list")


class MarketingSetupUpdateView(
    PermissionRequiredMixin, BadInputMixin, SetupFormMixin, ServiceFormMixin, UpdateView
):
    permission_required = "crm.change_marketingsetup"
    form_class = MarketingSetupForm
    template_name = "crm/setup_form.html"
    success_message = _("Marketing setup has been saved.")
    title = _("Marketing setup")
    intro = _(
        "Number series for new contacts, segments and tasks, and the defaults for "
        "new contacts and interactions."
    )

    def get_context_data(self, **kwargs):
        # On a new installation the series lists are empty: say where they are made.
        return super().get_context_data(
            **kwargs, series_missing=not NumberSeries.objects.exists()
        )

    def perform(self, form):
        return services.save_marketing_setup(
            form.instance, user=self.request.user, seen_version=form.seen_version
        )

    def get_object(self, queryset=None):
        # Unsaved until the form is saved: a GET never writes.
        return MarketingSetup.objects.filter(pk=1).first() or MarketingSetup(pk=1)

    def get_success_url(self):
        return reverse("crm:marketing_setup")


# ---------------------------------------------------------------------------
# Lookups


class SalespersonLookupView(LookupView):
    permission_required = "crm.view_salesperson"
    lookup_class = SalespersonLookup
