"""The "Achtergrondtaken" page: your jobs (everyone's for CRM admins), their
progress refreshed by htmx, cancel and retry."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from jobs import services
from jobs.models import Job
from web.views import PAGE_SIZE


def started_message(job, text):
    """`text` (what was started) and a link to the job's row on the jobs page, for
    the message of a page that started a job."""
    return format_html(
        '{} <a href="{}" class="alert-link">{}</a>',
        text,
        f"{reverse('jobs:list')}#job-{job.pk}",
        _("Follow it on Background jobs."),
    )


class VisibleJobsMixin:
    """Jobs of others are a 404 to a user who may not see them."""

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("created_by")


class JobListView(VisibleJobsMixin, ListView):
    paginate_by = PAGE_SIZE
    template_name = "jobs/job_list.html"

    def get_queryset(self):
        return super().get_queryset().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["all_jobs"] = self.request.user.has_perm("jobs.view_all_jobs")
        context["waiting_since"] = Job.objects.waiting_for_a_worker(
            timezone.now(), settings.JOB_WORKER_MISSING_AFTER
        )
        return context


class JobRowView(VisibleJobsMixin, DetailView):
    """One row of the list, for htmx polling. When the job has finished, the
    response says so (HX-Trigger: jobFinished) and the toast area fetches its toast."""

    template_name = "jobs/partials/job_row.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["all_jobs"] = self.request.user.has_perm("jobs.view_all_jobs")
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_unfinished:
            response["HX-Trigger"] = "jobFinished"
        return response


class JobToastsView(View):
    """The toasts of your jobs that finished since a page last said so (htmx)."""

    def get(self, request, *args, **kwargs):
        jobs = list(Job.objects.unnotified(request.user).order_by("-finished_at")[:5])
        services.mark_notified(jobs)
        return render(request, "jobs/partials/toasts.html", {"jobs": jobs})


class JobCancelView(VisibleJobsMixin, SingleObjectMixin, View):
    """GET asks "Cancel this job?"; POST cancels it."""

    template_name = "jobs/job_confirm_cancel.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"job": self.get_object()})

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            job = services.cancel_job(job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if job.status == Job.Status.CANCELED:
                messages.success(request, _("The job has been canceled."))
            else:
                messages.success(
                    request, _("The job stops after the batch it is working on.")
                )
        return redirect("jobs:list")


class JobDownloadView(VisibleJobsMixin, SingleObjectMixin, View):
    """The job's file for whoever may see the job; 404 once it has expired."""

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.has_file or not job.file.storage.exists(job.file.name):
            raise Http404(_("This file is no longer kept."))
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.file_name or None
        )


class JobRetryView(VisibleJobsMixin, SingleObjectMixin, View):
    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            services.retry_job(job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The job runs again."))
        return redirect("jobs:list")
