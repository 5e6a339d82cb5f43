"""Contacts → Import: upload, preview (inline or as a job) and confirm."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    FormView,
    View,
)
from import_export.tmp_storages import MediaStorage

from crm import contact_import
from crm.forms import (
    ContactImportForm,
)
from crm.imports import (
    IMPORT_JOB_KIND,
    PREVIEW_JOB_KIND,
    ContactResource,
    remove_stale_import_previews,
)
from jobs.models import Job
from jobs.services import start_job
from web.views import (
    BadInputMixin,
)

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
