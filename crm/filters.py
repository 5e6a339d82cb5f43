import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.countries import country_code
from crm.lookups import ContactField, SalespersonField
from crm.models import Contact, Salesperson
from web.filters import FilterSet, LookupFilter, OrderingFilter


class ContactFilter(FilterSet):
    """Contact list filters; also the criteria for adding contacts to a segment."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("No., name, e-mail or city")}
        ),
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=Contact.Type.choices, empty_label=_("All")
    )
    company = LookupFilter(
        ContactField,
        label=_("Company"),
        queryset=Contact.objects.companies(),
        params={"type": Contact.Type.COMPANY},
    )
    salesperson = LookupFilter(SalespersonField, label=_("Salesperson"))
    # The beginning of the name is enough, as typed: "rotter" finds Rotterdam (the
    # city's trigram index serves it).
    city = django_filters.CharFilter(label=_("City"), lookup_expr="istartswith")
    # A code or a name, as typed: "Nederland" finds the contacts stored as NL.
    country = django_filters.CharFilter(label=_("Country"), method="filter_country")
    language_code = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=Contact._meta.get_field("language_code").choices,
        empty_label=_("All"),
    )
    # A plain select with "All" instead of django-filter's "Unknown / Yes / No".
    privacy_blocked = django_filters.BooleanFilter(
        label=_("Privacy blocked"),
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    ordering = OrderingFilter(
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
        fields = (
            "q",
            "type",
            "company",
            "salesperson",
            "city",
            "country",
            "language_code",
            "privacy_blocked",
        )

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__iexact=country_code(value) or value)


class SalespersonFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Code, name or e-mail")}
        ),
    )
    # A plain select with "All" instead of django-filter's "Unknown / Yes / No".
    blocked = django_filters.BooleanFilter(
        label=_("Blocked"),
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    class Meta:
        model = Salesperson
        fields = ("q", "blocked")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(email__icontains=value)
        )


def company_filter():
    """A lookup filter on the `contact_company` column of a contact's rows (entries,
    tasks): a company's rows with its persons', as its card counts them."""
    return LookupFilter(
        ContactField,
        label=_("Company"),
        field_name="contact_company",
        queryset=Contact.objects.companies(),
        params={"type": Contact.Type.COMPANY},
    )
