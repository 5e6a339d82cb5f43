"""The lookups of contacts and salespeople (web.lookups says how a lookup works)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from crm.models import Contact, Salesperson
from web.lookups import MIN_CONTAINS, WITH_BLOCKED, BadLookup, Lookup, LookupField


class ContactLookup(Lookup):
    model = Contact
    key = "no"
    url_name = "lookup:contacts"
    ordering = ("name", "no")
    searched = ("no", "name", "city", "email")
    not_found = _("No contact found with number or name “%(value)s”.")
    several = ngettext_lazy(
        "“%(value)s” matches %(count)s contact; type the number.",
        "“%(value)s” matches %(count)s contacts; type the number.",
        "count",
    )

    def offered(self, params):
        queryset = Contact.objects.select_related("company").only(
            "no", "name", "type", "city", "email", "privacy_blocked", "company__name"
        )
        kind = params.get("type", "")
        if kind:
            if kind not in Contact.Type.values:
                raise BadLookup(_("Unknown contact type “%s”.") % kind[:20])
            queryset = queryset.filter(type=kind)
        return queryset

    def order(self, text):
        # A short or empty search matches much of the table: in number order the
        # database reads the number index until it has a page, where sorting by
        # name would read every match first.
        return ("no",) if len(text) < MIN_CONTAINS else self.ordering

    def search(self, queryset, text):
        found = super().search(queryset, text)
        if len(text) < MIN_CONTAINS:
            return found
        # Persons of a company whose name matches. The companies come first, as a
        # list: an OR over a join would make PostgreSQL read every contact, while
        # a list of keys lets it combine the indexes (BitmapOr).
        companies = list(
            Contact.objects.companies()
            .filter(name__icontains=text)
            .order_by()
            .values_list("pk", flat=True)[:COMPANY_LIMIT]
        )
        if companies:
            found = found | queryset.filter(company__in=companies)
        return found

    def row(self, obj):
        company = obj.company.name if obj.company_id else ""
        return {
            **super().row(obj),
            "no": obj.no,
            "name": obj.name,
            "company": company,
            "city": obj.city,
            "email": obj.email,
        }

    def detail_of(self, obj):
        # A privacy-blocked contact is named so before the form refuses it.
        blocked = str(_("Privacy blocked")) if obj.privacy_blocked else ""
        company = obj.company.name if obj.company_id else ""
        return " · ".join(part for part in (company, obj.city, blocked) if part)


# Companies whose persons a search also finds; more would be a search nobody meant.
COMPANY_LIMIT = 200


class SalespersonLookup(Lookup):
    model = Salesperson
    has_blocked = True
    blocked = _("Salesperson %(value)s is blocked: choose another one.")
    url_name = "lookup:salespeople"
    not_found = _("No salesperson found with code or name “%(value)s”.")
    several = ngettext_lazy(
        "“%(value)s” matches %(count)s salesperson; type the code.",
        "“%(value)s” matches %(count)s salespeople; type the code.",
        "count",
    )

    def offered(self, params):
        # Blocked salespeople get no new work; forms keep one already chosen, and
        # filters on history ask for them too.
        if params.get(WITH_BLOCKED):
            return Salesperson.objects.all()
        return Salesperson.objects.active()


class ContactField(LookupField):
    lookup_class = ContactLookup


class SalespersonField(LookupField):
    lookup_class = SalespersonLookup
