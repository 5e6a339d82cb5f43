import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, Salesperson


class ContactFilter(django_filters.FilterSet):
    """Contact list filters; also the criteria for adding contacts to a segment."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Contact.Type.choices)
    # Typed, not a drop-down: there may be tens of thousands of companies.
    company = django_filters.CharFilter(label=_("Company (no. or name)"), method="by_company")
    salesperson = django_filters.ModelChoiceFilter(
        label=_("Salesperson"), queryset=Salesperson.objects.all()
    )
    city = django_filters.CharFilter(label=_("City"), lookup_expr="iexact")
    country = django_filters.CharFilter(label=_("Country"), lookup_expr="iexact")
    ordering = django_filters.OrderingFilter(
        fields=[
            ("no", "no"),
            ("name", "name"),
            ("type", "type"),
            ("company__name", "company"),
            ("city", "city"),
            ("country", "country"),
            ("salesperson__code", "salesperson"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Contact
        fields = ["q", "type", "company", "salesperson", "city", "country"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(no__icontains=value) | Q(name__icontains=value) | Q(email__icontains=value)
        )

    def by_company(self, queryset, name, value):
        return queryset.filter(Q(company__no__iexact=value) | Q(company__name__icontains=value))


class SalespersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    blocked = django_filters.BooleanFilter(label=_("Blocked"))

    class Meta:
        model = Salesperson
        fields = ["q", "blocked"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(email__icontains=value)
        )
