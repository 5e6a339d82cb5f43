"""Load: simulated sales users reading and writing against gunicorn and PostgreSQL
for --seconds, then a count check of every row they wrote.

    make load                                   # 5 minutes, 20 users
    make load LOAD_ARGS="--seconds 20"
    cd bench && ../.venv/bin/python load.py --seconds 60 --users 10

PostgreSQL: DATABASE_URL, or crm_load on 127.0.0.1:5432: a scratch database that
is filled with generate_data as bench/run.py does it (kept while it holds the data
set asked for). gunicorn runs with 2 sync workers, as in the throughput scenario;
locust (bench/locustfile.py) runs the users on the same machine. Each user logs in
once, then reads lists and cards and creates interactions and small segments, which
it logs, through the real forms.

Prints requests/s, the latency percentiles per request type and overall, the errors
and the count check: every interaction and logged segment a user was told about must
be in the database, and no other with this run's marker. Exits 1 when there was an
error or the counts differ. The figures are also written as JSON to bench/results/.
"""

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_load")

import support  # sets Django up: keep it the first third-party import
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from load_check import count_check
from run import positive, prepare_data
from scenarios.throughput import WORKERS, serving, tail

from crm.models import Contact, Salesperson
from interactions.models import InteractionTemplate

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
STOP_TIMEOUT = 60  # seconds a user may take to finish what it is doing at the end
SAMPLE = 500  # contacts and companies the users pick from
SHOWN_ERRORS = 10


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=positive, default=300, help="How long the users work."
    )
    parser.add_argument(
        "--users", type=positive, default=20, help="Simulated sales users."
    )
    parser.add_argument(
        "--spawn-rate", type=positive, default=2, help="Users started per second."
    )
    parser.add_argument("--contacts", type=positive, default=20_000)
    parser.add_argument("--entries", type=positive, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--force",
        action="store_true",
        help="Replace the data of a database the benchmarks did not make.",
    )
    return parser.parse_args(argv)


def sales_users(count):
    """`count` users with the Sales role and one new password: (names, password).
    Failed logins of an earlier run are forgotten, so none of them is locked out."""
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # once: the hasher is slow on purpose
    names = [f"load-sales-{number:02}" for number in range(1, count + 1)]
    for name in names:
        user = support.sales_user(name)
        user.password = hashed
        user.save(update_fields=["password"])
    AccessAttempt.objects.filter(username__in=names).delete()
    return names, password


def segment_url(name):
    """The URL of a segment page, with `{no}` where the segment number goes."""
    return reverse(name, args=["NO"]).replace("/NO/", "/{no}/")


def plan(marker, users, results):
    """What the simulated users need to know: logins, URLs, what to pick from."""
    usernames, password = users
    contacts = Contact.objects.order_by("?")[:SAMPLE]
    # Companies with a handful of persons to add: a small segment.
    companies = (
        Contact.objects.filter(type=Contact.Type.COMPANY)
        .annotate(
            to_add=Count("persons", filter=Q(persons__exclude_from_segment=False))
        )
        .filter(to_add__range=(2, 10))
        .order_by("?")
        .values_list("no", flat=True)[:SAMPLE]
    )
    plan = {
        "marker": marker,
        "usernames": usernames,
        "password": password,
        "results": str(results),
        "urls": {
            "login": reverse("login"),
            "entry_list": reverse("interactions:entry_list"),
            "entry_create": reverse("interactions:entry_create"),
            "postponed_list": reverse("interactions:postponed_list"),
            "template_list": reverse("interactions:template_list"),
            "segment_list": reverse("segments:segment_list"),
            "segment_create": reverse("segments:segment_create"),
            "loggedsegment_list": reverse("segments:loggedsegment_list"),
            "add_contacts": segment_url("segments:criteria_add"),
            "segment_log": segment_url("segments:segment_log"),
        },
        "contacts": [
            {"no": contact.no, "url": contact.get_absolute_url()}
            for contact in contacts
        ],
        "companies": list(companies),
        "salespeople": list(Salesperson.objects.active().values_list("pk", flat=True)),
        "templates": list(
            InteractionTemplate.objects.active().values_list("pk", flat=True)
        ),
    }
    if not plan["companies"]:
        sys.exit("No company has 2 to 10 persons to add: generate more --contacts.")
    return plan


def run_locust(args, url, plan_file, results):
    """locust headless for --seconds; the results its users wrote (locustfile.py)."""
    command = [
        *(sys.executable, "-m", "locust", "--locustfile", str(LOCUSTFILE)),
        *("--headless", "--host", url, "--users", str(args.users)),
        *("--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s"),
        *("--stop-timeout", str(STOP_TIMEOUT), "--only-summary"),
    ]
    finished = subprocess.run(
        command,
        env={**os.environ, "LOAD_PLAN": str(plan_file)},
        capture_output=True,
        text=True,
        timeout=args.seconds + STOP_TIMEOUT + 120,
    )
    # locust exits 1 when a request failed: the results say which.
    if finished.returncode not in (0, 1) or not results.exists():
        raise RuntimeError(f"locust failed:\n{finished.stdout}{finished.stderr}")
    return json.loads(results.read_text())


def print_report(args, results, counts, load_average):
    header = (
        f"{'request':<30}{'count':>8}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    print("\n" + header)
    print("-" * len(header))
    for row in results["requests"]:
        if row is results["requests"][-1]:
            print("-" * len(header))  # the total
        figures = [
            "-" if row[key] is None else f"{row[key]:.0f}"
            for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        ]
        print(
            f"{row['name']:<30}{row['requests']:>8,}{row['failures']:>8,}"
            f"{row['per_second']:>8.1f}" + "".join(f"{value:>8}" for value in figures)
        )
    total, errors = results["requests"][-1], results["errors"]
    print(
        f"\n{total['per_second']:.1f} requests/s over {args.seconds} s, "
        f"{args.users} users, gunicorn {WORKERS} sync workers; "
        f"{error_count(results)} errors"
    )
    print(
        f"machine load average (5 min) at the end: {load_average:.1f} on "
        f"{os.cpu_count()} cores, locust and any other work on the machine included"
    )
    for error in errors[:SHOWN_ERRORS]:
        print(f"  ERROR x{error['count']}: {error['error']}")
    if len(errors) > SHOWN_ERRORS:
        print(f"  … {len(errors) - SHOWN_ERRORS} more kinds of error in the JSON")
    print(
        "count check: "
        f"{counts['interactions']['found']:,} of {counts['interactions']['reported']:,}"
        " interactions, "
        f"{counts['logged_segments']['found']:,} of "
        f"{counts['logged_segments']['reported']:,} logged segments with "
        f"{counts['segment_entries']['found']:,} of "
        f"{counts['segment_entries']['reported']:,} entries in the database"
    )
    for problem in counts["problems"]:
        print(f"  MISMATCH: {problem}")


def error_count(results):
    return sum(error["count"] for error in results["errors"])


def main(argv=None):
    args = arguments(argv)
    if connection.vendor != "postgresql":
        sys.exit("The load runs on PostgreSQL: set DATABASE_URL.")
    started = datetime.datetime.now().astimezone()
    prepare_data(args)
    call_command("collectstatic", interactive=False, verbosity=0)
    marker = f"load-{started:%Y%m%d-%H%M%S}"  # starts every description written
    users = sales_users(args.users)
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        plan_file = Path(folder) / "plan.json"
        results_file = Path(folder) / "results.json"
        plan_file.write_text(json.dumps(plan(marker, users, results_file)))
        print(f"{args.users} users for {args.seconds} s…", flush=True)
        with serving(reverse("login"), cookie="") as (_server, port, log):
            results = run_locust(
                args, f"http://127.0.0.1:{port}", plan_file, results_file
            )
            # The 5-minute average, read at the end: other work on the machine shows.
            load_average = os.getloadavg()[1]
            server_log = [
                line for line in tail(log, 200).splitlines() if "AXES:" not in line
            ]
    counts = count_check(marker, results["tally"])
    print_report(args, results, counts, load_average)
    errors = error_count(results)
    passed = (
        not errors and not counts["problems"] and results["requests"][-1]["requests"]
    )
    if errors:
        print("\nthe end of gunicorn's log:", *server_log[-20:], sep="\n")
    path = support.write_results(
        "load",
        started,
        {
            "arguments": {
                name: value for name, value in vars(args).items() if name != "force"
            },
            "marker": marker,
            "gunicorn_workers": WORKERS,
            "load_average_5_min": load_average,
            "cores": os.cpu_count(),
            "requests": results["requests"],
            "errors": results["errors"],
            "count_check": counts,
            "passed": bool(passed),
        },
        latest="load-latest.json",
    )
    print(f"\nwritten to {path.relative_to(support.ROOT)}")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
