"""Postponed interactions: the list, resume (the create form again), take over and
delete."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import (
    UpdateView,
    View,
)
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from interactions import services
from interactions.filters import PostponedFilter
from interactions.models import (
    InteractionLogEntry,
)
from interactions.views.bulk import BulkActionView
from interactions.views.entries import InteractionFormMixin
from web.pagination import EstimatedCountPaginator
from web.views import (
    PAGE_SIZE,
    BadInputMixin,
)


class InteractionResumeView(
    PermissionRequiredMixin, BadInputMixin, InteractionFormMixin, UpdateView
):
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
        # Checked before the form is built: the form of someone else's draft would show
        # what they typed.
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

    def get_context_data(self, **kwargs):
        # Opened from the contact's card (its Resume button), the breadcrumb leads
        # back there, as after OK; else to the postponed interactions.
        contact = self.object.contact
        if urlsplit(self.get_success_url()).path == contact.get_absolute_url():
            trail = [
                (reverse("crm:contact_list"), _("Contacts")),
                (contact.get_absolute_url(), contact.name),
            ]
        else:
            trail = [
                (reverse("interactions:postponed_list"), _("Postponed interactions"))
            ]
        return super().get_context_data(trail=trail, **kwargs)

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
            # The service locks the draft: it may have been finished or taken over
            # since the page was shown.
            services.take_over_postponed(entry, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("interactions:postponed_list")
        messages.success(
            request,
            _("You have taken over postponed interaction %(no)s.") % {"no": entry.pk},
        )
        return redirect("interactions:entry_resume", pk=entry.pk)


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
