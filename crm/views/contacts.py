"""The contact pages: the list with its export, new, edit, delete and
Privacy geblokkeerd."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    UpdateView,
    View,
)
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from crm import services
from crm.filters import ContactFilter
from crm.forms import (
    ContactForm,
)
from crm.models import (
    CONTACT_EXPORT_FIELDS,
    Contact,
    CorrespondenceType,
)
from crm.selectors import new_contact_values, possible_duplicates
from crm.views.setup import SeriesNoteMixin
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.views import (
    CONFIRM_DUPLICATE,
    PAGE_SIZE,
    BadInputMixin,
    ServiceDeleteView,
    ServiceFormMixin,
    duplicate_confirmed,
)


class ContactListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_contact"
    filterset_class = ContactFilter
    queryset = Contact.objects.with_related()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/contact_list.html"


class ContactCreateView(
    PermissionRequiredMixin,
    BadInputMixin,
    SeriesNoteMixin,
    ServiceFormMixin,
    CreateView,
):
    permission_required = "crm.add_contact"
    series_fields = ("contact_nos",)
    model = Contact
    form_class = ContactForm
    template_name = "crm/contact_form.html"
    success_message = _("Contact %(object)s has been created.")

    def get_initial(self):
        initial = super().get_initial()
        # "New person" from a company card arrives with ?company=<pk>.
        key = self.request.GET.get("company", "")
        company = None
        if key.isdecimal() and len(key) < 10:
            company = (
                Contact.objects.companies()
                .select_related("salesperson")
                .filter(pk=key)
                .first()
            )
        initial.update(new_contact_values(user=self.request.user, company=company))
        return initial

    def form_valid(self, form):
        values = form.cleaned_data
        duplicates = possible_duplicates(
            type=values["type"], name=values["name"], email=values["email"]
        )
        # "Create anyway" names the newest contact the page named.
        if duplicates and not duplicate_confirmed(self.request.POST, duplicates[0]):
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    duplicates=duplicates,
                    confirm_duplicate=CONFIRM_DUPLICATE,
                )
            )
        return super().form_valid(form)

    def perform(self, form):
        return services.create_contact(user=self.request.user, **form.cleaned_data)


class ContactUpdateView(
    PermissionRequiredMixin, BadInputMixin, ServiceFormMixin, UpdateView
):
    permission_required = "crm.change_contact"
    model = Contact
    form_class = ContactForm
    template_name = "crm/contact_form.html"
    success_message = _("Contact %(object)s has been saved.")

    def perform(self, form):
        # Only what the user changed: the service's checks see the real change.
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.update_contact(
            self.object,
            user=self.request.user,
            seen_version=form.seen_version,
            **values,
        )


class ContactDeleteView(ServiceDeleteView):
    """Refused while persons, entries or segment lines refer to the contact: the
    card shows what does."""

    permission_required = "crm.delete_contact"
    model = Contact
    template_name = "crm/contact_confirm_delete.html"
    success_url = reverse_lazy("crm:contact_list")
    service = staticmethod(services.delete_contact)


class ContactPrivacyBlockView(PermissionRequiredMixin, View):
    """Mark a contact "Privacy blocked" or lift the mark, after a confirmation
    page; the posted `blocked` says which, so a second click changes nothing."""

    permission_required = "crm.change_contact"
    template_name = "crm/contact_privacy_block.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.contact = get_object_or_404(Contact, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"contact": self.contact})

    def post(self, request, *args, **kwargs):
        choice = request.POST.get("blocked", "")
        if choice not in ("true", "false"):
            return HttpResponseBadRequest(
                _("Say whether the contact is to be privacy blocked (true or false).")
            )
        blocked = choice == "true"
        try:
            services.set_privacy_blocked(self.contact, blocked, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.contact)
        if blocked:
            message = _("Contact %(contact)s is now privacy blocked.")
        else:
            message = _("The privacy block of contact %(contact)s has been lifted.")
        messages.success(request, message % {"contact": self.contact})
        return redirect(self.contact)


# The export's labels and widths of the CONTACT_EXPORT_FIELDS (a field without one
# is headed by its verbose name).
CONTACT_COLUMNS = {
    column.name: column
    for column in (
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
    )
}


class ContactExportView(AuditedExportMixin, ContactListView):
    """The contact list as a file. Its codes CSV is what the import page takes back
    unchanged: the same column names, companies by number, salespeople by code."""

    export_title = _("Contacts")
    columns = [
        CONTACT_COLUMNS.get(name)
        or Column(name, capfirst(Contact._meta.get_field(name).verbose_name))
        for name in CONTACT_EXPORT_FIELDS
    ]
