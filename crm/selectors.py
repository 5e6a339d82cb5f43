"""Reads of contacts and salespeople for pages outside their own lists (the top bar's
search)."""

from django.db.models import Case, IntegerField, Q, Value, When

from crm.models import Contact, Salesperson

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
        .order_by("search_rank", name, number)
    )


def find_contacts(query, limit=SEARCH_LIMIT):
    """At most `limit` contacts whose number or name holds `query`, best first
    (best_match_first); one query, and one for their companies.

    The companies are fetched apart: joined in, PostgreSQL would sort every match
    before the LIMIT instead of keeping the best few as it goes.
    """
    contacts = best_match_first(
        Contact.objects.all(), number="no", name="name", query=query
    )
    return list(contacts.prefetch_related("company")[:limit])


def find_salespeople(query, limit=SEARCH_LIMIT):
    """At most `limit` salespeople whose code or name holds `query`; one query."""
    return list(
        best_match_first(
            Salesperson.objects.all(), number="code", name="name", query=query
        )[:limit]
    )
