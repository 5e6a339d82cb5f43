"""The forms of the privacy pages."""

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from interactions.models import InteractionGroup, InteractionTemplate
from privacy.models import RetentionPolicy, RetentionSettings
from privacy.models.retention import MAX_MONTHS
from web.amounts import WholeNumberField, number_formfield


class RetentionPolicyForm(forms.ModelForm):
    """A policy names a group or a template, not both (the model's constraint says
    so in words); its months start at 1, where the model field's type allows 0."""

    months = WholeNumberField(
        label=_("Older than (months)"), min_value=1, max_value=MAX_MONTHS, example=6
    )

    class Meta:
        model = RetentionPolicy
        fields = ["group", "template", "action", "months"]
        help_texts = {
            "group": _("Either a group (its entries of templates without a policy)…"),
            "template": _("…or a template (overrides its group's policy)."),
            "action": _(
                "Anonymise clears the description, subject, attachment and delivery "
                "error and keeps what the entry counts."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = InteractionGroup.objects.order_by("code")
        self.fields["template"].queryset = InteractionTemplate.objects.order_by("code")


class RetentionSettingsForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = ["canceled_days", "postponed_days", "audit_years", "file_hours"]
        formfield_callback = number_formfield
        # A term typed wrong is told a term as its example, not a count.
        field_classes = {
            "canceled_days": partial(WholeNumberField, example=30),
            "postponed_days": partial(WholeNumberField, example=30),
            "audit_years": partial(WholeNumberField, example=7),
            "file_hours": partial(WholeNumberField, example=24),
        }


class EraseConfirmForm(forms.Form):
    """Erasure is confirmed by typing the contact's number."""

    contact_no = forms.CharField(
        label=_("Type the contact number to confirm"), max_length=20
    )

    def __init__(self, *args, contact, **kwargs):
        self.contact = contact
        super().__init__(*args, **kwargs)

    def clean_contact_no(self):
        # Case and spaces do not matter: the number is what is checked, not typing.
        typed = self.cleaned_data["contact_no"].strip()
        if typed.upper() != self.contact.no.upper():
            raise forms.ValidationError(
                _("Type %(no)s, the number of this contact, to confirm."),
                code="mismatch",
                params={"no": self.contact.no},
            )
        return typed
