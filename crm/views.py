from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    DeleteView,
    FormView,
    UpdateView,
    View,
)
from django_filters.views import FilterView
from import_export.tmp_storages import MediaStorage

from audit.exports import AuditedExportMixin
from crm import contact_import, services
from crm.filters import ContactFilter, SalespersonFilter
from crm.forms import (
    ContactForm,
    ContactImportForm,
    MarketingSetupForm,
    NumberSeriesForm,
    SalespersonForm,
)
from crm.imports import (
    IMPORT_JOB_KIND,
    PREVIEW_JOB_KIND,
    ContactResource,
    remove_stale_import_previews,
)
from crm.lookups import SalespersonLookup
from crm.models import (
    CONTACT_EXPORT_FIELDS,
    Contact,
    CorrespondenceType,
    MarketingSetup,
    NumberSeries,
    Salesperson,
)
from jobs.models import Job
from jobs.services import start_job
from web.exports import Column, Kind
from web.pagination import EstimatedCountPaginator
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    DeleteLinkMixin,
    LookupView,
    ServiceDeleteView,
    ServiceFormMixin,
    SetupFormMixin,
)


class ContactListView(PermissionRequiredMixin, FilterView):
    permission_required = "crm.view_contact"
    filterset_class = ContactFilter
    queryset = Contact.objects.with_related()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "crm/contact_list.html"


class ContactCreateView(
    PermissionRequiredMixin, BadInputMixin, ServiceFormMixin, CreateView
):
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
        return services.update_contact(self.object, user=self.request.user, **values)


class ContactDeleteView(PermissionRequiredMixin, BadInputMixin, DeleteView):
    permission_required = "crm.delete_contact"
    model = Contact
    template_name = "crm/contact_confirm_delete.html"
    success_url = reverse_lazy("crm:contact_list")

    def form_valid(self, form):
        try:
            services.delete_contact(self.object, user=self.request.user)
        except ValidationError as error:
            # Protected (persons, entries, segment lines): back to the card, which
            # shows what still refers to the contact.
            messages.error(self.request, error.messages[0])
            return redirect(self.object)
        messages.success(
            self.request,
            _("Contact %(object)s has been deleted.") % {"object": self.object},
        )
        return HttpResponseRedirect(self.success_url)


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


# The session names the one upload of the user that waits for confirmation.
PENDING_IMPORT = "contact_import"
# A file up to this size is previewed in the request (about 20,000 rows, a few
# seconds); a larger one by a job, which the page follows.
INLINE_PREVIEW_BYTES = 2 * 2**20


def discard_pending_import(request):
    """Forget the waiting upload, and remove its file."""
    pending = request.session.pop(PENDING_IMPORT, None)
    if pending:
        MediaStorage(name=pending["name"]).remove()
    return pending


# A file that cannot be imported is the client's error, said on the page.
class ContactImportView(PermissionRequiredMixin, BadInputMixin, FormView):
    """Upload a CSV or Excel file and see what importing it would do: the counts of
    every outcome, the first rows and the first rejected rows with their messages.
    Nothing is written until the preview is confirmed (ContactImportConfirmView)."""

    permission_required = "crm.import_contact"
    form_class = ContactImportForm
    template_name = "crm/contact_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=ContactResource.column_names(),
            export_url=reverse("crm:contact_export", args=["codes.csv"]),
            shown_rows=contact_import.SHOWN_ROWS,
        )
        return context

    def get(self, request, *args, **kwargs):
        if "preview" in request.GET:
            return self.preview_made_by_job(request.GET["preview"])
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        # A new upload replaces the one waiting; the file waits in the storage under a
        # generated name, which only this session knows.
        discard_pending_import(self.request)
        remove_stale_import_previews()
        file_name = form.cleaned_data["file"].name
        if len(form.content) > INLINE_PREVIEW_BYTES:
            return self.start_preview_job(form, file_name)
        try:
            report = contact_import.preview_contact_import(
                form.content, form.file_format, user=self.request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        token = ""
        if report.importable:
            token = self.keep_upload(form, file_name, rows=report.read)
        return self.render_to_response(
            self.get_context_data(
                form=form, report=report, token=token, file_name=file_name
            )
        )

    def keep_upload(self, form, file_name, **pending):
        storage = MediaStorage()
        storage.save(form.content)
        self.request.session[PENDING_IMPORT] = {
            "name": storage.name,
            "format": form.file_format,
            "file_name": file_name,
            **pending,
        }
        return storage.name

    def start_preview_job(self, form, file_name):
        """A large file is previewed by the worker: this page follows the job."""
        token = self.keep_upload(form, file_name)
        job = start_job(
            PREVIEW_JOB_KIND,
            user=self.request.user,
            params={
                "upload": token,
                "file_format": form.file_format,
                "update": True,
                "language": get_language(),
            },
        )
        self.request.session[PENDING_IMPORT] = {
            **self.request.session[PENDING_IMPORT],
            "preview": job.pk,
        }
        return redirect(f"{reverse('crm:contact_import')}?preview={job.pk}")

    def preview_made_by_job(self, job_id):
        """The page with the preview job's progress, or its preview once done."""
        pending = self.request.session.get(PENDING_IMPORT)
        if not pending or str(pending.get("preview")) != job_id:
            messages.error(
                self.request,
                _(
                    "This import is no longer waiting for confirmation. Upload the "
                    "file again."
                ),
            )
            return redirect("crm:contact_import")
        job = get_object_or_404(
            Job, pk=pending["preview"], created_by=self.request.user
        )
        context = self.get_context_data(
            preview_job=job, file_name=pending.get("file_name", "")
        )
        if job.status == Job.Status.DONE and job.has_file:
            with job.file.open("rb") as preview:
                report = contact_import.ImportSummary.from_json(preview.read())
            context["report"] = report
            if report.importable:
                context["token"] = pending["name"]
                self.request.session[PENDING_IMPORT] = {**pending, "rows": report.read}
        return self.render_to_response(context)


class ContactImportConfirmView(PermissionRequiredMixin, View):
    """Start the import of the previewed file (its valid rows) as a background job,
    or cancel it."""

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
        # The job reads the file again rather than the preview's rows kept: a
        # session holds kilobytes, a file up to IMPORT_MAX_UPLOAD_SIZE. From here
        # the file is the job's, which removes it.
        del request.session[PENDING_IMPORT]
        start_job(
            IMPORT_JOB_KIND,
            user=request.user,
            total=pending.get("rows"),
            params={
                "upload": pending["name"],
                "file_format": pending["format"],
                "update": True,
                "language": get_language(),
            },
        )
        messages.success(
            request,
            _(
                "The import has started. Its progress is shown here; the rejected "
                "rows can be downloaded when it is done."
            ),
        )
        return redirect("jobs:list")


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
        return services.save_salesperson(form.instance, user=self.request.user)


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
        return services.save_number_series(form.instance, user=self.request.user)

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
        "Number series for new contacts and segments, and the defaults for new "
        "interactions."
    )

    def perform(self, form):
        return services.save_marketing_setup(form.instance, user=self.request.user)

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
