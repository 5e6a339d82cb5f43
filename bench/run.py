"""Run the benchmark scenarios against a generated data set and print one table.

    make bench                                   # 100,000 contacts, 1,000,000 entries
    make bench BENCH_ARGS="--entries 2000 --contacts 300 --repeat 1 --load-seconds 3"
    .venv/bin/python bench/run.py --only list_pages cards

PostgreSQL: DATABASE_URL, or crm_bench on 127.0.0.1:5432 (created when missing). The
database is a scratch one: when it does not hold the data set asked for, it is
dropped, created, migrated and filled with `generate_data` again. A database that was
not made by this script is refused unless --force is given.

Each scenario times what Django does (median of --repeat runs) against the database
doing the same work alone, in the same run, and prints the ratio with its target.
The table is also written as JSON to bench/results/ (ignored by git).
"""

import argparse
import datetime
import importlib
import sys
import time

import support  # sets Django up: keep it the first third-party import
from django.core.management import call_command
from django.db import connection

from crm.models import Contact
from interactions.models import InteractionLogEntry

SCENARIOS = [
    "segment_log",
    "list_pages",
    "pages",
    "profile",
    "pagination",
    "cards",
    "dashboard",
    "timeline",
    "delete_canceled",
    "export",
    "import_file",
    "import_contacts",
    "throughput",
    "lookup",
    "delivery",
    "criteria",
    "tasks",
    "feed",
    "retention",
]
MARKER = "bench_dataset"


def positive(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=positive, default=100_000)
    parser.add_argument("--entries", type=positive, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--segment-lines",
        type=positive,
        default=100_000,
        help="Lines of the segment the segment_log scenario logs.",
    )
    parser.add_argument(
        "--export-rows",
        type=positive,
        default=100_000,
        help="About how many entries the export scenario exports (the newest).",
    )
    parser.add_argument(
        "--delivery-emails",
        type=positive,
        default=None,
        help="E-mails the delivery scenario sends (default: --segment-lines, at "
        "most 10,000).",
    )
    parser.add_argument(
        "--import-rows",
        type=positive,
        help="Rows the import_contacts scenario imports (default: --contacts).",
    )
    parser.add_argument("--repeat", type=positive, default=5)
    parser.add_argument(
        "--load-seconds",
        type=positive,
        default=60,
        help="How long the throughput scenario loads the server.",
    )
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument(
        "--force",
        action="store_true",
        help="Replace the data of a database this script did not make.",
    )
    args = parser.parse_args(argv)
    args.import_rows = args.import_rows or args.contacts
    return args


def dataset(cursor):
    cursor.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = %s", [MARKER]
    )
    if cursor.fetchone() is None:
        return None
    cursor.execute(f"SELECT contacts, entries, seed FROM {MARKER}")
    return cursor.fetchone()


def prepare_data(args):
    """The data set asked for, generated only when the database holds another."""
    wanted = (args.contacts, args.entries, args.seed)
    support.ensure_database()
    with connection.cursor() as cursor:
        found = dataset(cursor)
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = 'public'"
        )
        has_tables = cursor.fetchone()[0] > 0
    if found == wanted:
        call_command("migrate", verbosity=0)
        print(f"data set: {args.contacts:,} contacts, {args.entries:,} entries (kept)")
        return
    if found is None and has_tables and not args.force:
        sys.exit(
            f"{connection.settings_dict['NAME']} was not made by bench/run.py; "
            "point DATABASE_URL at a scratch database or pass --force."
        )
    support.ensure_database(recreate=True)
    call_command("migrate", verbosity=0)
    call_command(
        "generate_data", contacts=args.contacts, entries=args.entries, seed=args.seed
    )
    support.vacuum(Contact, InteractionLogEntry)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (contacts int, entries int, seed int)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", wanted)


def print_table(results):
    header = (
        f"{'scenario':<52}{'Django s':>10}{'baseline s':>12}{'ratio':>8}"
        f"{'target':>8}{'met':>5}{'queries':>9}"
    )
    print("\n" + header)
    print("-" * len(header))
    for result in results:
        ratio = f"{result.ratio:.2f}" if result.ratio is not None else "-"
        target = f"≤ {result.target:g}" if result.target is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[result.met]
        baseline = (
            f"{result.baseline_seconds:.4f}"
            if result.baseline_seconds is not None
            else "-"
        )
        queries = result.queries if result.queries is not None else "-"
        print(
            f"{result.scenario:<52}{result.seconds:>10.4f}{baseline:>12}{ratio:>8}"
            f"{target:>8}{met:>5}{queries!s:>9}"
        )
    print()
    for result in results:
        if result.baseline:
            print(f"{result.scenario}: baseline {result.baseline}")
        for note in result.notes:
            print(f"{result.scenario}: {note}")


def main(argv=None):
    args = arguments(argv)
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL.")
    started = datetime.datetime.now().astimezone()
    prepare_data(args)
    call_command("collectstatic", interactive=False, verbosity=0)
    results = []
    for name in args.only:
        module = importlib.import_module(f"scenarios.{name}")
        print(f"running {name}…", flush=True)
        clock = time.perf_counter()
        scenario_results = module.run(args)
        results.extend(scenario_results)
        for result in scenario_results:
            ratio = f", ratio {result.ratio:.2f}" if result.ratio is not None else ""
            print(f"  {result.scenario}: {result.seconds:.4f} s{ratio}", flush=True)
        print(f"  ({time.perf_counter() - clock:.0f} s)", flush=True)
    print_table(results)
    path = support.write_results(
        "bench",
        started,
        {
            "arguments": {
                name: value for name, value in vars(args).items() if name != "force"
            },
            "results": [result.as_dict() for result in results],
        },
        latest="latest.json",
    )
    print(f"\nwritten to {path.relative_to(support.ROOT)}")
    failures = [
        f"{result.scenario}: {result.failure}" for result in results if result.failure
    ]
    if failures:
        sys.exit("failed:\n" + "\n".join(failures))
    return results


if __name__ == "__main__":
    main()
