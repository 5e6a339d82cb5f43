"""The forms of the criteria actions (Contacten toevoegen / Verkleinen /
Verfijnen), Criteria opslaan / opnieuw gebruiken and saved criteria."""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.filters import ContactFilter
from crm.models import Contact
from interactions.lookups import LoggedSegmentField
from interactions.models import InteractionLogEntry
from segments.models import SavedSegmentCriteria, Segment
from segments.services.criteria_sources import EntryCriteriaFilter
from web.lookups import SEPARATOR, LookupField
from web.versions import VersionedFormMixin

HAS_ENTRIES = [
    ("", _("No condition")),
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
        if action == "add":
            # A privacy blocked contact is never added: choosing them adds none.
            del self.contacts.form.fields["privacy_blocked"]
        self.entries = EntryCriteriaFilter(
            data, queryset=InteractionLogEntry.objects.none(), prefix="entries"
        )
        self.has_entries = HasEntriesForm(data, prefix="entries")
        self.sets = SegmentSetForm(data, segment=segment)
        self.options = ActionOptionsForm(data, action=action)

    def entry_fields(self):
        return [self.entries.form[name] for name in ENTRY_CRITERIA_FIELDS]

    def is_valid(self):
        valid = all(
            [
                self.contacts.is_valid(),
                self.entries.is_valid(),
                self.sets.is_valid(),
                self.options.is_valid(),
                self.has_entries.is_valid(),
            ]
        )
        if (
            valid
            and not self.has_entries.cleaned_data["has"]
            and filter_values(self.entries, ENTRY_CRITERIA_FIELDS)
        ):
            # Interaction criteria without "has" or "has no" would be left out
            # unseen, and the action would apply to every contact.
            self.has_entries.add_error(
                "has",
                _(
                    "Choose whether the contacts have or have no such interactions; "
                    "until then the interaction criteria do not count."
                ),
            )
            return False
        return valid

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


class SavedCriteriaForm(VersionedFormMixin, forms.ModelForm):
    """Saved criteria: only the description changes; the actions stay as saved."""

    class Meta:
        model = SavedSegmentCriteria
        fields = ["description"]


def options_in_words(options):
    """The options an action was given that are on, by their labels."""
    fields = ActionOptionsForm.base_fields
    return [str(fields[name].label) for name, on in options.items() if on]
