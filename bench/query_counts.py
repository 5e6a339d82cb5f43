"""Print the SQL query count of each list page with 10 and with 1,000 log entries
(and as many segment lines and audit records).

    DJANGO_DEBUG=1 .venv/bin/python bench/query_counts.py          # scratch SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench ... # or PostgreSQL

The database named by DATABASE_URL is migrated and filled; use a scratch one.
"""

import os
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
SCRATCH = Path(tempfile.gettempdir()) / "crm-query-counts.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}")

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from audit.models import AuditRecord  # noqa: E402
from crm.models import Contact, Salesperson  # noqa: E402
from interactions.models import (  # noqa: E402
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from segments.models import LoggedSegment, Segment  # noqa: E402
from segments.services import add_contacts  # noqa: E402


def fill(total):
    """Grow the log to `total` entries (plus one postponed per ten) in bulk."""
    company = Contact.objects.get_or_create(
        no="QC-CO", defaults={"name": "Query count company", "type": "company"}
    )[0]
    salesperson = Salesperson.objects.get_or_create(code="QC", name="QC")[0]
    group = InteractionGroup.objects.get_or_create(code="QC")[0]
    template = InteractionTemplate.objects.get_or_create(code="QC", group=group)[0]
    missing = total - InteractionLogEntry.objects.count()
    persons = Contact.objects.bulk_create(
        Contact(no=f"QC{n:06d}", name=f"Person {n}", type="person", company=company)
        for n in range(Contact.objects.count(), Contact.objects.count() + missing)
    )
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(
            contact=person,
            contact_company=company,
            template=template,
            group=group,
            salesperson=salesperson,
            description="Measured",
            postponed=number % 10 == 0,
        )
        for number, person in enumerate(persons)
    )
    segment = Segment.objects.get_or_create(
        no="QCSEG", defaults={"description": "Query count", "salesperson": salesperson}
    )[0]
    add_contacts(segment, Contact.objects.filter(no__startswith="QC"))
    logged = LoggedSegment.objects.get_or_create(segment_no="QCLOG")[0]
    InteractionLogEntry.objects.update(logged_segment=logged, segment_no="QCLOG")
    AuditRecord.objects.bulk_create(
        AuditRecord(
            action="canceled",
            username="qc-admin",
            object_type="interaction_log_entry",
            count=number,
            details={"filters": {"contact": f"QC{number:06d}"}},
        )
        for number in range(AuditRecord.objects.count(), total)
    )
    return company, salesperson, segment


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def main():
    call_command("migrate", verbosity=0)
    user = User.objects.get_or_create(username="qc-admin", is_superuser=True)[0]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []
    for total in (10, 1000):
        company, salesperson, segment = fill(total)
        pages = {
            "start page (whole team)": reverse("home"),
            "interaction log entries": reverse("interactions:entry_list"),
            "postponed interactions": reverse("interactions:postponed_list"),
            "contact card (company)": company.get_absolute_url(),
            "salesperson card": salesperson.get_absolute_url(),
            "CSV export": reverse("interactions:entry_export", args=["csv"]),
            "Excel export": reverse("interactions:entry_export", args=["xlsx"]),
            "contacts": reverse("crm:contact_list"),
            "segments": reverse("segments:segment_list"),
            "segment card (all lines)": segment.get_absolute_url(),
            "add contacts (count)": reverse("segments:criteria_add", args=[segment.no]),
            "logged segments": reverse("segments:loggedsegment_list"),
            "audit trail": reverse("audit:list"),
        }
        rows.append((total, {name: count(client, url) for name, url in pages.items()}))
    print(f"{'page':<26}" + "".join(f"{total:>8} entries" for total, _ in rows))
    for name in rows[0][1]:
        print(f"{name:<26}" + "".join(f"{counts[name]:>16}" for _, counts in rows))


if __name__ == "__main__":
    main()
