"""The contact and salesperson cards: crm's records with their interaction history.

They live here, not in crm, because the history is this app's: crm sits below
interactions and reads none of it. Their URLs keep crm's names (config.urls).
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView

from crm.models import Contact, Salesperson
from interactions.models import InteractionLogEntry
from interactions.selectors import contact_timeline, interaction_card


class ContactDetailView(PermissionRequiredMixin, DetailView):
    """The contact card; its timeline is filtered and paged with GET parameters.

    htmx asks for the timeline's rows alone (HX-Target names them): the card's URL
    stays the one address of every view of the timeline, with or without JavaScript.
    """

    permission_required = "crm.view_contact"
    queryset = Contact.objects.with_related()
    template_name = "crm/contact_detail.html"
    timeline_target = "timeline-stream"

    def timeline_only(self):
        return self.request.headers.get("HX-Target") == self.timeline_target

    def get_template_names(self):
        if self.timeline_only():
            return ["interactions/partials/timeline_stream.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = contact_timeline(
            self.object, self.request.GET, user=self.request.user
        )
        if self.timeline_only():
            return context
        context.update(
            persons=self.object.persons.select_related("salesperson").order_by("name"),
            # A company's statistics count its persons' entries too (for_contact).
            statistics=InteractionLogEntry.objects.for_contact(
                self.object
            ).statistics(),
            filter_query=urlencode({"contact": self.object.no}),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # One URL answers with the card or its rows alone: caches must tell them apart.
        patch_vary_headers(response, ["HX-Target"])
        return response


class SalespersonDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "crm.view_salesperson"
    queryset = Salesperson.objects.select_related("user")
    template_name = "crm/salesperson_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact_count"] = self.object.contacts.count()
        context.update(
            interaction_card(
                salesperson=self.object,
                user=self.request.user,
                page=self.request.GET.get("page"),
            ),
            filter_query=urlencode({"salesperson": self.object.pk}),
        )
        return context
