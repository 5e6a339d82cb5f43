"""Scenario: every list page, search, the start page, the statistics pages, the admin
change lists and the API lists, each against the entry list page (issue 19).

For each page: the median time of the whole request, the time of its SQL statements
replayed alone, its query count and its ratio to the entry list. The page's main
query (the statement that takes longest alone) is EXPLAINed, and a sequential scan of
the entry or the contact table fails the scenario (and `make bench`): on a million
entries such a page reads the whole table whatever it shows. Target (issue): every
page at most twice the entry list.

The machine may be busy with other work: each page's runs alternate with runs of the
entry list, and its ratio is to the entry list's median over the same stretch of time.

Searches use part of a busy contact's name: four letters (the trigram search) and two
(a prefix search).
"""

import statistics
import time

import support
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from crm.models import Contact
from interactions.models import InteractionLogEntry

TARGET = 2
# Below this many entries the planner rightly reads a small table whole: a sequential
# scan is reported but fails the scenario only from here on (`make bench`'s size).
SCANS_FAIL_FROM = 100_000
TABLES = (InteractionLogEntry._meta.db_table, Contact._meta.db_table)


def search_terms():
    """(a 4-letter and a 2-letter part of the busiest person's last name)."""
    contact = Contact.objects.get(pk=support.busiest("contact"))
    word = max(contact.name.split(), key=len)
    return word[:4].lower(), word[:2].lower()


def pages():
    """Label → URL of every page measured; the entry list first (the baseline)."""
    long_term, short_term = search_terms()
    entries = reverse("interactions:entry_list")
    contacts = reverse("crm:contact_list")
    template = support.busiest("template")

    def admin(model):
        return reverse(f"admin:{model}_changelist")

    return {
        "entry list": entries,
        f"entry list, search ?q={long_term}": f"{entries}?q={long_term}",
        f"entry list, search ?q={short_term}": f"{entries}?q={short_term}",
        "postponed list": reverse("interactions:postponed_list"),
        "contact list": contacts,
        f"contact list, search ?q={long_term}": f"{contacts}?q={long_term}",
        f"contact list, search ?q={short_term}": f"{contacts}?q={short_term}",
        "segment list": reverse("segments:segment_list"),
        "logged segment list": reverse("segments:loggedsegment_list"),
        "audit trail": reverse("audit:list"),
        "start page": reverse("home"),
        "statistics: salespeople": reverse("crm:salesperson_list"),
        "statistics: groups": reverse("interactions:group_list"),
        "statistics: templates": reverse("interactions:template_list"),
        "statistics: busiest template": reverse(
            "interactions:template_detail", args=[template]
        ),
        "admin: entries": admin("interactions_interactionlogentry"),
        f"admin: entries, search {long_term}": (
            f"{admin('interactions_interactionlogentry')}?q={long_term}"
        ),
        "admin: contacts": admin("crm_contact"),
        f"admin: contacts, search {long_term}": f"{admin('crm_contact')}?q={long_term}",
        "admin: segments": admin("segments_segment"),
        "admin: segment lines": admin("segments_segmentline"),
        "admin: logged segments": admin("segments_loggedsegment"),
        "admin: audit records": admin("audit_auditrecord"),
        "API: entries": reverse("api:interaction_list"),
        "API: contacts": reverse("api:contact_list"),
    }


def statement_seconds(sql):
    started = time.perf_counter()
    support.run_sql([sql])
    return time.perf_counter() - started


def main_query(statements):
    """The statement that takes longest alone (the median of three runs)."""
    timed = [
        (statistics.median(statement_seconds(sql) for _run in range(3)), sql)
        for sql in statements
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "DECLARE"))
    ]
    return max(timed, key=lambda pair: pair[0]) if timed else (0.0, None)


def scans(sql):
    """'Seq Scan on <table>' for each sequential scan of the entry or contact table
    in the plan of `sql`."""
    plan = support.explain(support.DECLARE.sub("", sql))
    return [
        f"Seq Scan on {table}"
        for table in TABLES
        for _node in support.sequential_scans(plan, table)
    ]


def plan_text(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + support.DECLARE.sub("", sql))
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(client, url, baseline_url, repeat):
    _response, statements = support.fetch(client, url)
    page_times, baseline_times = [], []
    for _run in range(repeat):
        page_times.append(timed(lambda: support.fetch(client, url)))
        baseline_times.append(timed(lambda: support.fetch(client, baseline_url)))
    sql = support.median_seconds(lambda: support.run_sql(statements), repeat)
    main_seconds, main_sql = main_query(statements)
    return {
        "page": statistics.median(page_times),
        "baseline": statistics.median(baseline_times),
        "sql": sql,
        "queries": len(statements),
        "main_seconds": main_seconds,
        "main_sql": main_sql,
        "scans": scans(main_sql) if main_sql else [],
    }


def run(args):
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = support.logged_in_client(user)
    measured = {}
    urls = pages()
    for label, url in urls.items():
        print(f"  {label}…", flush=True)
        measured[label] = (url, measure(client, url, urls["entry list"], args.repeat))
    results = []
    print(
        f"\n  {'page':<44}{'median ms':>10}{'SQL ms':>9}{'queries':>8}"
        f"{'entry list ms':>14}{'ratio':>7}  seq scan"
    )
    for label, (url, row) in measured.items():
        ratio = row["page"] / row["baseline"]
        print(
            f"  {label:<44}{row['page'] * 1000:>10.1f}{row['sql'] * 1000:>9.1f}"
            f"{row['queries']:>8}{row['baseline'] * 1000:>14.1f}{ratio:>7.2f}"
            f"  {', '.join(row['scans']) or '-'}"
        )
        notes = [
            f"{url}: SQL {row['sql'] * 1000:.1f} ms, main query "
            f"{row['main_seconds'] * 1000:.1f} ms",
            *(f"SEQUENTIAL SCAN: {scan}" for scan in row["scans"]),
        ]
        if row["main_sql"]:
            notes.append(
                "EXPLAIN of the main query:\n"
                f"      {' '.join(row['main_sql'].split())[:300]}\n"
                + plan_text(row["main_sql"])
            )
        results.append(
            support.Result(
                f"pages: {label}",
                row["page"],
                baseline="the entry list page, in turns with this one",
                baseline_seconds=row["baseline"],
                target=TARGET,
                queries=row["queries"],
                notes=notes,
                failure=", ".join(row["scans"])
                if args.entries >= SCANS_FAIL_FROM
                else "",
            )
        )
    flagged = [label for label, (_url, row) in measured.items() if row["scans"]]
    print(
        f"\n  sequential scans of the entry or contact table: {', '.join(flagged)}"
        if flagged
        else "\n  no sequential scan of the entry or contact table"
    )
    return results
