"""Reads of contacts and salespeople for pages outside their own lists (the top bar's
search) and the values a new contact starts with."""

from django.db.models import Case, IntegerField, Q, Value, When

from crm.lookups import ContactLookup
from crm.models import Contact, MarketingSetup, Salesperson

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


# What a person takes from its company when made from the company's card (NAV's
# Marketing Setup "Inherit ..." flags: salesperson, language, address details).
INHERITED_FROM_COMPANY = (
    "salesperson",
    "language_code",
    "address",
    "post_code",
    "city",
    "country",
)


def new_contact_values(*, user, company=None):
    """The values the new-contact form starts with, as NAV's Contact.OnInsert sets
    them: the user's own salesperson, else Marketing setup's default salesperson,
    and Marketing setup's default correspondence type; a person made for `company`
    takes the company's salesperson, language and address."""
    # Not MarketingSetup.load(): that may insert the row, and a GET must not write.
    setup = (
        MarketingSetup.objects.select_related("default_salesperson")
        .filter(pk=1)
        .first()
    )
    own = Salesperson.objects.active().filter(user=user).first()
    if own is None and setup is not None and setup.default_salesperson is not None:
        own = setup.default_salesperson
    values = {
        "salesperson": own if own is not None and not own.blocked else None,
        "correspondence_type": setup.default_correspondence_type if setup else "",
    }
    if company is not None:
        values.update(type=Contact.Type.PERSON, company=company)
        for name in INHERITED_FROM_COMPANY:
            value = getattr(company, name)
            # A company's blank value or blocked salesperson leaves the default.
            if value and not (name == "salesperson" and value.blocked):
                values[name] = value
    return {name: value for name, value in values.items() if value}


# How many existing contacts the new-contact page names when it asks first.
DUPLICATES_SHOWN = 5


def possible_duplicates(*, type, name, email=""):
    """The contacts a new one of `type` called `name` with `email` may duplicate,
    at most DUPLICATES_SHOWN, newest first: of the same type and name, or with the
    same e-mail address (both whatever their case and outer spaces), and not
    anonymised. On PostgreSQL both tests use the trigram indexes of the contact
    search (upper(name), upper(email)); one query."""
    same = Q(type=type, name__iexact=name.strip())
    if email.strip():
        same |= Q(email__iexact=email.strip())
    return list(
        Contact.objects.filter(same, erased_at__isnull=True)
        .select_related("company")
        .order_by("-pk")[:DUPLICATES_SHOWN]
    )


def missing_series(*fields):
    """Those of Marketing setup's number series `fields` ("contact_nos", …) that
    are not set up, in the order given; one query, and no setup row made (a GET
    must not write)."""
    setup = MarketingSetup.objects.filter(pk=1).values(*fields).first() or {}
    return [field for field in fields if setup.get(field) is None]
