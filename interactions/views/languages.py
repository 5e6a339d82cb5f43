"""A template's language versions ("Languages" on the template page): add, change
and delete one, each through its service."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, TemplateView, UpdateView

from interactions import services
from interactions.forms import TemplateLanguageForm
from interactions.models import InteractionTemplate, InteractionTemplateLanguage
from interactions.views.setup import template_trail
from web.views import (
    BadInputMixin,
    PermissionFirstMixin,
    ServiceFormMixin,
    SetupFormMixin,
)


class TemplateLanguageMixin(PermissionFirstMixin, SetupFormMixin):
    """A page about one template's languages: the template from the URL (after the
    permission check), and with `language_pk` one of its versions, never another
    template's."""

    def load(self, request, **kwargs):
        self.template = get_object_or_404(InteractionTemplate, pk=kwargs["pk"])
        self.language = None
        if "language_pk" in kwargs:
            self.language = get_object_or_404(
                InteractionTemplateLanguage.objects.select_related("template"),
                pk=kwargs["language_pk"],
                template=self.template,
            )

    def get_trail(self):
        """The template's card, and its edit form when the language was opened from
        there (`?next=`): Save and Cancel go back to the last, to its languages."""
        trail = template_trail(self.template)
        edit_url = reverse("interactions:template_update", args=[self.template.pk])
        if self.request.GET.get("next") == edit_url:
            trail.append((edit_url, _("Edit")))
        return trail

    @property
    def cancel_url(self):
        return f"{self.get_trail()[-1][0]}#languages"

    def get_success_url(self):
        return self.cancel_url

    def success_message_values(self):
        return {
            "language": self.object.get_language_code_display(),
            "code": self.template.code,
        }


class TemplateLanguageFormMixin(TemplateLanguageMixin, ServiceFormMixin):
    model = InteractionTemplateLanguage
    form_class = TemplateLanguageForm
    template_name = "crm/setup_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.template}


class TemplateLanguageCreateView(BadInputMixin, TemplateLanguageFormMixin, CreateView):
    permission_required = "interactions.add_interactiontemplatelanguage"
    success_message = _("Language version %(language)s of %(code)s has been added.")

    def get_title(self):
        return _("New language for interaction template %(code)s") % {
            "code": self.template.code
        }

    def perform(self, form):
        return services.create_template_language(
            self.template, user=self.request.user, **form.service_values()
        )


class TemplateLanguageUpdateView(BadInputMixin, TemplateLanguageFormMixin, UpdateView):
    permission_required = "interactions.change_interactiontemplatelanguage"
    success_message = _("Language version %(language)s of %(code)s has been saved.")

    def get_object(self, queryset=None):
        return self.language

    def get_title(self):
        return _("Interaction template %(code)s, language %(language)s") % {
            "language": self.language.get_language_code_display(),
            "code": self.template.code,
        }

    def perform(self, form):
        return services.update_template_language(
            self.language, user=self.request.user, **form.service_values()
        )


class TemplateLanguageDeleteView(TemplateLanguageMixin, TemplateView):
    """Asks first (GET), deletes on POST."""

    permission_required = "interactions.delete_interactiontemplatelanguage"
    template_name = "interactions/template_language_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(interaction_template=self.template, language=self.language)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.language
        services.delete_template_language(self.language, user=request.user)
        messages.success(
            request,
            _("Language version %(language)s of %(code)s has been deleted.")
            % self.success_message_values(),
        )
        return redirect(self.get_success_url())
