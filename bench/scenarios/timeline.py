"""The contact timeline of the key account (the first company: 50 persons, 2% of the
entries), as htmx asks for it: the first page, a page 10,000 items deep and a
filtered page, each against its SQL replayed alone. Then the deep page's
query against the same page read with OFFSET, as numbered pages would read it.
For information: the cards scenario holds the whole card to its target.
"""

import support
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Contact
from interactions.models import InteractionLogEntry
from interactions.selectors import TIMELINE_PAGE_SIZE, Position

DEPTH = 10_000
ENTRY_TABLE = InteractionLogEntry._meta.db_table
HTMX = {"HX-Request": "true", "HX-Target": "timeline-stream"}


def timeline_sql(statements):
    """The statement that reads the page of the timeline."""
    found = [sql for sql in statements if "segment_entries" in sql]
    if len(found) != 1:
        raise RuntimeError(f"expected one timeline query, found {len(found)}")
    return found[0]


def scans(sql):
    """How the plan reads the entry table: 'Index Scan using ile_…' and the like."""
    nodes = []

    def visit(plan):
        if plan.get("Relation Name") == ENTRY_TABLE and plan.get("Index Name"):
            nodes.append(f"{plan['Node Type']} using {plan['Index Name']}")
        for child in plan.get("Plans", []):
            visit(child)

    visit(support.explain(sql))
    return ", ".join(dict.fromkeys(nodes))


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=HTMX)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response, [query["sql"] for query in queries]


def run(args):
    support.vacuum(InteractionLogEntry)
    client = support.logged_in_client(support.sales_user())
    company = Contact.objects.filter(type=Contact.Type.COMPANY).order_by("pk").first()
    base = company.get_absolute_url()
    items = InteractionLogEntry.objects.for_contact(company).timeline()
    # Half way down on a small data set (make bench BENCH_ARGS="--entries 2000").
    depth = min(DEPTH, items.count() // 2)
    deep = Position.of(items[depth])
    negative = items.filter(evaluation="very_negative")
    negative_depth = min(depth // 30, negative.count() // 2)
    pages = {
        "first page": "",
        f"{depth:,} items deep": f"?older={deep}",
        f"very negative ones, {negative_depth:,} deep": (
            f"?evaluation=very_negative&older={Position.of(negative[negative_depth])}"
        ),
    }
    results = []
    for label, query in pages.items():
        url = f"{base}{query}"
        _response, statements = fetch(client, url)
        results.append(
            support.Result(
                f"timeline (htmx), key account, {label}",
                support.median_seconds(lambda url=url: fetch(client, url), args.repeat),
                baseline="the request's SQL statements replayed alone",
                baseline_seconds=support.median_seconds(
                    lambda statements=statements: support.run_sql(statements),
                    args.repeat,
                ),
                queries=len(statements),
                notes=[f"{url}: {scans(timeline_sql(statements))}"],
            )
        )
    # The same deep page by OFFSET: what a numbered page costs the database.
    keyset = timeline_sql(fetch(client, f"{base}?older={deep}")[1])
    rows = items.for_rows().select_related("logged_segment")
    with CaptureQueriesContext(connection) as offset:
        list(rows[depth + 1 : depth + 2 + TIMELINE_PAGE_SIZE])
    results.append(
        support.Result(
            f"timeline query {depth:,} items deep, by position",
            support.median_seconds(lambda: support.run_sql([keyset]), args.repeat),
            baseline=f"the same page read with OFFSET {depth + 1:,}",
            baseline_seconds=support.median_seconds(
                lambda: support.run_sql([offset[0]["sql"]]), args.repeat
            ),
            notes=[f"by OFFSET: {scans(offset[0]['sql'])}"],
        )
    )
    return results
