from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
    View,
)
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from audit.exports import AuditedExportMixin
from crm import submissions
from crm.forms import RowsField
from crm.models import Contact, CorrespondenceType, Salesperson
from interactions import correspondence, services
from interactions.filters import InteractionLogEntryFilter, PostponedFilter
from interactions.forms import (
    APPLY_TEMPLATE,
    CONFIRM_DUPLICATE,
    DeleteCanceledForm,
    EvaluationForm,
    InteractionForm,
    InteractionGroupForm,
    InteractionTemplateForm,
    LetterForm,
    SendEmailForm,
    TemplateSetupForm,
    duplicate_warning,
)
from interactions.lookups import GroupLookup, TemplateLookup
from interactions.models import (
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from web.amounts import format_amount, format_whole_number
from web.exports import Column, Kind, read_batches
from web.pagination import EstimatedCountPaginator
from web.views import (
    PAGE_SIZE,
    LookupView,
    PermissionFirstMixin,
    ServiceFormMixin,
    SetupFormMixin,
    add_service_error,
    back_to_list,
)

# ---------------------------------------------------------------------------
# Create, postpone and resume


class InteractionFormMixin:
    """What "Create interaction" and "Resume" share: the form, OK (asking first when
    the same template was logged for the contact that day), Cancel → postpone."""

    form_class = InteractionForm
    template_name = "interactions/entry_form.html"

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
        next_url = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}
        ):
            return next_url
        return reverse("interactions:entry_list")

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
                # Nothing is logged yet: the page asks first, "Log anyway" confirms.
                return self.render_to_response(
                    self.get_context_data(
                        form=form,
                        duplicate=duplicate,
                        duplicate_warning=duplicate_warning(duplicate),
                        confirm_duplicate=CONFIRM_DUPLICATE,
                    )
                )
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
        messages.success(
            self.request,
            message
            % {
                "entry_no": entry.pk,
                "contact": contact,
                "cost": format_amount(entry.cost),
                "duration": format_whole_number(entry.duration),
            },
        )
        return HttpResponseRedirect(self.get_success_url())

    def sent_already(self, done):
        """The answer to a second submit of the same page: where the first led."""
        messages.info(
            self.request, _("This form had been sent already; nothing was done twice.")
        )
        return HttpResponseRedirect(done.result_url or self.get_success_url())


class InteractionCreateView(PermissionRequiredMixin, InteractionFormMixin, FormView):
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

    def finish(self, contact, values):
        template = values.pop("template")
        return services.create_interaction(
            contact=contact, template=template, user=self.request.user, **values
        )

    def postpone(self, contact, values):
        return services.postpone_interaction(
            contact=contact, user=self.request.user, **values
        )


class InteractionResumeView(PermissionRequiredMixin, InteractionFormMixin, UpdateView):
    """Resume a postponed interaction: the same form with its stored values.

    A draft is its owner's: others get a 404; a CRM admin, who sees every draft, is
    offered to take it over (InteractionTakeOverView) instead of the form.
    """

    permission_required = "interactions.change_interactionlogentry"
    context_object_name = "entry"

    def get_queryset(self):
        return (
            InteractionLogEntry.objects.postponed()
            .visible_to(self.request.user)
            .with_related()
            .select_related("created_by")
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        entry = self.get_object()
        if entry.created_by_id != request.user.pk:
            return render(
                request,
                "interactions/postponed_take_over.html",
                {"entry": entry},
                status=403 if request.method == "POST" else 200,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # As in NAV a resumed interaction is dated today; the page shows the original.
        return {"date": timezone.localdate()}

    def get_success_url(self):
        if self.request.POST.get("next") or self.request.GET.get("next"):
            return super().get_success_url()
        return reverse("interactions:postponed_list")

    def finish(self, contact, values):
        return services.resume_interaction(
            self.object, user=self.request.user, contact=contact, **values
        )

    def postpone(self, contact, values):
        return services.postpone_interaction(
            contact=contact, user=self.request.user, entry=self.object, **values
        )


class InteractionTakeOverView(PermissionRequiredMixin, SingleObjectMixin, View):
    """Take over someone else's postponed interaction, then resume it (CRM admins)."""

    permission_required = "interactions.delete_others_postponed"
    http_method_names = ["post"]

    def get_queryset(self):
        return InteractionLogEntry.objects.postponed()

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        try:
            services.take_over_postponed(entry, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("interactions:postponed_list")
        messages.success(
            request,
            _("You have taken over postponed interaction %(no)s.") % {"no": entry.pk},
        )
        return redirect("interactions:entry_resume", pk=entry.pk)


class InteractionFormFieldsView(PermissionRequiredMixin, TemplateView):
    """The form's fields again, filled in from the chosen template (for htmx)."""

    permission_required = "interactions.add_interactionlogentry"
    template_name = "interactions/partials/entry_form_fields.html"

    def get_context_data(self, **kwargs):
        return {"form": InteractionForm.filled_from_template(self.request.GET)}


# The choice columns an entry and a segment line share in their exports.
INTERACTION_CHOICE_COLUMNS = [
    Column(
        "information_flow",
        _("Information flow"),
        Kind.CHOICE,
        choices=InformationFlow.choices,
    ),
    Column("initiated_by", _("Initiated by"), Kind.CHOICE, choices=InitiatedBy.choices),
    Column(
        "correspondence_type",
        _("Correspondence type"),
        Kind.CHOICE,
        choices=CorrespondenceType.choices,
    ),
]


# ---------------------------------------------------------------------------
# Log entries


class SelectionForm(forms.Form):
    """The entries a bulk action works on: ticked rows, or all matching the filter."""

    action = forms.ChoiceField(
        choices=[
            ("cancel", _("Mark canceled")),
            ("uncancel", _("Remove canceled mark")),
            ("evaluate", _("Evaluate")),
            ("delete", _("Delete")),
        ]
    )
    scope = forms.ChoiceField(
        choices=[("selected", ""), ("all", "")], initial="selected"
    )
    selected = RowsField(queryset=InteractionLogEntry.objects.all(), required=False)
    query = forms.CharField(required=False)
    evaluation = forms.ChoiceField(choices=Evaluation.choices[1:], required=False)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, queryset, filterset_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_queryset = queryset
        self.filterset_class = filterset_class
        self.fields["selected"].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        selected = cleaned.get("selected") or "selected" in self.errors
        if cleaned.get("scope") == "selected" and not selected:
            raise ValidationError(_("Select at least one line first."))
        if cleaned.get("action") == "evaluate" and not cleaned.get("evaluation"):
            raise ValidationError(_("Choose an evaluation."))
        # A filter it cannot read would be left out, and "all matching" would then be
        # more than the list showed (it shows none).
        if cleaned.get("scope") == "all" and not self.filterset.is_valid():
            raise ValidationError(
                _("The list's filters are not valid. Filter the list again.")
            )
        return cleaned

    @cached_property
    def filterset(self):
        query = QueryDict(self.cleaned_data.get("query", ""))
        return self.filterset_class(query, queryset=self.base_queryset)

    def entries(self):
        if self.cleaned_data["scope"] == "all":
            return self.filterset.qs
        return self.cleaned_data["selected"]

    def criteria(self):
        """How the entries were chosen, for the service's audit record."""
        if self.cleaned_data["scope"] == "all":
            return {"filters": self.filterset.criteria()}
        return {"entries": sorted(entry.pk for entry in self.cleaned_data["selected"])}


class BulkActionView(PermissionRequiredMixin, TemplateView):
    """POST the selection → a confirmation naming the count → POST again → service."""

    template_name = "interactions/bulk_confirm.html"
    http_method_names = ["post"]
    form_class = SelectionForm
    queryset = None
    filterset_class = None
    list_url = None
    allowed_actions = ()

    def get_queryset(self):
        return self.queryset

    def post(self, request):
        form = self.form_class(
            request.POST,
            queryset=self.get_queryset(),
            filterset_class=self.filterset_class,
        )
        back = back_to_list(self.list_url, request.POST.get("query", ""))
        if (
            not form.is_valid()
            or form.cleaned_data["action"] not in self.allowed_actions
        ):
            for error in form.errors.get("__all__", []) or [
                _("The request was not valid.")
            ]:
                messages.error(request, error)
            return redirect(back)
        entries = form.entries()
        action = form.cleaned_data["action"]
        if not form.cleaned_data["confirmed"]:
            return self.render_to_response(
                {
                    "form": form,
                    "count": entries.count(),
                    "action": action,
                    "back": back,
                    "question": self.question(
                        action, entries.count(), form.cleaned_data
                    ),
                }
            )
        try:
            count = self.perform(action, entries, form.cleaned_data, form.criteria())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not do this."))
        else:
            messages.success(request, self.done_message(action, count))
        return redirect(back)


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

    def done_message(self, action, count):
        return {
            "cancel": ngettext(
                "%(count)s interaction log entry marked canceled.",
                "%(count)s interaction log entries marked canceled.",
                count,
            ),
            "uncancel": ngettext(
                "Canceled mark removed from %(count)s interaction log entry.",
                "Canceled mark removed from %(count)s interaction log entries.",
                count,
            ),
            "evaluate": ngettext(
                "%(count)s interaction log entry evaluated.",
                "%(count)s interaction log entries evaluated.",
                count,
            ),
        }[action] % {"count": count}


class PostponedBulkView(BulkActionView):
    permission_required = "interactions.change_interactionlogentry"
    filterset_class = PostponedFilter
    list_url = "interactions:postponed_list"
    allowed_actions = ("delete",)

    def get_queryset(self):
        # The drafts the list shows: another user's cannot be ticked by its key.
        return InteractionLogEntry.objects.postponed().visible_to(self.request.user)

    def question(self, action, count, data):
        return ngettext(
            "Delete the selected %(count)s postponed interaction?",
            "Delete the selected %(count)s postponed interactions?",
            count,
        ) % {"count": count}

    def perform(self, action, entries, data, criteria):
        return services.delete_postponed(
            entries, user=self.request.user, criteria=criteria
        )

    def done_message(self, action, count):
        return ngettext(
            "%(count)s postponed interaction deleted.",
            "%(count)s postponed interactions deleted.",
            count,
        ) % {"count": count}


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
        return context


class PostponedListView(PermissionRequiredMixin, FilterView):
    """Postponed interactions: a user's own drafts; CRM admins see everyone's."""

    permission_required = "interactions.view_interactionlogentry"
    filterset_class = PostponedFilter

    paginate_by = PAGE_SIZE
    paginator_class = EstimatedCountPaginator
    template_name = "interactions/postponed_list.html"

    def get_queryset(self):
        return (
            InteractionLogEntry.objects.postponed()
            .visible_to(self.request.user)
            .for_rows()
            .select_related("created_by")
        )


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


class AttachmentDownloadView(PermissionRequiredMixin, DetailView):
    """Attachments are private: served only here, to logged-in users, as downloads."""

    permission_required = "interactions.view_interactionlogentry"

    def get_queryset(self):
        return InteractionLogEntry.objects.visible_to(self.request.user)

    def render_to_response(self, context):
        attachment = self.object.attachment
        if not attachment or not attachment.storage.exists(attachment.name):
            raise Http404(_("This interaction has no attachment."))
        return FileResponse(attachment.open("rb"), as_attachment=True)


class InteractionLogEntryExportView(AuditedExportMixin, InteractionLogEntryListView):
    """The filtered entries as a file, in the list's order; CSV is streamed."""

    export_title = _("Interaction log entries")
    columns = [
        Column("entry_no", _("Entry no."), Kind.INTEGER),
        Column("date", _("Date"), Kind.DATE),
        Column("time", _("Time"), Kind.TIME),
        Column("contact_no", _("Contact no."), source="contact__no", width=12),
        Column("contact_name", _("Contact name"), source="contact__name", width=30),
        Column("company_no", _("Company no."), source="contact_company__no"),
        Column("description", _("Description"), width=40),
        Column("subject", _("Subject"), width=30),
        Column("template", _("Template"), source="template__code", width=12),
        Column("group", _("Group"), source="group__code", width=12),
        *INTERACTION_CHOICE_COLUMNS,
        Column("evaluation", _("Evaluation"), Kind.CHOICE, choices=Evaluation.choices),
        Column("attempt_failed", _("Attempt failed"), Kind.BOOLEAN),
        Column("cost", _("Cost"), Kind.MONEY),
        Column("duration", _("Duration (min.)"), Kind.INTEGER),
        Column("salesperson", _("Salesperson"), source="salesperson__code"),
        Column(
            "document_type",
            _("Document type"),
            Kind.CHOICE,
            choices=DocumentType.choices,
            width=22,
        ),
        Column("document_no", _("Document no."), width=14),
        Column("segment_no", _("Segment no."), width=12),
        Column("canceled", _("Canceled"), Kind.BOOLEAN),
    ]


class DeleteCanceledView(PermissionRequiredMixin, FormView):
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
        count = services.delete_canceled_entries(**filters, user=self.request.user)
        messages.success(
            self.request,
            ngettext(
                "%(count)s interaction log entry deleted.",
                "%(count)s interaction log entries deleted.",
                count,
            )
            % {"count": count},
        )
        return redirect("interactions:delete_canceled")


# ---------------------------------------------------------------------------
# Setup: interaction groups and templates


class StatisticsListMixin:
    """Gives each row of the page its `statistics` (count, cost, duration, last date
    of its counted entries), read in one grouped query over the log.

    Annotating the list's queryset instead would join every entry to the rows and
    group the join, and the paginator's COUNT would repeat that join.
    """

    statistics_field = None  # the entry's foreign key to the listed model

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        statistics = InteractionLogEntry.objects.statistics_by(
            self.statistics_field, [row.pk for row in rows]
        )
        for row in rows:
            row.statistics = statistics[row.pk]
        return context


class InteractionGroupListView(PermissionRequiredMixin, StatisticsListMixin, ListView):
    permission_required = "interactions.view_interactiongroup"
    queryset = InteractionGroup.objects.order_by("code")
    statistics_field = "group"
    paginate_by = PAGE_SIZE
    template_name = "interactions/group_list.html"


class StatisticsExportMixin(AuditedExportMixin):
    """A statistics list as a file: the list's own columns, then its statistics,
    read in one grouped query per batch of rows."""

    def export_batches(self, queryset):
        rows = queryset.values_list(
            "pk", *[column.lookup for column in self.columns if column.source != ""]
        )
        for batch in read_batches(rows, self.chunk_size):
            statistics = InteractionLogEntry.objects.statistics_by(
                self.statistics_field, [row[0] for row in batch]
            )
            yield [
                (*row[1:], *(statistics[row[0]][key] for key in STATISTICS))
                for row in batch
            ]


# The statistics columns, filled in by StatisticsExportMixin (no source of their own).
STATISTICS = ("count", "cost", "duration", "last_date")
STATISTICS_COLUMNS = [
    Column("interactions", _("Interactions"), Kind.INTEGER, source=""),
    Column("total_cost", _("Cost"), Kind.MONEY, source=""),
    Column("total_duration", _("Duration (min.)"), Kind.INTEGER, source=""),
    Column("last_interaction", _("Last interaction"), Kind.DATE, source=""),
]


class InteractionGroupExportView(StatisticsExportMixin, InteractionGroupListView):
    export_title = _("Interaction groups")
    columns = [
        Column("code", _("Code"), width=12),
        Column("description", _("Description"), width=30),
        *STATISTICS_COLUMNS,
    ]


class InteractionGroupCreateView(
    PermissionRequiredMixin, SetupFormMixin, ServiceFormMixin, CreateView
):
    permission_required = "interactions.add_interactiongroup"
    model = InteractionGroup
    form_class = InteractionGroupForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("interactions:group_list")
    success_message = _("Interaction group %(object)s has been created.")
    title = _("New interaction group")
    cancel_url = reverse_lazy("interactions:group_list")


class InteractionGroupUpdateView(
    PermissionRequiredMixin, SetupFormMixin, ServiceFormMixin, UpdateView
):
    permission_required = "interactions.change_interactiongroup"
    model = InteractionGroup
    form_class = InteractionGroupForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("interactions:group_list")
    success_message = _("Interaction group %(object)s has been saved.")
    cancel_url = reverse_lazy("interactions:group_list")

    def get_title(self):
        return _("Interaction group %(code)s") % {"code": self.object.code}


class InteractionTemplateListView(
    PermissionRequiredMixin, StatisticsListMixin, ListView
):
    permission_required = "interactions.view_interactiontemplate"
    queryset = InteractionTemplate.objects.select_related("group").order_by("code")
    statistics_field = "template"
    paginate_by = PAGE_SIZE
    template_name = "interactions/template_list.html"


class InteractionTemplateExportView(StatisticsExportMixin, InteractionTemplateListView):
    export_title = _("Interaction templates")
    columns = [
        Column("code", _("Code"), width=12),
        Column("group", _("Group"), source="group__code", width=12),
        Column("description", _("Description"), width=30),
        Column(
            "correspondence_type",
            _("Correspondence type"),
            Kind.CHOICE,
            choices=CorrespondenceType.choices,
        ),
        Column("unit_cost", _("Unit cost"), Kind.MONEY),
        Column("unit_duration", _("Unit duration"), Kind.INTEGER),
        *STATISTICS_COLUMNS,
    ]


class InteractionTemplateDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "interactions.view_interactiontemplate"
    queryset = InteractionTemplate.objects.select_related("group")
    context_object_name = "interaction_template"
    template_name = "interactions/template_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statistics"] = self.object.log_entries.statistics()
        return context


class TemplateSavedMessageMixin:
    """The template's saved message names its unit cost and duration as stored, in
    the user's format: an amount read otherwise than meant shows at once."""

    def success_message_values(self):
        return {
            **super().success_message_values(),
            "cost": format_amount(self.object.unit_cost),
            "duration": format_whole_number(self.object.unit_duration),
        }


class InteractionTemplateCreateView(
    PermissionRequiredMixin,
    SetupFormMixin,
    TemplateSavedMessageMixin,
    ServiceFormMixin,
    CreateView,
):
    permission_required = "interactions.add_interactiontemplate"
    model = InteractionTemplate
    form_class = InteractionTemplateForm
    template_name = "crm/setup_form.html"
    success_message = _(
        "Interaction template %(object)s has been created "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )
    title = _("New interaction template")
    cancel_url = reverse_lazy("interactions:template_list")


class InteractionTemplateUpdateView(
    PermissionRequiredMixin,
    SetupFormMixin,
    TemplateSavedMessageMixin,
    ServiceFormMixin,
    UpdateView,
):
    permission_required = "interactions.change_interactiontemplate"
    model = InteractionTemplate
    form_class = InteractionTemplateForm
    template_name = "crm/setup_form.html"
    success_message = _(
        "Interaction template %(object)s has been saved "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )
    cancel_url = reverse_lazy("interactions:template_list")

    def get_title(self):
        return _("Interaction template %(code)s") % {"code": self.object.code}


class TemplateSetupView(PermissionRequiredMixin, FormView):
    """Interaction template setup: which template each kind of document is logged
    with; all document types on one form."""

    permission_required = "interactions.change_interactiontemplatesetup"
    form_class = TemplateSetupForm
    template_name = "interactions/template_setup.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["rows"] = dict(
            InteractionTemplateSetup.objects.values_list("document_type", "template")
        )
        return kwargs

    def form_valid(self, form):
        try:
            services.update_template_setup(form.cleaned_data, user=self.request.user)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Interaction template setup has been saved."))
        return redirect("interactions:template_setup")


class ContactActionMixin(PermissionFirstMixin):
    """A page started from a contact card: `?contact=<no>` names the contact."""

    permission_required = "interactions.add_interactionlogentry"

    def load(self, request, **kwargs):
        no = request.GET.get("contact") or request.POST.get("contact", "")
        self.contact = get_object_or_404(
            Contact.objects.select_related("company"), no=no.replace("\x00", "")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact"] = self.contact
        return context


class SendEmailView(ContactActionMixin, FormView):
    """Send e-mail to a contact; logged as an interaction once it has been sent."""

    form_class = SendEmailForm
    template_name = "interactions/send_email.html"

    def get_initial(self):
        return {"template": services.document_template(DocumentType.EMAIL)}

    def form_valid(self, form):
        try:
            correspondence.send_email(
                contact=self.contact, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The e-mail to %(email)s has been sent and logged.")
            % {"email": self.contact.email},
        )
        return redirect(self.contact)


class LetterView(ContactActionMixin, FormView):
    """Print letter: the letter for the contact, print-ready; logged when the user
    confirms it was printed."""

    form_class = LetterForm
    template_name = "interactions/letter.html"

    def get_form_kwargs(self):
        # The letter is chosen by GET (the page shows it) and confirmed by POST.
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "template" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.is_valid():
            template = form.cleaned_data["template"]
            salesperson = correspondence.users_salesperson(self.request.user)
            try:
                context["letter"] = correspondence.render_letter(
                    template, contact=self.contact, salesperson=salesperson
                )
            except ValidationError as error:
                context["letter_errors"] = error.messages
            context.update(template=template, salesperson=salesperson)
        return context

    def form_valid(self, form):
        if self.request.method == "GET":
            return self.render_to_response(self.get_context_data(form=form))
        try:
            entry = correspondence.log_letter(
                form.cleaned_data["template"],
                contact=self.contact,
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The letter has been logged as interaction %(entry_no)s.")
            % {"entry_no": entry.pk},
        )
        return redirect(self.contact)

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))


# ---------------------------------------------------------------------------
# Lookups (web.views.LookupView)


class TemplateLookupView(LookupView):
    permission_required = "interactions.view_interactiontemplate"
    lookup_class = TemplateLookup


class GroupLookupView(LookupView):
    permission_required = "interactions.view_interactiongroup"
    lookup_class = GroupLookup
