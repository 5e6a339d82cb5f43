"""The start page (crm:home) over the whole log: its resume queue, recent
interactions and three charts, each chart one grouped query.

(a) a CRM admin, who sees the whole team, (b) a sales user linked to the salesperson
with the most entries: the page, whole, against its SQL statements replayed alone.
Every statement that reads the entry table is EXPLAINed: none may scan it
sequentially. No target in the issue; the ratio is for information.
"""

import support
from django.contrib.auth.models import Group, User
from django.urls import reverse

from crm import roles
from crm.models import Salesperson
from interactions.models import InteractionLogEntry

ENTRY_TABLE = InteractionLogEntry._meta.db_table


def measure(args, client, label):
    url = reverse("home")
    _response, statements = support.fetch(client, url)
    scans = [
        sql
        for sql in statements
        if ENTRY_TABLE in sql
        and support.sequential_scans(support.explain(sql), ENTRY_TABLE)
    ]
    page = support.median_seconds(lambda: support.fetch(client, url), args.repeat)
    sql = support.median_seconds(lambda: support.run_sql(statements), args.repeat)
    return support.Result(
        label,
        page,
        baseline="the page's SQL statements replayed alone",
        baseline_seconds=sql,
        queries=len(statements),
        notes=[
            f"sequential scan of the entry table: {' '.join(s.split())[:80]}…"
            for s in scans
        ]
        or ["no sequential scan of the entry table"],
    )


def run(args):
    support.vacuum(InteractionLogEntry)
    sales = support.sales_user()  # also makes sure the role groups exist
    admin, _created = User.objects.get_or_create(username="bench-crm-admin")
    admin.groups.add(Group.objects.get(name=roles.CRM_ADMIN))
    salesperson = Salesperson.objects.get(pk=support.busiest("salesperson"))
    entries = salesperson.interaction_log_entries.count()
    # The sales user works as the busiest salesperson for this scenario only.
    linked = {sp.pk: sp.user_id for sp in Salesperson.objects.filter(user=sales)}
    linked.setdefault(salesperson.pk, salesperson.user_id)
    Salesperson.objects.filter(pk__in=linked).update(user=None)
    Salesperson.objects.filter(pk=salesperson.pk).update(user=sales)
    try:
        return [
            measure(
                args, support.logged_in_client(admin), "(a) start page, whole team"
            ),
            measure(
                args,
                support.logged_in_client(sales),
                f"(b) start page, salesperson {salesperson.code} ({entries:,} entries)",
            ),
        ]
    finally:
        Salesperson.objects.filter(pk__in=linked).update(user=None)
        for pk, user_id in linked.items():
            Salesperson.objects.filter(pk=pk).update(user_id=user_id)
