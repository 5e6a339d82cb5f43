import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditRecord
from web.filters import FilterSet, start_of_day


class AuditRecordFilter(FilterSet):
    """Filters of the audit trail. Dates become a range of `at` (no cast of the
    column), and names and numbers match exactly, so each one can use its index."""

    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditRecord.Action.choices, empty_label=_("All")
    )
    username = django_filters.CharFilter(label=_("User name"), method="exactly")
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="from_day",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        method="to_day",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Object"),
        choices=AuditRecord.ObjectType.choices,
        empty_label=_("All"),
    )
    object_id = django_filters.CharFilter(
        label=_("Entry or segment no."), method="exactly"
    )

    class Meta:
        model = AuditRecord
        fields = ()

    # Exact, not icontains: a LIKE '%…%' cannot use the (name, at) index.
    def exactly(self, queryset, name, value):
        return queryset.filter(**{name: value.strip()})

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=start_of_day(value))

    # "To" includes the whole day: up to the start of the next one, in local time.
    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=start_of_day(value + datetime.timedelta(days=1)))
