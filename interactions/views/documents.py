"""Pages started from a contact card that send or print a document: e-mail, letter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    FormView,
)

from crm.models import Contact, MarketingSetup
from interactions import correspondence, services
from interactions.forms import (
    LetterForm,
    SendEmailForm,
)
from interactions.models import (
    DocumentType,
)
from web.views import (
    BadInputMixin,
    PermissionFirstMixin,
    add_service_error,
)


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


class SendEmailView(ContactActionMixin, BadInputMixin, FormView):
    """Send e-mail to a contact; logged as an interaction once it has been sent."""

    form_class = SendEmailForm
    template_name = "interactions/send_email.html"

    def get_initial(self):
        """The template set up for e-mails, or the one just chosen on the page, with
        the subject and message of its version in the contact's language."""
        template = self.chosen_template() or services.document_template(
            DocumentType.EMAIL
        )
        initial = {"template": template}
        if template is not None:
            initial.update(
                correspondence.email_defaults(
                    template, contact=self.contact, user=self.request.user
                )
            )
        return initial

    def chosen_template(self):
        """The template the page asks to fill in from (GET, when the user chooses
        another one), or None."""
        if self.request.method != "GET" or not self.request.GET.get("template"):
            return None
        field = self.form_class.base_fields["template"]
        try:
            return field.clean(self.request.GET["template"])
        except ValidationError:
            return None

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


class LetterView(ContactActionMixin, BadInputMixin, FormView):
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
                context["letter"] = correspondence.render_contact_letter(
                    template, contact=self.contact, salesperson=salesperson
                )
            except ValidationError as error:
                context["letter_errors"] = error.messages
            context.update(
                template=template,
                salesperson=salesperson,
                address_lines=self.contact.address_lines(
                    MarketingSetup.load().home_country
                ),
            )
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
