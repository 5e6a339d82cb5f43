from django import forms
from django.utils.translation import gettext_lazy as _


class EraseConfirmForm(forms.Form):
    """Erasure is confirmed by typing the contact's number."""

    contact_no = forms.CharField(
        label=_("Type the contact number to confirm"), max_length=20
    )

    def __init__(self, *args, contact, **kwargs):
        self.contact = contact
        super().__init__(*args, **kwargs)

    def clean_contact_no(self):
        typed = self.cleaned_data["contact_no"].strip()
        if typed.upper() != self.contact.no.upper():
            raise forms.ValidationError(
                _("Type %(no)s, the number of this contact, to confirm."),
                code="mismatch",
                params={"no": self.contact.no},
            )
        return typed
