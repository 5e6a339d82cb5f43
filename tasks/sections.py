"""The "Opvolgtaak" section of Create interaction (interactions.sections): a
follow-up task made in the transaction that logs the interaction."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.lookups import TemplateField
from interactions.models import InteractionTemplate
from tasks.forms import DATE_INPUT
from tasks.models import Task
from tasks.services import create_task


class FollowUpForm(forms.Form):
    """Labels of their own: the page's own Date, Description and template fields
    keep theirs unique."""

    create = forms.BooleanField(
        label=gettext_lazy("Create follow-up task"), required=False
    )
    date = forms.DateField(
        label=gettext_lazy("Follow-up date"), required=False, widget=DATE_INPUT
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Follow-up type"), choices=Task.Type.choices, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Follow-up description"), max_length=100, required=False
    )
    template = TemplateField(
        label=gettext_lazy("Template to log"),
        required=False,
        queryset=InteractionTemplate.objects.active(),
        help_text=gettext_lazy("Logged when the follow-up task is completed."),
    )
    recurring_date_interval = forms.CharField(
        label=gettext_lazy("Recur every"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Fill in to make it recur, e.g. 1W or 1M."),
    )

    def clean(self):
        data = super().clean()
        if data.get("create"):
            for name in ("date", "description"):
                if not data.get(name):
                    self.add_error(name, _("Fill this in for the follow-up task."))
        return data


class FollowUpSection:
    prefix = "follow_up"
    form_class = FollowUpForm
    template_name = "tasks/partials/follow_up_section.html"

    def allowed(self, user):
        return user.has_perm("tasks.add_task")

    def save(self, entry, form, *, user):
        """Make the follow-up task of `entry` when asked; a refusal names the
        section, so the page shows it above the form."""
        data = form.cleaned_data
        if not data.get("create"):
            return None
        interval = data["recurring_date_interval"]
        try:
            return create_task(
                user=user,
                contact=entry.contact,
                salesperson=entry.salesperson,
                date=data["date"],
                type=data["type"],
                description=data["description"],
                template=data["template"],
                recurring=bool(interval),
                recurring_date_interval=interval,
                source_entry_no=entry.pk,
            )
        except ValidationError as error:
            raise ValidationError(
                [
                    _("Follow-up task: %(message)s") % {"message": message}
                    for message in error.messages
                ]
            ) from error
