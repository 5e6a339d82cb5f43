"""The contact lookup's endpoint (/lookup/contacts/) at full size, for what people type.

Each query is answered whole (session, permission, search, JSON) as the lookup field
asks it, against the search statements it runs replayed raw (the bare SQL). Targets
(issue 15): the endpoint answers in at most 50 ms at 100,000 contacts on PostgreSQL;
the ratio to the bare SQL is printed for information (the target column holds 50 ms
divided by the SQL time, so "met" means the 50 ms was met).
"""

import support
from django.urls import reverse
from django.utils.http import urlencode

from crm.models import Contact

BUDGET = 0.050  # seconds, from the issue
CONTACT_TABLE = Contact._meta.db_table


def queries():
    """(what, typed text) for the searches people make, taken from the data set."""
    person = Contact.objects.filter(type=Contact.Type.PERSON).order_by("pk").first()
    middle = Contact.objects.order_by("pk")[Contact.objects.count() // 2]
    last_name = person.name.split()[-1]
    company = Contact.objects.companies().order_by("pk").first()
    return [
        ("2-character prefix", person.name[:2].lower()),
        ("part of a name", last_name[:4].lower()),
        ("part of a company name", company.name.split()[0][:5].lower()),
        ("a city", middle.city or "Utrecht"),
        ("a number", middle.no),
        ("part of a number", middle.no[-4:]),
    ]


def search_sql(statements):
    """The statements that read contacts: the search and, when it names companies,
    the companies first; not the session, user and permission queries."""
    return [sql for sql in statements if f'FROM "{CONTACT_TABLE}"' in sql]


def scan_nodes(plan):
    nodes = []
    if plan.get("Index Name") or plan.get("Relation Name") == CONTACT_TABLE:
        index = f" using {plan['Index Name']}" if plan.get("Index Name") else ""
        nodes.append(f"{plan['Node Type']}{index}")
    for child in plan.get("Plans", []):
        nodes.extend(scan_nodes(child))
    return nodes


def run(args):
    client = support.logged_in_client(support.sales_user())
    base = reverse("lookup:contacts")
    total = Contact.objects.count()
    results = []
    for what, text in queries():
        url = f"{base}?{urlencode({'q': text, 'page': 1})}"
        response, statements = support.fetch(client, url)
        found = response.json()
        sql = search_sql(statements)
        seconds = support.median_seconds(lambda u=url: client.get(u), args.repeat)
        bare = support.median_seconds(lambda s=sql: support.run_sql(s), args.repeat)
        plans = "; ".join(", ".join(scan_nodes(support.explain(s))) for s in sql)
        results.append(
            support.Result(
                scenario=f"contact lookup: {what} “{text}”",
                seconds=seconds,
                baseline="its search SQL alone",
                baseline_seconds=bare,
                target=round(BUDGET / bare, 1) if bare else None,
                queries=len(statements),
                notes=[
                    f"{seconds * 1000:.1f} ms whole, {bare * 1000:.1f} ms SQL, "
                    f"{len(found['results'])} rows, more={found['more']}, "
                    f"{total:,} contacts; "
                    f"{'within' if seconds <= BUDGET else 'OVER'} the 50 ms budget",
                    f"plan: {plans}",
                ],
            )
        )
    return results
