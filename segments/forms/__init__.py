import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.filters import ContactFilter
from crm.forms import RowsField
from crm.lookups import SalespersonField
from crm.models import Contact, Salesperson
from interactions.lookups import LoggedSegmentField, TemplateField
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import SavedSegmentCriteria, Segment, SegmentLine
from segments.services.criteria_sources import EntryCriteriaFilter
from web.amounts import number_formfield
from web.lookups import SEPARATOR, LookupField

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


class SegmentForm(FilledFromTemplateMixin, forms.ModelForm):
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
        return values

    def lines_to_update(self):
        return self.cleaned_data.get("update_lines", False)


class SegmentLineForm(FilledFromTemplateMixin, forms.ModelForm):
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


# Criteria actions: Contacten toevoegen / Verkleinen / Verfijnen ---------------------

HAS_ENTRIES = [
    ("", _("No condition on interactions")),
    ("true", _("Has an interaction log entry")),
    ("false", _("Has no interaction log entry")),
]
# The entry filters a marketer selects by; the others (a document, delivery, one
# contact) name single entries, not groups of contacts.
ENTRY_CRITERIA_FIELDS = (
    "template",
    "group",
    "salesperson",
    "date_from",
    "date_to",
    "evaluation",
    "canceled",
    "information_flow",
    "correspondence_type",
    "cost_from",
    "cost_to",
    "duration_from",
    "duration_to",
    "segment_no",
)


def filter_text(field, value):
    """A cleaned filter value as the filter's query string writes it, whatever the
    user's language: what criteria store and replay."""
    if isinstance(field, LookupField):
        return field.key(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def filter_values(filterset, names=None):
    """{name: text} of the filters in use, optionally only `names`."""
    return {
        name: filter_text(field, value)
        for name, field, value in filterset.in_use()
        if names is None or name in names
    }


class HasEntriesForm(forms.Form):
    """Whether the interaction criteria apply, and as "has" or "has no" (prefix
    `entries-`, with the entry filters)."""

    has = forms.ChoiceField(
        label=_("Interactions"),
        choices=HAS_ENTRIES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class SegmentSetForm(forms.Form):
    """Set operations: the contacts of another open segment or of a logged one."""

    segment = forms.ModelChoiceField(
        label=_("In segment"),
        queryset=Segment.objects.none(),
        required=False,
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    logged_segment = LoggedSegmentField(
        label=_("In logged segment"), required=False, placeholder=_("Any")
    )

    def __init__(self, *args, segment=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Segment.objects.order_by("no")
        if segment is not None:
            others = others.exclude(pk=segment.pk)
        self.fields["segment"].queryset = others
        self.fields["segment"].label_from_instance = lambda obj: (
            f"{obj.no}{SEPARATOR}{obj.description}" if obj.description else obj.no
        )
        self.fields["logged_segment"].widget.attrs["class"] = "form-control"


class ActionOptionsForm(forms.Form):
    """NAV's options of the three actions; each action shows its own."""

    allow_existing = forms.BooleanField(
        label=_("Allow existing contacts"),
        help_text=_("Contacts already in the segment get their line again."),
        required=False,
    )
    expand_contact = forms.BooleanField(
        label=_("Expand contact"),
        help_text=_("Also add a person's company and a company's persons."),
        required=False,
    )
    allow_company_with_persons = forms.BooleanField(
        label=_("Allow company with persons"),
        help_text=_("Keep a company's line next to the lines of its persons."),
        required=False,
    )
    ignore_exclusion = forms.BooleanField(
        label=_("Ignore exclusion"),
        help_text=_("Also add contacts marked “exclude from segment”."),
        required=False,
    )
    entire_companies = forms.BooleanField(
        label=_("Entire companies"),
        help_text=_("A company's persons go (or stay) with the company."),
        required=False,
    )

    OPTIONS = {
        "add": (
            "allow_existing",
            "expand_contact",
            "allow_company_with_persons",
            "ignore_exclusion",
        ),
        "reduce": ("entire_companies",),
        "refine": ("entire_companies",),
    }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.OPTIONS[action]:
                del self.fields[name]

    def options(self):
        return {name: self.cleaned_data[name] for name in self.fields}


class CriteriaForm:
    """The criteria of an action on `segment`: the contact filters, the interaction
    criteria (prefix `entries-`), another segment, and the action's options, all
    in one query string. `criteria()` gives the dict the services take."""

    def __init__(self, data, *, segment, action):
        self.data = data
        self.contacts = ContactFilter(data, queryset=Contact.objects.all())
        # The company lookup marks the companies already in this segment.
        self.contacts.form.fields["company"].widget.params["segment"] = segment.no
        self.entries = EntryCriteriaFilter(
            data, queryset=InteractionLogEntry.objects.none(), prefix="entries"
        )
        self.has_entries = HasEntriesForm(data, prefix="entries")
        self.sets = SegmentSetForm(data, segment=segment)
        self.options = ActionOptionsForm(data, action=action)

    def entry_fields(self):
        return [self.entries.form[name] for name in ENTRY_CRITERIA_FIELDS]

    def is_valid(self):
        return all(
            [
                self.contacts.is_valid(),
                self.entries.is_valid(),
                self.sets.is_valid(),
                self.options.is_valid(),
                self.has_entries.is_valid(),
            ]
        )

    def errors(self):
        """Every message, with the label of its field."""
        forms_ = (
            self.contacts.form,
            self.has_entries,
            self.entries.form,
            self.sets,
            self.options,
        )
        return [
            f"{form.fields[name].label}: {message}" if name in form.fields else message
            for form in forms_
            for name, errors in form.errors.items()
            for message in errors
        ]

    def criteria(self):
        criteria = filter_values(self.contacts)
        has = self.has_entries.cleaned_data["has"]
        if has:
            criteria["entries"] = {
                "has": has == "true",
                **filter_values(self.entries, ENTRY_CRITERIA_FIELDS),
            }
        for name in ("segment", "logged_segment"):
            if self.sets.cleaned_data.get(name) is not None:
                criteria[name] = self.sets.cleaned_data[name].pk
        return criteria


class SaveCriteriaForm(forms.Form):
    """Criteria opslaan: the code and description of the saved criteria."""

    code = forms.CharField(label=_("Code"), max_length=20)
    description = forms.CharField(label=_("Description"), max_length=100)


class ReuseCriteriaForm(forms.Form):
    """Criteria opnieuw gebruiken: which saved criteria, and replace or add."""

    ADD, REPLACE = "add", "replace"

    saved = forms.ModelChoiceField(
        label=_("Saved segment criteria"),
        queryset=SavedSegmentCriteria.objects.order_by("code"),
    )
    mode = forms.ChoiceField(
        label=_("Replace or add?"),
        choices=[
            (ADD, _("Add: keep the segment's lines and apply the criteria to them")),
            (REPLACE, _("Replace: empty the segment first")),
        ],
        initial=ADD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].label_from_instance = lambda obj: (
            f"{obj.code}{SEPARATOR}{obj.description}"
        )


class SavedCriteriaForm(forms.ModelForm):
    """Saved criteria: only the description changes; the actions stay as saved."""

    class Meta:
        model = SavedSegmentCriteria
        fields = ["description"]
