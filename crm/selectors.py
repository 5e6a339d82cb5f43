"""Reads of contacts and salespeople for pages outside their own lists (the top bar's
search)."""

from django.db.models import Case, IntegerField, Q, Value, When

from crm.lookups import ContactLookup
from crm.models import Salesperson

# Each kind of object the search offers shows at most this many matches.
SEARCH_LIMIT = 5


def best_match_first(queryset, *, number, name, query):
    """`queryset` matching `query` by part of its `number` or `name` field, an exact
    number first, then numbers and names that start with the query, then the rest."""
    return (
        queryset.filter(
            Q(**{f"{number}__icontains": query}) | Q(**{f"{name}__icontains": query})
        )
        .annotate(
            search_rank=Case(
                When(Q(**{f"{number}__iexact": query}), then=Value(0)),
                When(Q(**{f"{number}__istartswith": query}), then=Value(1)),
                When(Q(**{f"{name}__istartswith": query}), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        # Name before number within a rank: people scan the list by name.
        .order_by("search_rank", name, number)
    )


def find_contacts(query, limit=SEARCH_LIMIT):
    """At most `limit` contacts as the contact lookup finds them (crm.lookups): by
    part of the number, name, city or e-mail on the trigram indexes, a short query by
    the start of the number or name, in number order; one query."""
    lookup = ContactLookup()
    found = lookup.search(lookup.offered({}), query).order_by(*lookup.order(query))
    return list(found[:limit])


def find_salespeople(query, limit=SEARCH_LIMIT):
    """At most `limit` salespeople whose code or name holds `query`; one query."""
    return list(
        best_match_first(
            Salesperson.objects.all(), number="code", name="name", query=query
        )[:limit]
    )
