"""The retention pages ("Bewaartermijnen"): the terms and policies, the dry run with
"Run now", and the log of the runs. CRM admins only (the Marketing setup right)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import (
    CreateView,
    ListView,
    TemplateView,
    UpdateView,
    View,
)

from jobs.views import started_message
from privacy import services
from privacy.forms import RetentionPolicyForm, RetentionSettingsForm
from privacy.jobs import RETENTION_PERMISSION
from privacy.models import RetentionPolicy, RetentionRun, RetentionSettings
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    ServiceDeleteView,
    ServiceFormMixin,
    SetupFormMixin,
)


class RetentionView(
    PermissionRequiredMixin, BadInputMixin, ServiceFormMixin, UpdateView
):
    """The terms (a form) and the policies per group or template (a table)."""

    permission_required = RETENTION_PERMISSION
    form_class = RetentionSettingsForm
    template_name = "privacy/retention.html"
    success_message = gettext_lazy("The retention terms have been saved.")
    success_url = reverse_lazy("privacy:retention")

    def get_object(self, queryset=None):
        return RetentionSettings.load()

    def perform(self, form):
        return services.save_retention_settings(form.instance, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policies"] = RetentionPolicy.objects.select_related(
            "group", "template"
        ).order_by("template__code", "group__code")
        # A dry run changes nothing, so "last run" means the last real one.
        context["last_run"] = RetentionRun.objects.filter(dry_run=False).first()
        return context


class PolicyFormMixin(
    PermissionRequiredMixin, BadInputMixin, SetupFormMixin, ServiceFormMixin
):
    permission_required = RETENTION_PERMISSION
    model = RetentionPolicy
    form_class = RetentionPolicyForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("privacy:retention")
    trail = ((reverse_lazy("privacy:retention"), gettext_lazy("Retention")),)
    intro = gettext_lazy(
        "Entries dated more than the number of months ago are deleted or anonymised "
        "by the daily retention run."
    )

    def perform(self, form):
        return services.save_retention_policy(form.instance, user=self.request.user)


class RetentionPolicyCreateView(PolicyFormMixin, CreateView):
    title = gettext_lazy("New retention policy")
    success_message = gettext_lazy("Retention policy %(object)s has been created.")


class RetentionPolicyUpdateView(PolicyFormMixin, UpdateView):
    success_message = gettext_lazy("Retention policy %(object)s has been saved.")

    def get_title(self):
        return _("Retention policy %(subject)s") % {"subject": self.object}


class RetentionPolicyDeleteView(ServiceDeleteView):
    permission_required = RETENTION_PERMISSION
    model = RetentionPolicy
    template_name = "privacy/retentionpolicy_confirm_delete.html"
    success_url = reverse_lazy("privacy:retention")
    service = staticmethod(services.delete_retention_policy)


class RetentionPlanView(PermissionRequiredMixin, TemplateView):
    """The dry run: what the next run would delete or anonymise, rule by rule."""

    permission_required = RETENTION_PERMISSION
    template_name = "privacy/retention_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted by the same rules, in the same order, as the run itself, so the
        # page shows exactly what "Run now" would do at this moment.
        plan = services.plan_retention()
        context["plan"] = plan
        context["total"] = sum(line["count"] for line in plan)
        return context


class RetentionRunView(PermissionRequiredMixin, View):
    """POST: start a run now as a background job ("Run now" on the dry-run page)."""

    permission_required = RETENTION_PERMISSION
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            job = services.start_retention(user=request.user)
        except ValidationError as error:
            # A run is queued or going on: two at once would count twice.
            messages.error(request, " ".join(error.messages))
            return redirect("privacy:retention_plan")
        messages.success(
            request, started_message(job, _("The retention run has been started."))
        )
        # The jobs page shows the run's progress batch by batch.
        return redirect(f"{reverse('jobs:list')}#job-{job.pk}")


class RetentionRunListView(PermissionRequiredMixin, ListView):
    """The log: every run, newest first, with what each rule did."""

    permission_required = RETENTION_PERMISSION
    model = RetentionRun
    paginate_by = PAGE_SIZE
    template_name = "privacy/retentionrun_list.html"

    def get_queryset(self):
        return RetentionRun.objects.select_related("user").order_by(
            "-started_at", "-id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for run in context["object_list"]:
            run.lines = services.with_labels(run.counts)
        return context
