"""The contact card's data-subject pages: "Export contact data" and "Anonymise
contact" (CRM admins), and the audited download of an export kept by a job."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View
from django.views.generic.detail import SingleObjectMixin

from crm.models import Contact
from jobs.views import started_message
from privacy import services
from privacy.forms import EraseConfirmForm
from privacy.models import ContactExport
from web.views import BadInputMixin


class ContactExportView(PermissionRequiredMixin, DetailView):
    """GET explains what the export holds; POST downloads it at once, or starts the
    background job for a large history."""

    permission_required = "privacy.export_contact_data"
    model = Contact
    template_name = "privacy/contact_export.html"
    context_object_name = "contact"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = services.contact_history_size(self.object)
        context["in_background"] = services.export_in_background(self.object)
        # Only this user's own exports: a download link is personal, as the
        # audit record of each opening names who read the data.
        context["kept"] = [
            export
            for export in ContactExport.objects.filter(
                contact=self.object, created_by=self.request.user
            )
            if export.is_kept
        ]
        return context

    def post(self, request, *args, **kwargs):
        contact = self.get_object()
        if services.export_in_background(contact):
            job = services.start_export_job(contact, user=request.user)
            messages.info(
                request,
                started_message(
                    job,
                    _(
                        "The export of %(no)s is being made in the background; its "
                        "download link is kept for 24 hours."
                    )
                    % {"no": contact.no},
                ),
            )
            return redirect("privacy:contact_export", pk=contact.pk)
        # A small history is written in the request: the zip is in memory anyway,
        # and a job would make the admin wait for a worker for a few kilobytes.
        content = services.export_contact_data(contact, user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{services.export_filename(contact)}"'
        )
        return response


class ExportDownloadView(PermissionRequiredMixin, SingleObjectMixin, View):
    """An export made by a background job, for the user who made it, until it
    expires (24 hours); each download is audited."""

    permission_required = "privacy.export_contact_data"

    def get_queryset(self):
        # Another admin's export is a 404, not a 403: its number says nothing.
        return ContactExport.objects.filter(
            created_by=self.request.user
        ).select_related("contact")

    def get(self, request, *args, **kwargs):
        export = self.get_object()
        # The row outlives its file by up to an hour (the hourly cleanup), and a
        # file can go with an erasure: either way the link has expired.
        if not export.is_kept or not export.file.storage.exists(export.file.name):
            raise Http404(_("This file is no longer kept."))
        services.record_download(export, user=request.user)
        return FileResponse(
            export.file.open("rb"), as_attachment=True, filename=export.file_name
        )


class ContactEraseView(
    PermissionRequiredMixin, BadInputMixin, SingleObjectMixin, FormView
):
    """Anonymise a contact, confirmed by typing its number."""

    permission_required = "privacy.erase_contact"
    model = Contact
    form_class = EraseConfirmForm
    template_name = "privacy/contact_erase.html"
    context_object_name = "contact"

    def dispatch(self, request, *args, **kwargs):
        # The form checks the typed number against this contact, on GET and POST.
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contact": self.object}

    def form_valid(self, form):
        try:
            contact = services.erase_contact(self.object, user=self.request.user)
        except ValidationError as error:
            # Refused (a delivery to the contact is in progress): nothing was
            # changed, and the page says why.
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contact %(no)s has been anonymised.") % {"no": contact.no},
        )
        return redirect(contact)
