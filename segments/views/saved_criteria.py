"""Opgeslagen segmentcriteria: the list, the description, delete."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import UpdateView
from django_filters.views import FilterView

from segments import services
from segments.filters import SavedCriteriaFilter
from segments.forms import SavedCriteriaForm
from segments.models import SavedSegmentCriteria
from segments.views.criteria import action_rows
from web.views import PAGE_SIZE, BadInputMixin, ServiceDeleteView, ServiceFormMixin


class SavedCriteriaListView(PermissionRequiredMixin, FilterView):
    # Saved criteria are a tool of the segment pages: their permissions apply.
    permission_required = "segments.view_segment"
    filterset_class = SavedCriteriaFilter
    # Ordered again: with the count's GROUP BY the model's ordering does not apply.
    queryset = (
        SavedSegmentCriteria.objects.with_action_count()
        .select_related("owner")
        .order_by("code")
    )
    paginate_by = PAGE_SIZE
    template_name = "segments/savedcriteria_list.html"


class SavedCriteriaUpdateView(
    PermissionRequiredMixin, BadInputMixin, ServiceFormMixin, UpdateView
):
    """The saved criteria's actions, and its description to edit."""

    permission_required = "segments.change_segment"
    model = SavedSegmentCriteria
    form_class = SavedCriteriaForm
    template_name = "segments/savedcriteria_form.html"
    success_url = reverse_lazy("segments:savedcriteria_list")
    success_message = _("Saved segment criteria %(object)s have been saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=action_rows(self.object.actions.order_by("sequence")), **kwargs
        )

    def perform(self, form):
        return services.update_saved_criteria(
            SavedSegmentCriteria.objects.get(pk=self.object.pk),
            user=self.request.user,
            description=form.cleaned_data["description"],
            seen_version=form.seen_version,
        )


class SavedCriteriaDeleteView(ServiceDeleteView):
    permission_required = "segments.delete_segment"
    model = SavedSegmentCriteria
    template_name = "segments/savedcriteria_confirm_delete.html"
    success_url = reverse_lazy("segments:savedcriteria_list")
    service = staticmethod(services.delete_saved_criteria)

    def deleted_message(self):
        return _("Saved segment criteria %(code)s have been deleted.") % {
            "code": self.object.code
        }

    def refused_url(self):
        return self.success_url
