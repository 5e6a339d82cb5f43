import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.filters import AmountFilter, FilterSet, OrderingFilter
from crm.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class EntryFilterMixin(FilterSet):
    """The contact and salesperson filters shared by the log entry and postponed lists.

    Contacts are typed by number (tens of thousands of them make a drop-down useless).
    """

    contact = django_filters.CharFilter(
        label=_("Contact no."), field_name="contact", method="contact_number"
    )
    salesperson = django_filters.ModelChoiceFilter(
        label=_("Salesperson"), queryset=Salesperson.objects.all(), empty_label=_("All")
    )
    template = django_filters.ModelChoiceFilter(
        label=_("Template"),
        queryset=InteractionTemplate.objects.all(),
        empty_label=_("All"),
    )

    def contact_number(self, queryset, name, value):
        """Entries of the contact numbered `value` (any case) in the `name` field.

        The number is looked up first, so the entry query filters on a key the
        planner has statistics for; a join on the number makes it walk the whole
        list in date order looking for that contact's rows.
        """
        keys = Contact.objects.filter(no__iexact=value.strip()).values_list(
            "pk", flat=True
        )
        return queryset.filter(**{f"{name}__in": list(keys)})

    def locked_values(self):
        """The contact/salesperson that "Create interaction" from here is locked to."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {
            name: data[name] for name in ("contact", "salesperson") if data.get(name)
        }


class EntryValueFilterMixin(FilterSet):
    """Filters on what an entry records, shared by the log entry list and the
    contact timeline."""

    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=InteractionGroup.objects.all(), empty_label=_("All")
    )
    evaluation = django_filters.ChoiceFilter(
        label=_("Evaluation"), choices=Evaluation.choices[1:], empty_label=_("All")
    )
    canceled = django_filters.BooleanFilter(
        label=_("Canceled"),
        widget=forms.Select(
            choices=[("", _("All")), ("false", _("No")), ("true", _("Yes"))]
        ),
    )


class InteractionLogEntryFilter(EntryFilterMixin, EntryValueFilterMixin):
    company = django_filters.CharFilter(
        label=_("Company no."), field_name="contact_company", method="contact_number"
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT
    )
    correspondence_type = django_filters.ChoiceFilter(
        label=_("Correspondence type"),
        choices=CorrespondenceType.choices[1:],
        empty_label=_("All"),
    )
    cost_from = AmountFilter(label=_("Cost from"), field_name="cost", lookup_expr="gte")
    cost_to = AmountFilter(label=_("Cost to"), field_name="cost", lookup_expr="lte")
    document_no = django_filters.CharFilter(
        label=_("Document no."), lookup_expr="iexact"
    )
    segment_no = django_filters.CharFilter(label=_("Segment no."), lookup_expr="iexact")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    ordering = OrderingFilter(
        fields=[
            ("entry_no", "entry_no"),
            ("date", "date"),
            ("contact__no", "contact"),
            ("template__code", "template"),
            ("description", "description"),
            ("salesperson__code", "salesperson"),
            ("evaluation", "evaluation"),
            ("cost", "cost"),
            ("duration", "duration"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = InteractionLogEntry
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(subject__icontains=value)
        )


class PostponedFilter(EntryFilterMixin):
    class Meta:
        model = InteractionLogEntry
        fields = []


class ContactTimelineFilter(EntryFilterMixin, EntryValueFilterMixin):
    """The contact card's timeline: group, template, evaluation, salesperson and
    canceled."""

    # The card names the contact; a name set here hides the inherited filter.
    contact = None

    class Meta:
        model = InteractionLogEntry
        fields = []
