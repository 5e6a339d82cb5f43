import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.lookups import SalespersonField
from segments.models import LoggedSegment, SavedSegmentCriteria, Segment, SegmentLine
from web.filters import FilterSet, LookupFilter, OrderingFilter

# The browser's date picker: it sends ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class SegmentFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("No. or description")}
        ),
    )
    salesperson = LookupFilter(SalespersonField, label=_("Salesperson"))
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT
    )
    ordering = OrderingFilter(
        fields=[
            ("no", "no"),
            ("description", "description"),
            ("date", "date"),
            ("salesperson__code", "salesperson"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Segment
        # No filters generated from the model: only those declared above.
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(no__icontains=value) | Q(description__icontains=value))


class SegmentLineFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Contact no. or name")}
        ),
    )
    # The lines that stop the segment from being logged (the Log page links here).
    blocking = django_filters.BooleanFilter(
        label=_("Only lines that cannot be logged"),
        method="only_blocking",
        widget=forms.CheckboxInput,
    )
    ordering = OrderingFilter(
        fields=[
            ("contact__no", "contact"),
            ("contact__company__name", "company"),
            ("template__code", "template"),
            ("cost", "cost"),
            ("duration", "duration"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = SegmentLine
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(contact__no__icontains=value) | Q(contact__name__icontains=value)
        )

    def only_blocking(self, queryset, name, value):
        return queryset.blocking() if value else queryset


class LoggedSegmentFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Segment no. or description")}
        ),
    )
    canceled = django_filters.BooleanFilter(
        label=_("Canceled"),
        widget=forms.Select(
            choices=[("", _("All")), ("false", _("No")), ("true", _("Yes"))]
        ),
    )
    ordering = OrderingFilter(
        fields=[
            ("segment_no", "segment_no"),
            ("description", "description"),
            ("created_at", "created_at"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = LoggedSegment
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(segment_no__icontains=value) | Q(description__icontains=value)
        )


class SavedCriteriaFilter(FilterSet):
    """The Opgeslagen segmentcriteria list: search and sort."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Code or description")}
        ),
    )
    ordering = OrderingFilter(
        fields=[
            ("code", "code"),
            ("description", "description"),
            ("owner__username", "owner"),
            ("_action_count", "action_count"),
            ("created_at", "created_at"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = SavedSegmentCriteria
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(description__icontains=value)
        )
