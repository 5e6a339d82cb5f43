"""The segment pages' forms; those of the criteria actions are in
segments.forms.criteria, re-exported here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import RowsField
from crm.lookups import SalespersonField
from crm.models import Salesperson
from interactions.lookups import LoggedSegmentField, TemplateField
from interactions.models import DeliveryStatus, InteractionTemplate
from segments.forms.criteria import (
    ActionOptionsForm,
    CriteriaForm,
    ReuseCriteriaForm,
    SaveCriteriaForm,
    SavedCriteriaForm,
    filter_values,
    options_in_words,
)
from segments.models import Segment, SegmentLine
from web.amounts import number_formfield
from web.versions import VersionedFormMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilledFromTemplateMixin:
    """Which form values a service receives when a template fills the rest.

    The htmx refresh that fills the fields from the chosen template also sets
    `filled_from`; then the user has seen (and may have edited) every value, and all
    are sent. Otherwise (no JavaScript) only the values the user changed are sent,
    and the service takes the others from the template.
    """

    template_fields = ()

    def service_values(self):
        template = self.cleaned_data.get("template")
        filled = template is not None and self.cleaned_data.get("filled_from") == str(
            template.pk
        )
        names = self.template_fields if filled else self.changed_data
        values = {
            name: self.cleaned_data[name]
            for name in {*names, "template"}
            if name in self.cleaned_data and name not in ("filled_from", "update_lines")
        }
        # No file chosen means keep the one there is, not remove it.
        if not values.get("attachment"):
            values.pop("attachment", None)
        return values


class SegmentForm(VersionedFormMixin, FilledFromTemplateMixin, forms.ModelForm):
    """The segment header: its general fields and the "Interaction" section."""

    filled_from = forms.CharField(required=False, widget=forms.HiddenInput)
    update_lines = forms.BooleanField(
        label=_("Also update the lines that use the header template"),
        help_text=_("Lines personalised with another template keep their values."),
        required=False,
        initial=True,
    )
    template_fields = (
        "description",
        "date",
        "salesperson",
        "language_code",
        "subject",
        "unit_cost",
        "unit_duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "ignore_contact_correspondence_type",
        "attachment",
    )

    class Meta:
        model = Segment
        formfield_callback = number_formfield
        fields = [
            "description",
            "date",
            "salesperson",
            "template",
            "language_code",
            "subject",
            "unit_cost",
            "unit_duration",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "ignore_contact_correspondence_type",
            "attachment",
            "reapply_criteria",
        ]
        widgets = {"date": DATE_INPUT}
        help_texts = {
            "reapply_criteria": _(
                "At log, the segment's criteria are applied again, so contacts that "
                "match since are added and those that no longer match are removed."
            )
        }
        field_classes = {"template": TemplateField, "salesperson": SalespersonField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blocked templates and salespeople are not offered; the services refuse
        # them too.
        self.fields["template"].queryset = InteractionTemplate.objects.active()
        self.fields["salesperson"].queryset = Salesperson.objects.active()
        # Optional in the model (NAV), but a segment without one cannot be logged.
        self.fields["description"].required = True
        if not self.instance.pk:
            # A new segment has no lines to update.
            del self.fields["update_lines"]

    def service_values(self):
        values = super().service_values()
        # Not a value a template fills: sent whenever the user changed it.
        if "reapply_criteria" in self.changed_data:
            values["reapply_criteria"] = self.cleaned_data["reapply_criteria"]
        if not self.instance.pk:
            # A new segment's page fills in the user's salesperson (no template
            # does): kept as it is, it is the user's choice too.
            values.setdefault("salesperson", self.cleaned_data.get("salesperson"))
        return values

    def lines_to_update(self):
        return self.cleaned_data.get("update_lines", False)


class SegmentLineForm(VersionedFormMixin, FilledFromTemplateMixin, forms.ModelForm):
    """One line, personalised: another template, description, cost, attachment…"""

    filled_from = forms.CharField(required=False, widget=forms.HiddenInput)
    template_fields = (
        "description",
        "subject",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "salesperson",
        "attachment",
    )

    class Meta:
        model = SegmentLine
        formfield_callback = number_formfield
        fields = [
            "template",
            "description",
            "subject",
            "cost",
            "duration",
            "information_flow",
            "initiated_by",
            "correspondence_type",
            "salesperson",
            "attachment",
        ]
        field_classes = {"template": TemplateField, "salesperson": SalespersonField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = InteractionTemplate.objects.active()
        self.fields["salesperson"].queryset = Salesperson.objects.active()


class LogSegmentForm(forms.Form):
    create_follow_up = forms.BooleanField(
        label=_("Create follow-up segment"),
        help_text=_("A new segment with the same contacts, to log the next step."),
        required=False,
    )
    deliver = forms.BooleanField(
        label=_("Send content"),
        help_text=_(
            "E-mail each contact with e-mail as correspondence type, and make one "
            "PDF of letters to print for those with hard copy."
        ),
        required=False,
    )
    letter_fallback = forms.BooleanField(
        label=_("Send a letter when there is no e-mail address"),
        required=False,
    )
    # The number of contacts the dialog asked about (the page writes it in, as it
    # is now, also when shown again): logging refuses when it has changed since.
    line_count = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered only while "Send content" is ticked (static/js/crm.js).
        self.fields["letter_fallback"].widget.attrs["data-needs"] = self.add_prefix(
            "deliver"
        )

    def clean(self):
        cleaned = super().clean()
        # The fallback is part of sending: without it there is nothing to fall back.
        if cleaned.get("letter_fallback") and not cleaned.get("deliver"):
            cleaned["letter_fallback"] = False
        return cleaned


class DeliveryFilterForm(forms.Form):
    """The logged segment page's filter on its entries' delivery status."""

    delivery = forms.ChoiceField(
        label=_("Delivery"),
        required=False,
        choices=[
            ("", _("All")),
            *DeliveryStatus.choices[1:],
            ("none", _("Nothing to send")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ReuseLoggedSegmentForm(forms.Form):
    logged_segment = LoggedSegmentField(label=_("Logged segment"))


class LoggedSegmentCancelForm(forms.Form):
    # A choice, not a BooleanField: a missing value is an error, not False.
    canceled = forms.TypedChoiceField(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
    )


class LineSelectionForm(forms.Form):
    """The lines ticked on the segment card, for "Remove selected"."""

    selected = RowsField(
        queryset=SegmentLine.objects.none(),
        error_messages={"required": _("Select at least one line first.")},
    )

    def __init__(self, *args, segment, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this segment's lines: a key of another segment's line is refused.
        self.fields["selected"].queryset = segment.lines.all()


__all__ = [
    "ActionOptionsForm",
    "CriteriaForm",
    "DeliveryFilterForm",
    "LineSelectionForm",
    "LogSegmentForm",
    "LoggedSegmentCancelForm",
    "ReuseCriteriaForm",
    "ReuseLoggedSegmentForm",
    "SaveCriteriaForm",
    "SavedCriteriaForm",
    "SegmentForm",
    "SegmentLineForm",
    "filter_values",
    "options_in_words",
]
