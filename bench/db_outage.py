"""Stop the local PostgreSQL under a running gunicorn, then start it again, and report
what a logged-in user saw at each step.

    .venv/bin/python bench/db_outage.py      # needs root: it runs pg_ctlcluster

Expected: 200 while the database is up; a friendly 503 page (no stack trace) while it
is down; 200 again after it is back, from the same gunicorn processes (no restart:
CONN_HEALTH_CHECKS replaces the broken connections). Exits 1 when any step differs.
The database is DATABASE_URL, or crm_bench on 127.0.0.1:5432 (any migrated one).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import support
from django.core.management import call_command
from django.urls import reverse
from scenarios.throughput import free_port, get, start_gunicorn, wait_until_serving

FRIENDLY = b"The CRM is temporarily unavailable"


def cluster():
    """(version, name) of the local PostgreSQL cluster, for pg_ctlcluster."""
    version = sorted(Path("/etc/postgresql").iterdir())[0].name
    return version, "main"


def pg(action):
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), action],
        check=True,
        capture_output=True,
    )


def postgresql_ready():
    command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    return subprocess.run(command, check=False).returncode == 0


def wait_for_postgresql(up, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if postgresql_ready() == up:
            return
        time.sleep(0.5)
    raise RuntimeError(f"PostgreSQL did not come {'up' if up else 'down'}")


def main():
    call_command("migrate", verbosity=0)
    client = support.logged_in_client(support.sales_user())
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    path = reverse("crm:contact_list")
    port = free_port()
    steps = []

    def step(label, expected, status, body):
        friendly = FRIENDLY in body
        ok = status == expected and (expected != 503 or friendly)
        ok = ok and b"Traceback" not in body
        steps.append(ok)
        page = "friendly 503 page" if friendly else f"{len(body):,} bytes"
        verdict = "ok" if ok else f"EXPECTED {expected}"
        print(f"{label:<44} {status}  {page:<22} {verdict}", flush=True)

    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        server = start_gunicorn(port, log)
        try:
            wait_until_serving(server, port, path, cookie, log)
            step("database up", 200, *get(port, path, cookie))
            pg("stop")
            wait_for_postgresql(up=False)
            for attempt in (1, 2, 3):
                step(
                    f"database stopped, request {attempt}",
                    503,
                    *get(port, path, cookie),
                )
            pg("start")
            wait_for_postgresql(up=True)
            for attempt in (1, 2, 3):
                step(f"database back, request {attempt}", 200, *get(port, path, cookie))
            restarted = server.poll() is not None
            print(f"gunicorn restarted: {'yes' if restarted else 'no'}")
            steps.append(not restarted)
        finally:
            if not postgresql_ready():  # never leave the machine without it
                pg("start")
            server.terminate()
            server.wait(timeout=30)
    sys.exit(0 if all(steps) else 1)


if __name__ == "__main__":
    main()
