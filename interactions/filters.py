import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from crm.filters import company_filter
from crm.lookups import ContactField, SalespersonField
from crm.models import CorrespondenceType
from interactions.lookups import GroupField, LoggedSegmentField, TemplateField
from interactions.models import DeliveryStatus, Evaluation, InteractionLogEntry
from web.filters import AmountFilter, FilterSet, LookupFilter, OrderingFilter

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def search(queryset, name, value):
    """The entry and postponed lists' search (InteractionLogEntryQuerySet.search)."""
    return queryset.search(value)


class EntryFilterMixin(FilterSet):
    """The contact and salesperson filters shared by the log entry and postponed lists.

    Each is a lookup (web.lookups): the row is found first, so the entry query
    filters on its key; a join on the number would make the planner walk the whole
    list in date order looking for that contact's rows.
    """

    contact = LookupFilter(ContactField, label=_("Contact"))
    salesperson = LookupFilter(SalespersonField, label=_("Salesperson"))
    template = LookupFilter(TemplateField, label=_("Template"))

    def locked_values(self):
        """The contact/salesperson that "Create interaction" from here is locked to."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {
            name: data[name] for name in ("contact", "salesperson") if data.get(name)
        }


class EntryValueFilterMixin(FilterSet):
    """Filters on what an entry records, shared by the log entry list and the
    contact timeline."""

    group = LookupFilter(GroupField, label=_("Group"))
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
    company = company_filter()
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
    delivery_status = django_filters.ChoiceFilter(
        label=_("Delivery"),
        choices=DeliveryStatus.choices[1:],
        empty_label=_("All"),
    )
    cost_from = AmountFilter(label=_("Cost from"), field_name="cost", lookup_expr="gte")
    cost_to = AmountFilter(label=_("Cost to"), field_name="cost", lookup_expr="lte")
    document_no = django_filters.CharFilter(
        label=_("Document no."), lookup_expr="iexact"
    )
    segment_no = LookupFilter(
        LoggedSegmentField, label=_("Segment no."), method="logged_segment"
    )
    q = django_filters.CharFilter(label=_("Search"), method=search)
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

    def logged_segment(self, queryset, name, value):
        return queryset.filter(segment_no=value.segment_no)


class PostponedFilter(EntryFilterMixin):
    q = django_filters.CharFilter(label=_("Search"), method=search)

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
