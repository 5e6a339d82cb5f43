from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from crm.lookups import ContactField, SalespersonField
from crm.models import Salesperson
from interactions import services
from interactions.letters import letter_errors
from interactions.lookups import GroupField, TemplateField
from interactions.models import (
    DocumentType,
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from web.amounts import number_formfield
from web.lookups import WITH_BLOCKED
from web.versions import FIELD, VersionedFormMixin
from web.views import duplicate_confirmed


class InteractionForm(forms.ModelForm):
    """The "Create interaction" form; also used to resume a postponed interaction.

    With `postponing=True` only the contact is required, because a postponed
    interaction is a draft the user finishes later.
    """

    contact = ContactField(label=_("Contact"))
    interaction_successful = forms.BooleanField(
        label=_("Interaction successful"), required=False, initial=True
    )

    class Meta:
        model = InteractionLogEntry
        formfield_callback = number_formfield
        fields = [
            "contact",
            "template",
            "description",
            "salesperson",
            "date",
            "time",
            "correspondence_type",
            "information_flow",
            "initiated_by",
            "evaluation",
            "cost",
            "duration",
            "subject",
            "attachment",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        field_classes = {"template": TemplateField, "salesperson": SalespersonField}

    # Left blank, these take the template's values in the service.
    optional_fields = services.TEMPLATE_VALUES

    def __init__(self, *args, postponing=False, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Blank, not the model's 0, until a template or the user fills them: a blank
        # takes the template's value when saved, a 0 typed by the user stays 0.
        if self.instance.template_id is None:
            for name in ("cost", "duration"):
                if name not in kwargs.get("initial", {}):
                    self.initial[name] = None
        for name in ("cost", "duration"):
            self.fields[name].widget.attrs["placeholder"] = _("From the template")
        # Blocked templates and salespeople are not offered; the services refuse them
        # too, for a form sent before they were blocked.
        self.fields["template"].queryset = InteractionTemplate.objects.active()
        self.fields["salesperson"].queryset = Salesperson.objects.active()
        for name in self.optional_fields:
            self.fields[name].required = False
        # The description too is left to the service: blank, it is the template's.
        for name in ("template", "salesperson", "date"):
            self.fields[name].required = not postponing
        for name in locked:
            self.fields[name].disabled = True
        if self.instance.pk:
            self.fields[
                "interaction_successful"
            ].initial = not self.instance.attempt_failed
        if not self.is_bound:
            # The first field still to fill takes the focus: the template when the
            # contact came with the page (its card), else the contact.
            first = next(
                name
                for name in ("contact", "template", "description")
                if name == "description"
                or not (self.fields[name].disabled or self[name].value())
            )
            self.fields[first].widget.attrs["autofocus"] = True

    def locked_values(self):
        """Keys of the locked (disabled) fields, which browsers do not send."""
        return {
            name: self.fields[name].key(self[name].value())
            for name in ("contact", "salesperson")
            if self.fields[name].disabled
        }

    def service_values(self):
        """The cleaned values as keyword arguments for the interaction services."""
        values = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("contact", "interaction_successful")
        }
        values["attempt_failed"] = not self.cleaned_data.get(
            "interaction_successful", True
        )
        for name in self.optional_fields:
            if values.get(name) in (None, ""):
                values[name] = None  # the service fills in the template's value
        if not values.get("attachment"):
            values.pop("attachment", None)
        return values

    @classmethod
    def filled_from_template(cls, data, *, instance=None):
        """The form again, unbound, with what the user entered in `data` and the
        values of the template `data` names filled in (services.template_defaults).

        "Apply template" without JavaScript and the live refill when the template
        changes both show this, so the page and the saved entry agree.
        """
        data = data.copy()
        # Locked (disabled) fields are not sent by browsers: the page repeats their
        # values in lock_<name> fields, so the refill keeps them.
        locked = [
            name for name in ("contact", "salesperson") if data.get(f"lock_{name}")
        ]
        for name in locked:
            data[name] = data[f"lock_{name}"]
        form = cls(locked=locked, instance=instance)
        contact = form.fields["contact"].chosen(data.get("contact"))
        template = form.fields["template"].chosen(data.get("template"))
        if template:
            description = data.get("description", "")
            # A description that came from another template is replaced, not kept.
            if InteractionTemplate.objects.filter(description=description).exists():
                description = ""
            defaults = services.template_defaults(
                template, contact=contact, values={"description": description}
            )
            for name in services.TEMPLATE_VALUES:
                data[name] = defaults[name]
        initial = {name: data.get(name) for name in cls.base_fields}
        initial["contact"] = contact or data.get("contact", "")
        initial["template"] = template or data.get("template", "")
        initial["salesperson"] = form.fields["salesperson"].chosen(
            data.get("salesperson")
        ) or data.get("salesperson", "")
        initial["interaction_successful"] = data.get("interaction_successful") == "on"
        return cls(initial=initial, locked=locked, instance=instance)

    def unconfirmed_duplicate(self):
        """The newest entry already logged for this contact with this template on this
        date, unless the user saw the warning about it and chose "Log anyway".

        That button sends the entry's number: an entry logged by someone else in the
        meantime is warned about in turn.
        """
        duplicate = (
            InteractionLogEntry.objects.same_day_duplicates(
                self.cleaned_data["contact"],
                self.cleaned_data["template"],
                self.cleaned_data["date"],
            )
            .select_related("created_by__salesperson", "salesperson")
            .first()
        )
        if duplicate is None or duplicate_confirmed(self.data, duplicate):
            return None
        return duplicate


# The value of the "Apply template" button (name "action"), which saves nothing.
APPLY_TEMPLATE = "apply_template"


def duplicate_warning(entry):
    """The question asked before logging an interaction like `entry` again."""
    user = entry.created_by
    if user is not None:
        salesperson = getattr(user, "salesperson", None)
        who = (
            user.get_full_name()
            or (salesperson.name if salesperson else "")
            or user.get_username()
        )
    elif entry.salesperson is not None:
        who = entry.salesperson.name
    else:
        who = _("an unknown user")
    values = {
        "who": who,
        "date": formats.date_format(entry.date, "DATE_FORMAT"),
        "time": formats.time_format(entry.time, "H:i") if entry.time else "",
    }
    if entry.date == timezone.localdate():
        if entry.time:
            message = _(
                "An interaction with this template was already logged for this "
                "contact today by %(who)s at %(time)s — log anyway?"
            )
        else:
            message = _(
                "An interaction with this template was already logged for this "
                "contact today by %(who)s — log anyway?"
            )
    elif entry.time:
        message = _(
            "An interaction with this template was already logged for this "
            "contact on %(date)s by %(who)s at %(time)s — log anyway?"
        )
    else:
        message = _(
            "An interaction with this template was already logged for this "
            "contact on %(date)s by %(who)s — log anyway?"
        )
    return message % values


class EvaluationForm(forms.Form):
    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.choices[1:]
    )


class DeleteCanceledForm(forms.Form):
    """Filters for "Delete canceled entries"; every one is optional. The dates are
    a range that includes both days, as every list's From / To (NAV's date filter
    `01-12-26..04-12-26`)."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact = ContactField(label=_("Contact"), required=False)
    # Canceled entries of a blocked template or salesperson are deleted too.
    template = TemplateField(
        label=_("Interaction template"), required=False, params={WITH_BLOCKED: "1"}
    )
    group = GroupField(label=_("Interaction group"), required=False)
    salesperson = SalespersonField(
        label=_("Salesperson"), required=False, params={WITH_BLOCKED: "1"}
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class InteractionGroupForm(forms.ModelForm):
    class Meta:
        model = InteractionGroup
        fields = ["code", "description"]

    def clean_code(self):
        return self.cleaned_data["code"].upper()


class InteractionTemplateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = InteractionTemplate
        formfield_callback = number_formfield
        fields = [
            "code",
            "group",
            "description",
            "unit_cost",
            "unit_duration",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "ignore_contact_correspondence_type",
            "attachment",
            "letter_text",
            "blocked",
        ]
        widgets = {"letter_text": forms.Textarea(attrs={"rows": 8})}

    def clean_code(self):
        return self.cleaned_data["code"].upper()

    def clean_letter_text(self):
        text = self.cleaned_data["letter_text"]
        errors = letter_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text

    def service_values(self):
        """The cleaned values for create_template/update_template. The attachment as
        a ModelForm would save it: left out when no file was chosen (None), "" when
        "Clear" was ticked (False), else the upload or the kept file."""
        values = dict(self.cleaned_data)
        values.pop(FIELD, None)
        attachment = values.pop("attachment", None)
        if attachment is not None:
            values["attachment"] = attachment or ""
        return values


class TemplateLanguageForm(forms.ModelForm):
    """A template's version in one language, on the template page's "Languages"."""

    class Meta:
        model = InteractionTemplateLanguage
        fields = ["language_code", "description", "subject", "body", "attachment"]
        labels = {
            "language_code": _("Language code"),
            "description": _("Description"),
            "subject": _("Subject"),
            "body": _("Text"),
        }
        help_texts = {
            "body": _(
                "The text for contacts in this language, with the letter "
                "placeholders such as {{ contact.name }} and {{ salesperson.name }}."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        # The languages the template has no version in yet, and this one's own.
        taken = set(
            template.languages.exclude(pk=self.instance.pk).values_list(
                "language_code", flat=True
            )
        )
        field = self.fields["language_code"]
        field.choices = [
            (value, label) for value, label in field.choices if value not in taken
        ]

    def clean_body(self):
        text = self.cleaned_data["body"]
        errors = letter_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text

    service_values = InteractionTemplateForm.service_values


class TemplateSetupForm(forms.Form):
    """Interaction template setup: one template choice per document type."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        templates = InteractionTemplate.objects.active()
        # The chosen templates in one query, so each field shows its label.
        chosen = InteractionTemplate.objects.in_bulk(filter(None, rows.values()))
        for value, label in DocumentType.choices[1:]:
            self.fields[value] = TemplateField(
                label=label,
                queryset=templates,
                required=False,
                initial=chosen.get(rows.get(value)),
            )


class SendEmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 10})
    )
    template = TemplateField(
        label=_("Interaction template"),
        queryset=InteractionTemplate.objects.active(),
        required=False,
        help_text=_(
            "Logged with this template; blank takes the one set up for e-mails."
        ),
    )
    attach = forms.BooleanField(
        label=_("Attach the template's attachment"), required=False, initial=True
    )


class LetterForm(forms.Form):
    template = TemplateField(
        label=_("Letter"),
        queryset=InteractionTemplate.objects.active().exclude(letter_text=""),
        params={"letter": "1"},
        placeholder=_("Choose a letter"),
    )
