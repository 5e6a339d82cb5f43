import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.filters import company_filter
from crm.lookups import ContactField, SalespersonField
from tasks.models import Task
from web.filters import FilterSet, LookupFilter, OrderingFilter

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class TaskFilter(FilterSet):
    """The task list's filters; each one a column of an index or a lookup's key."""

    salesperson = LookupFilter(SalespersonField, label=_("Salesperson"))
    contact = LookupFilter(ContactField, label=_("Contact"))
    company = company_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Task.Status.choices, empty_label=_("All")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Task.Priority.choices, empty_label=_("All")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT
    )
    closed = django_filters.BooleanFilter(
        label=_("Closed"),
        widget=forms.Select(
            choices=[("", _("All")), ("false", _("No")), ("true", _("Yes"))]
        ),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes"))]),
    )
    segment_no = django_filters.CharFilter(label=_("Segment no."), lookup_expr="exact")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    ordering = OrderingFilter(
        fields=[
            ("no", "no"),
            ("date", "date"),
            ("description", "description"),
            ("contact__name", "contact"),
            ("salesperson__code", "salesperson"),
            ("priority", "priority"),
            ("status", "status"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Task
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def search(self, queryset, name, value):
        return queryset.filter(Q(no__iexact=value) | Q(description__icontains=value))
