"""What every benchmark scenario shares: Django set up for measuring, the scratch
database, timing, SQL replay and the result rows.

Import this module before any Django model: it configures the settings (DEBUG off,
as in production, since debug mode keeps every query in memory).
"""

import json
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
# Production settings, minus what needs HTTPS: the benchmark talks plain HTTP locally.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.apps import apps as django_apps  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from crm import roles  # noqa: E402
from interactions.models import InteractionLogEntry  # noqa: E402


@dataclass
class Result:
    """One line of the benchmark table."""

    scenario: str
    seconds: float
    baseline: str = ""
    baseline_seconds: float | None = None
    target: float | None = None
    queries: int | None = None
    notes: list[str] = field(default_factory=list)
    # Why the scenario failed whatever its ratio (a sequential scan where an index
    # must serve): `make bench` exits non-zero when a result has one.
    failure: str = ""

    @property
    def ratio(self):
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def met(self):
        if self.failure:
            return False
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target

    def as_dict(self):
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def median_seconds(function, repeat, *, warmup=1):
    """The median wall time of `function()` over `repeat` runs, after `warmup` runs
    that fill the caches (the database's and Django's)."""
    for _run in range(warmup):
        function()
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ensure_database(*, recreate=False):
    """Create the PostgreSQL database DATABASE_URL names when it does not exist;
    with `recreate`, drop it first (a scratch database: a clean start)."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        return
    import psycopg2  # the driver Django uses here
    from psycopg2 import sql

    connection.close()
    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    server.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    name = sql.Identifier(settings["NAME"])
    try:
        with server.cursor() as cursor:
            if recreate:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
                )
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
            )
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        server.close()


def vacuum(*models):
    """VACUUM ANALYZE the models' tables: no dead rows, fresh statistics and a
    visibility map, as autovacuum leaves a table that has settled."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def busiest(field):
    """The value of `field` with the most visible entries; an empty one (a person
    without a company has none) does not count."""
    return (
        InteractionLogEntry.objects.visible()
        .filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(entries=Count("pk"))
        .order_by("-entries", field)
        .values_list(field, flat=True)
        .first()
    )


def sales_user(username="bench-sales"):
    """A user with the Sales role, as the people who use the lists every day."""
    roles.sync_roles(django_apps, None)
    user, _created = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=roles.SALES))
    return user


def logged_in_client(user):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def fetch(client, url):
    """GET `url` as a browser would, reading a streamed body to the end; returns
    the response and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response, [query["sql"] for query in queries]


def write_results(name, started, body, *, latest):
    """Write `body`, with what the run ran on, as JSON to bench/results/ (ignored by
    git): `<name>-<start time>.json` and `latest`; returns the first path."""
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    report = {
        "started": started.isoformat(timespec="seconds"),
        "database": f"{connection.vendor} {server}",
        "python": platform.python_version(),
        "machine": platform.machine(),
        **body,
    }
    path = folder / f"{name}-{started:%Y%m%d-%H%M%S}.json"
    text = json.dumps(report, indent=2, default=str)
    path.write_text(text)
    (folder / latest).write_text(text)
    return path


# How Django opens a server-side cursor (QuerySet.iterator() on PostgreSQL).
DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ')


def run_sql(statements):
    """Run `statements` (SQL with values inlined, as CaptureQueriesContext records
    them) straight on the connection, fetching every row: the database's share.
    Without parameters the driver leaves a `%` as it is: doubled, a LIKE pattern
    would read `%%abc%%`, which the planner estimates (and plans) otherwise."""
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(DECLARE.sub("", sql))
            if cursor.description is not None:
                cursor.fetchall()


def explain(sql):
    """PostgreSQL's plan of `sql` as JSON."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        return cursor.fetchone()[0][0]["Plan"]


def sequential_scans(plan, table):
    """The Seq Scan nodes on `table` anywhere in `plan`."""
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == table:
        found.append(plan)
    for child in plan.get("Plans", []):
        found.extend(sequential_scans(child, table))
    return found
