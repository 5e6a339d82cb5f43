"""The cards that show statistics over many entries, against their aggregate SQL alone.

(a) the contact card of the key account (the first company: 50 persons, 2% of the
entries), (b) the detail page of the template with the most entries, (c) the card of
the salesperson with the most entries: each page, whole (session, permissions,
statistics, a page of entries, postponed ones, rendering), against the statistics
query it runs, replayed raw. Target (issue): ratio ≤ 2. (d) the interaction template
list against its statistics query (one grouped query over the whole log), for
information.
"""

import support
from django.urls import reverse

from crm.models import Contact, Salesperson
from interactions.models import (
    InteractionDailyStatistics,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTotalStatistics,
)

TARGET = 2
ENTRY_TABLE = InteractionLogEntry._meta.db_table
SUMMED_TABLES = (
    ENTRY_TABLE,
    InteractionDailyStatistics._meta.db_table,
    InteractionTotalStatistics._meta.db_table,
)


def statistics_sql(queries):
    """The statement that sums the cost: the page's statistics aggregate, over the
    entries (a contact card) or over a statistics table (the others)."""
    found = [
        sql
        for sql in queries
        if any(f'SUM("{table}"."cost")' in sql for table in SUMMED_TABLES)
    ]
    if len(found) != 1:
        raise RuntimeError(f"expected one statistics query, found {len(found)}")
    return found[0]


def scan_nodes(plan):
    """How the plan reads the entry table: 'Index Only Scan using ile_…' and the
    like (a bitmap index scan names no table; the page's only one is on entries)."""
    nodes = []
    bitmap = plan["Node Type"] == "Bitmap Index Scan"
    if bitmap or plan.get("Relation Name") == ENTRY_TABLE:
        index = f" using {plan['Index Name']}" if plan.get("Index Name") else ""
        nodes.append(f"{plan['Node Type']}{index}")
    for child in plan.get("Plans", []):
        nodes.extend(scan_nodes(child))
    return nodes


def measure(args, client, label, url, baseline, pick, target):
    _response, queries = support.fetch(client, url)
    sql = pick(queries)
    seconds = support.median_seconds(lambda: support.fetch(client, url), args.repeat)
    baseline_seconds = support.median_seconds(
        lambda: support.run_sql([sql]), args.repeat
    )
    return support.Result(
        scenario=label,
        seconds=seconds,
        baseline=baseline,
        baseline_seconds=baseline_seconds,
        target=target,
        queries=len(queries),
        notes=[
            f"{url}: entry table read by {', '.join(scan_nodes(support.explain(sql)))}"
        ],
    )


def run(args):
    # Index-only scans need a fresh visibility map (a rolled-back delete clears it).
    support.vacuum(InteractionLogEntry)
    client = support.logged_in_client(support.sales_user())
    company = Contact.objects.filter(type=Contact.Type.COMPANY).order_by("pk").first()
    template = InteractionTemplate.objects.get(pk=support.busiest("template"))
    salesperson = Salesperson.objects.get(pk=support.busiest("salesperson"))
    persons = company.persons.count()
    company_entries = InteractionLogEntry.objects.for_contact(company).count()
    template_entries = template.log_entries.count()
    salesperson_entries = salesperson.interaction_log_entries.count()
    aggregate = "the page's statistics aggregate alone, replayed raw"
    return [
        measure(
            args,
            client,
            f"(a) company card ({persons} persons, {company_entries:,} entries)",
            company.get_absolute_url(),
            aggregate,
            statistics_sql,
            TARGET,
        ),
        measure(
            args,
            client,
            f"(b) template {template.code} ({template_entries:,} entries)",
            reverse("interactions:template_detail", args=[template.pk]),
            aggregate,
            statistics_sql,
            TARGET,
        ),
        measure(
            args,
            client,
            f"(c) salesperson card {salesperson.code} "
            f"({salesperson_entries:,} entries)",
            salesperson.get_absolute_url(),
            aggregate,
            statistics_sql,
            TARGET,
        ),
        measure(
            args,
            client,
            "(d) template list (statistics over the whole log)",
            reverse("interactions:template_list"),
            "the list's statistics query alone (grouped over the whole log)",
            statistics_sql,
            None,
        ),
    ]
