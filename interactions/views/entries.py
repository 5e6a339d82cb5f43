"""Create an interaction, and the log entry pages: list, detail, attachment, bulk
actions, delete canceled entries."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import (
    DetailView,
    FormView,
    TemplateView,
    UpdateView,
)
from django_filters.views import FilterView

from crm import submissions
from crm.models import Contact, Salesperson
from interactions import jobs, sections, services
from interactions.filters import InteractionLogEntryFilter
from interactions.forms import (
    APPLY_TEMPLATE,
    DeleteCanceledForm,
    EvaluationForm,
    InteractionForm,
    duplicate_warning,
)
from interactions.models import (
    Evaluation,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.views.bulk import BulkActionView
from jobs.services import start_job
from jobs.views import started_message
from web.amounts import format_amount, format_whole_number
from web.pagination import EstimatedCountPaginator
from web.views import (
    CONFIRM_DUPLICATE,
    PAGE_SIZE,
    BadInputMixin,
    add_service_error,
    next_url,
)


class InteractionFormMixin:
    """What "Create interaction" and "Resume" share: the form, OK (asking first when
    the same template was logged for the contact that day), Cancel → postpone."""

    form_class = InteractionForm
    template_name = "interactions/entry_form.html"
    # What the sections made, said after the page's own message (finish fills it).
    section_messages = ()

    def postponing(self):
        return (
            self.request.method == "POST"
            and self.request.POST.get("action") == "postpone"
        )

    def locked_fields(self):
        return ()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(postponing=self.postponing(), locked=self.locked_fields())
        return kwargs

    def get_success_url(self):
        # Back to the page the user came from, but never to another site (an open
        # redirect would lend our address to a phishing link).
        return next_url(self.request, reverse("interactions:entry_list"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = self.get_success_url()
        context["submission_token"] = submissions.new_token()
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != APPLY_TEMPLATE:
            return super().post(request, *args, **kwargs)
        # "Apply template" (the page without JavaScript): nothing is saved, the form
        # comes back with the template's values, as the live refill shows them.
        self.object = self.get_object() if isinstance(self, UpdateView) else None
        form = InteractionForm.filled_from_template(request.POST, instance=self.object)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        token = submissions.read_token(self.request.POST)
        try:
            submissions.check_not_sent(token)
        except submissions.AlreadySubmitted as done:
            return self.sent_already(done)
        if not self.postponing():
            duplicate = form.unconfirmed_duplicate()
            if duplicate is not None:
                # The duplicate may be this form's own first submit, committed
                # since the check above (with its token, in one transaction).
                try:
                    submissions.check_not_sent(token)
                except submissions.AlreadySubmitted as done:
                    return self.sent_already(done)
                # Nothing is logged yet: the page asks first, "Log anyway" confirms.
                return self.render_to_response(
                    self.get_context_data(
                        form=form,
                        duplicate=duplicate,
                        duplicate_warning=duplicate_warning(duplicate),
                        confirm_duplicate=CONFIRM_DUPLICATE,
                    )
                )
        # The form parses; the services decide: template values, salesperson, rules.
        values = form.service_values()
        contact = form.cleaned_data["contact"]
        try:
            # A second submit of this page (a double click) gets the first's result.
            with submissions.submitted_once(token, user=self.request.user) as sent:
                if self.postponing():
                    entry = self.postpone(contact, values)
                    message = _(
                        "The interaction has been postponed. "
                        "Resume it from Postponed interactions."
                    )
                else:
                    entry = self.finish(contact, values)
                    # The amounts as stored, in the user's format: a misread one
                    # shows.
                    message = _(
                        "Interaction %(entry_no)s has been logged for %(contact)s "
                        "(cost %(cost)s, duration %(duration)s min.)."
                    )
                sent.result_url = self.get_success_url()
        except submissions.AlreadySubmitted as done:
            return self.sent_already(done)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        message %= {
            "entry_no": entry.pk,
            "contact": contact,
            "cost": format_amount(entry.cost),
            "duration": format_whole_number(entry.duration),
        }
        messages.success(self.request, " ".join([message, *self.section_messages]))
        return HttpResponseRedirect(self.get_success_url())

    def sent_already(self, done):
        """The answer to a second submit of the same page: where the first led."""
        messages.info(
            self.request, _("This form had been sent already; nothing was done twice.")
        )
        return HttpResponseRedirect(done.result_url or self.get_success_url())


class InteractionCreateView(
    PermissionRequiredMixin, BadInputMixin, InteractionFormMixin, FormView
):
    """Create interaction, from a contact, a salesperson or the log entry list.

    `?contact=<no>` and `?salesperson=<pk>` prefill those fields and lock them, as NAV
    does with the filters of the page the action was started from.
    """

    permission_required = "interactions.add_interactionlogentry"

    def prefilled(self):
        contact = salesperson = None
        # No number holds a NUL character, which PostgreSQL refuses in text.
        if no := self.request.GET.get("contact", "").replace("\x00", ""):
            contact = get_object_or_404(Contact, no=no)
        if (pk := self.request.GET.get("salesperson", "")).isdecimal():
            salesperson = get_object_or_404(Salesperson, pk=pk)
        return contact, salesperson

    def locked_fields(self):
        contact, salesperson = self.prefilled()
        return tuple(
            name
            for name, value in (("contact", contact), ("salesperson", salesperson))
            if value is not None
        )

    def get_initial(self):
        contact, salesperson = self.prefilled()
        now = timezone.localtime()
        return {
            "contact": contact,
            "salesperson": salesperson
            or services.default_salesperson(user=self.request.user, contact=contact),
            "date": now.date(),
            "time": now.time().replace(second=0, microsecond=0),
            "interaction_successful": True,
        }

    def section_forms(self):
        """The forms of the sections other apps add (interactions.sections), bound
        to what was posted."""
        if not hasattr(self, "_section_forms"):
            request = self.request
            data = request.POST if request.method == "POST" else None
            self._section_forms = [
                (section, section.form_class(data, prefix=section.prefix))
                for section in sections.sections_for(request.user)
            ]
        return self._section_forms

    def get_context_data(self, **kwargs):
        # The breadcrumb leads back to the card it was opened from, else the log.
        contact, salesperson = self.prefilled()
        card = contact or salesperson
        if card is None:
            trail = [(reverse("interactions:entry_list"), _("Interaction log entries"))]
        else:
            cards = _("Contacts") if contact else _("Salespeople")
            list_url = "crm:contact_list" if contact else "crm:salesperson_list"
            trail = [(reverse(list_url), cards), (card.get_absolute_url(), card.name)]
        # Day one: with no template or no salesperson to choose, the lookups find
        # nothing, so the page says what is missing and who sets it up.
        return super().get_context_data(
            sections=self.section_forms(),
            trail=trail,
            no_templates=not InteractionTemplate.objects.active().exists(),
            no_salespeople=not Salesperson.objects.active().exists(),
            **kwargs,
        )

    def form_valid(self, form):
        if not self.postponing() and not all(
            section_form.is_valid() for _section, section_form in self.section_forms()
        ):
            return self.form_invalid(form)
        return super().form_valid(form)

    def finish(self, contact, values):
        template = values.pop("template")
        self.section_messages = []
        # One transaction: a section's refusal (a follow-up task) logs nothing.
        with transaction.atomic():
            entry = services.create_interaction(
                contact=contact, template=template, user=self.request.user, **values
            )
            for section, section_form in self.section_forms():
                said = section.save(entry, section_form, user=self.request.user)
                if said:
                    self.section_messages.append(said)
        return entry

    def postpone(self, contact, values):
        return services.postpone_interaction(
            contact=contact, user=self.request.user, **values
        )


class InteractionFormFieldsView(PermissionRequiredMixin, TemplateView):
    """The form's fields again, filled in from the chosen template (for htmx)."""

    permission_required = "interactions.add_interactionlogentry"
    template_name = "interactions/partials/entry_form_fields.html"

    def get_context_data(self, **kwargs):
        return {"form": InteractionForm.filled_from_template(self.request.GET)}


class EntryBulkView(BulkActionView):
    permission_required = "interactions.change_interactionlogentry"
    queryset = InteractionLogEntry.objects.visible()
    filterset_class = InteractionLogEntryFilter
    list_url = "interactions:entry_list"
    allowed_actions = ("cancel", "uncancel", "evaluate")

    def question(self, action, count, data):
        if action == "cancel":
            return ngettext(
                "Do you wish to mark the selected %(count)s line as canceled?",
                "Do you wish to mark the selected %(count)s lines as canceled?",
                count,
            ) % {"count": count}
        if action == "uncancel":
            return ngettext(
                "Do you wish to remove the canceled mark from the selected "
                "%(count)s line?",
                "Do you wish to remove the canceled mark from the selected "
                "%(count)s lines?",
                count,
            ) % {"count": count}
        return ngettext(
            "Do you wish to evaluate the selected %(count)s line as %(evaluation)s?",
            "Do you wish to evaluate the selected %(count)s lines as %(evaluation)s?",
            count,
        ) % {"count": count, "evaluation": Evaluation(data["evaluation"]).label}

    def perform(self, action, entries, data, criteria):
        user = self.request.user
        if action == "evaluate":
            return services.evaluate_entries(
                entries, data["evaluation"], user=user, criteria=criteria
            )
        return services.set_canceled(
            entries, action == "cancel", user=user, criteria=criteria
        )

    def start_job(self, action, entries, form):
        count = entries.count()
        if count <= settings.BULK_JOB_THRESHOLD:
            return None
        data = form.cleaned_data
        return start_job(
            jobs.BULK_KIND,
            user=self.request.user,
            total=count,
            params=jobs.bulk_entries_params(
                action=action,
                query=data["query"] if data["scope"] == "all" else "",
                entries=None if data["scope"] == "all" else data["selected"],
                evaluation=data["evaluation"],
                criteria=form.criteria(),
            ),
        )

    def done_message(self, action, count):
        return jobs.bulk_done_message(action, count)

    def job_message(self, action, job):
        return started_message(
            job,
            ngettext(
                "%(count)s line is being changed in the background.",
                "%(count)s lines are being changed in the background.",
                job.progress_total,
            )
            % {"count": job.progress_total},
        )


class InteractionLogEntryListView(PermissionRequiredMixin, FilterView):
    permission_required = "interactions.view_interactionlogentry"
    filterset_class = InteractionLogEntryFilter
    queryset = InteractionLogEntry.objects.visible().for_rows()
    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "interactions/entry_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # "Create interaction" from here is locked to the contact/salesperson filter.
        create_query = QueryDict(mutable=True)
        for name, value in self.filterset.locked_values().items():
            create_query[name] = value.pk if name == "salesperson" else value.no
        context.update(create_query=create_query, evaluation_form=EvaluationForm())
        # The filtered set's totals, read only where its count was exact (at most
        # EXACT_UP_TO rows): summing a whole large log would cost what counting does.
        if context["paginator"] and not context["paginator"].approximate:
            context["totals"] = self.object_list.statistics()
        return context


class InteractionLogEntryDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "interactions.view_interactionlogentry"
    context_object_name = "entry"
    template_name = "interactions/entry_detail.html"

    def get_queryset(self):
        return (
            InteractionLogEntry.objects.visible_to(self.request.user)
            .with_related()
            .select_related("created_by", "canceled_by")
        )

    def get_context_data(self, **kwargs):
        # Evaluate and Mark canceled go through the list's bulk action, back here.
        return super().get_context_data(evaluations=Evaluation.choices[1:], **kwargs)


class DeleteCanceledView(PermissionRequiredMixin, BadInputMixin, FormView):
    """Delete canceled entries: filters → the count to confirm → delete."""

    permission_required = "interactions.delete_canceled_entries"
    form_class = DeleteCanceledForm
    template_name = "interactions/delete_canceled.html"

    def form_valid(self, form):
        filters = {name: value for name, value in form.cleaned_data.items() if value}
        counted_filters = repr(
            sorted((name, str(value)) for name, value in filters.items())
        )
        # Delete only what the user saw counted; changed filters are counted again.
        confirmed = self.request.POST.get("counted_filters") == counted_filters
        if "confirmed" not in self.request.POST or not confirmed:
            count = services.delete_canceled_entries(**filters, dry_run=True)
            return self.render_to_response(
                self.get_context_data(
                    form=form, count=count, counted_filters=counted_filters
                )
            )
        total = services.delete_canceled_entries(**filters, dry_run=True)
        if total > settings.BULK_JOB_THRESHOLD:
            job = start_job(
                jobs.DELETE_KIND,
                user=self.request.user,
                total=total,
                params=jobs.delete_canceled_params(filters),
            )
            messages.info(
                self.request,
                started_message(
                    job,
                    ngettext(
                        "%(count)s canceled entry is being deleted in the background.",
                        "%(count)s canceled entries are being deleted in the "
                        "background.",
                        total,
                    )
                    % {"count": total},
                ),
            )
            return redirect("interactions:delete_canceled")
        count = services.delete_canceled_entries(**filters, user=self.request.user)
        messages.success(self.request, jobs.bulk_done_message("delete", count))
        return redirect("interactions:delete_canceled")
