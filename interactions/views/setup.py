"""Setup pages: interaction groups, templates (with their statistics) and the
interaction template setup of document types."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    UpdateView,
)

from interactions import services
from interactions.forms import (
    InteractionGroupForm,
    InteractionTemplateForm,
    TemplateSetupForm,
)
from interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateSetup,
    InteractionTotalStatistics,
)
from web.amounts import format_amount, format_whole_number
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
    DeleteLinkMixin,
    ServiceDeleteView,
    ServiceFormMixin,
    SetupFormMixin,
    add_service_error,
)


class StatisticsListMixin:
    """Gives each row of the page its `statistics` (count, cost, duration, last date
    of its counted entries), read in one grouped query over the statistics table
    (InteractionTotalStatistics): a few rows per key, however many entries."""

    statistics_field = None  # the entry's foreign key to the listed model

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        statistics = InteractionTotalStatistics.objects.statistics_by(
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


class InteractionGroupCreateView(
    PermissionRequiredMixin, BadInputMixin, SetupFormMixin, ServiceFormMixin, CreateView
):
    permission_required = "interactions.add_interactiongroup"
    model = InteractionGroup
    form_class = InteractionGroupForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("interactions:group_list")
    success_message = _("Interaction group %(object)s has been created.")
    title = _("New interaction group")
    trail = ((reverse_lazy("interactions:group_list"), _("Interaction groups")),)

    def perform(self, form):
        return services.create_group(user=self.request.user, **form.cleaned_data)


class InteractionGroupUpdateView(
    PermissionRequiredMixin,
    BadInputMixin,
    SetupFormMixin,
    DeleteLinkMixin,
    ServiceFormMixin,
    UpdateView,
):
    permission_required = "interactions.change_interactiongroup"
    delete_url_name = "interactions:group_delete"
    model = InteractionGroup
    form_class = InteractionGroupForm
    template_name = "crm/setup_form.html"
    success_url = reverse_lazy("interactions:group_list")
    success_message = _("Interaction group %(object)s has been saved.")
    trail = ((reverse_lazy("interactions:group_list"), _("Interaction groups")),)

    def perform(self, form):
        return services.update_group(
            self.object, user=self.request.user, **form.cleaned_data
        )

    def get_title(self):
        return _("Interaction group %(code)s") % {"code": self.object.code}


class InteractionGroupDeleteView(ServiceDeleteView):
    permission_required = "interactions.delete_interactiongroup"
    model = InteractionGroup
    service = staticmethod(services.delete_group)
    success_url = reverse_lazy("interactions:group_list")


TEMPLATE_LIST_TRAIL = (
    (reverse_lazy("interactions:template_list"), _("Interaction templates")),
)


def template_trail(template):
    """The pages above a page of the template's: the templates and its card."""
    return [
        *TEMPLATE_LIST_TRAIL,
        (reverse("interactions:template_detail", args=[template.pk]), template.code),
    ]


class InteractionTemplateListView(
    PermissionRequiredMixin, StatisticsListMixin, ListView
):
    permission_required = "interactions.view_interactiontemplate"
    queryset = InteractionTemplate.objects.select_related("group").order_by("code")
    statistics_field = "template"
    paginate_by = PAGE_SIZE
    template_name = "interactions/template_list.html"


class InteractionTemplateDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "interactions.view_interactiontemplate"
    queryset = InteractionTemplate.objects.select_related("group")
    context_object_name = "interaction_template"
    template_name = "interactions/template_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statistics"] = InteractionTotalStatistics.objects.statistics_by(
            "template", [self.object.pk]
        )[self.object.pk]
        context["languages"] = self.object.languages.all()
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
    BadInputMixin,
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
    trail = TEMPLATE_LIST_TRAIL

    def perform(self, form):
        return services.create_template(user=self.request.user, **form.service_values())


class InteractionTemplateUpdateView(
    PermissionRequiredMixin,
    BadInputMixin,
    SetupFormMixin,
    DeleteLinkMixin,
    TemplateSavedMessageMixin,
    ServiceFormMixin,
    UpdateView,
):
    permission_required = "interactions.change_interactiontemplate"
    delete_url_name = "interactions:template_delete"
    model = InteractionTemplate
    form_class = InteractionTemplateForm
    template_name = "interactions/template_form.html"
    success_message = _(
        "Interaction template %(object)s has been saved "
        "(unit cost %(cost)s, unit duration %(duration)s min.)."
    )

    def perform(self, form):
        return services.update_template(
            self.object,
            user=self.request.user,
            seen_version=form.seen_version,
            **form.service_values(),
        )

    def get_title(self):
        return _("Interaction template %(code)s") % {"code": self.object.code}

    def get_trail(self):
        return template_trail(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            interaction_template=self.object, languages=self.object.languages.all()
        )
        return context


class InteractionTemplateDeleteView(ServiceDeleteView):
    permission_required = "interactions.delete_interactiontemplate"
    model = InteractionTemplate
    service = staticmethod(services.delete_template)
    success_url = reverse_lazy("interactions:template_list")


class TemplateSetupView(PermissionRequiredMixin, BadInputMixin, FormView):
    """Interaction template setup: which template each kind of document is logged
    with; all document types on one form."""

    permission_required = "interactions.change_interactiontemplatesetup"
    form_class = TemplateSetupForm
    template_name = "interactions/template_setup.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # The current choices in one query, for every document type on the form.
        kwargs["rows"] = dict(
            InteractionTemplateSetup.objects.values_list("document_type", "template")
        )
        return kwargs

    def form_valid(self, form):
        try:
            # One call for every document type, so the page saves all of them or none.
            services.update_template_setup(form.cleaned_data, user=self.request.user)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Interaction template setup has been saved."))
        return redirect("interactions:template_setup")
