"""Scenario 7: the log entry list against a one-query page, both served by one
gunicorn (2 sync workers, the production settings: CONN_MAX_AGE, DEBUG off) to a
logged-in client, each loaded by wrk on 127.0.0.1 with the same settings for
--load-seconds, one after the other.

The one-query page (bench/reference_urls.py) is the floor of a logged-in page: the
same middleware, session and user, one query and a small template. Reports
requests/s side by side, their ratio (target, issue 19: the entry list at least half
the one-query page's), the latency percentiles and the errors: every answer that is
not a 2xx, and every connect, read, write or timeout error, counts as one (there must
be none).
"""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import support  # sets Django up: keep it the first third-party import
from django.conf import settings
from django.test.utils import override_settings
from django.urls import reverse

WORKERS = 2
THREADS = 2
CONNECTIONS = 8
TIMEOUT = "2s"  # wrk's default: a page slower than this counts as an error
WARMUP_SECONDS = 2
SCRIPT = Path(__file__).with_name("throughput.lua")
TARGET = 0.5  # the entry list's requests/s against the one-query page's, at least
# config.settings with the one-query page's URL added (bench/reference_settings.py).
REFERENCE_SETTINGS = "reference_settings"
REFERENCE_URLS = "reference_urls"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk_path():
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError(
            "The throughput scenario needs wrk: apt-get install -y wrk "
            "(or leave it out: --only with the other scenarios)."
        )
    return path


def start_gunicorn(port, log):
    """gunicorn serving config.wsgi with the benchmark's settings (support set them in
    this process's environment: DEBUG off, DATABASE_URL, secret key, hosts) and the
    one-query page's URL."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": REFERENCE_SETTINGS,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(support.ROOT / "bench"), os.environ.get("PYTHONPATH")])
        ),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(support.ROOT),
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@contextlib.contextmanager
def serving(path, cookie):
    """gunicorn on a free port, answering `path` with a 200 for the session `cookie`
    (a page anyone may see with none), until the block ends; yields (server, port,
    log), the log being gunicorn's output."""
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log") as log:
        server = start_gunicorn(port, log)
        try:
            wait_until_serving(server, port, path, cookie, log)
            yield server, port, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def get(port, path, cookie, timeout=30):
    """GET `path` from the local server with the session cookie: (status, body)."""
    server = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        server.request("GET", path, headers={"Cookie": cookie})
        response = server.getresponse()
        return response.status, response.read()
    finally:
        server.close()


def wait_until_serving(server, port, path, cookie, log, seconds=60):
    """Block until gunicorn answers the page with a 200 (the session works)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{tail(log)}")
        try:
            status, _body = get(port, path, cookie)
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} under gunicorn")
        return
    raise RuntimeError(f"gunicorn did not answer in {seconds} s:\n{tail(log)}")


def tail(log, lines=20):
    log.flush()
    return "\n".join(Path(log.name).read_text().splitlines()[-lines:])


def load(url, cookie, seconds):
    """Run wrk against `url` for `seconds`; the totals its script prints."""
    finished = subprocess.run(
        [
            wrk_path(),
            f"--threads={THREADS}",
            f"--connections={CONNECTIONS}",
            f"--duration={seconds}s",
            f"--timeout={TIMEOUT}",
            f"--script={SCRIPT}",
            f"--header=Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{finished.stdout}{finished.stderr}")
    for line in finished.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"wrk printed no totals:\n{finished.stdout}{finished.stderr}")


def milliseconds(microseconds):
    return f"{microseconds / 1000:.0f} ms"


def summary(totals):
    """requests/s, the error count and the notes of one wrk run."""
    seconds = totals["duration_us"] / 1_000_000
    rps = totals["requests"] / seconds
    errors = totals["errors"]
    error_count = sum(errors.values())
    error_text = ", ".join(f"{kind} {count}" for kind, count in errors.items())
    notes = [
        f"{rps:,.0f} requests/s: {totals['requests']:,} requests in {seconds:.0f} s, "
        f"p50 {milliseconds(totals['p50_us'])}, p95 {milliseconds(totals['p95_us'])}, "
        f"p99 {milliseconds(totals['p99_us'])}, max {milliseconds(totals['max_us'])}, "
        f"{error_count} errors",
    ]
    if error_count:
        notes.append(
            f"ERRORS: {error_count} of {totals['requests']:,} requests failed "
            f"({error_text}; status = not 2xx, timeout = over {TIMEOUT}); "
            "there must be none"
        )
    return rps, error_count, notes


def run(args):
    wrk_path()  # fail before starting anything when wrk is missing
    user = support.sales_user()
    client = support.logged_in_client(user)
    paths = {"entry list": reverse("interactions:entry_list")}
    queries = {"entry list": len(support.fetch(client, paths["entry list"])[1])}
    with override_settings(ROOT_URLCONF=REFERENCE_URLS):
        paths["one-query page"] = reverse("bench_one_query")
        queries["one-query page"] = len(
            support.fetch(client, paths["one-query page"])[1]
        )
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    totals = {}
    with serving(paths["entry list"], cookie) as (_server, port, _log):
        for label, path in paths.items():
            url = f"http://127.0.0.1:{port}{path}"
            load(url, cookie, WARMUP_SECONDS)  # both workers' first requests
            totals[label] = load(url, cookie, args.load_seconds)
            print(f"  {label}: load average {os.getloadavg()[0]:.1f}", flush=True)

    measured = {label: summary(run_totals) for label, run_totals in totals.items()}
    entry_rps = measured["entry list"][0]
    reference_rps = measured["one-query page"][0]
    setting = (
        f"wrk {THREADS} threads x {CONNECTIONS} connections, gunicorn {WORKERS} sync "
        f"workers, CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    print(
        f"\n  {'requests/s':<16}{'entry list':>12}{'one-query page':>16}{'ratio':>8}"
        f"{'errors':>8}\n  {'':<16}{entry_rps:>12,.0f}{reference_rps:>16,.0f}"
        f"{entry_rps / reference_rps:>8.2f}"
        f"{measured['entry list'][1] + measured['one-query page'][1]:>8}"
    )
    results = [
        support.Result(
            scenario=f"{label}, gunicorn x2 under wrk: p50 latency",
            seconds=totals[label]["p50_us"] / 1_000_000,
            baseline="none (requests/s and percentiles in the notes)",
            queries=queries[label],
            notes=[setting, *measured[label][2]],
        )
        for label in paths
    ]
    # Ratio of times, per request: the one-query page's time / the entry list's.
    results.append(
        support.Result(
            scenario="entry list / one-query page, requests/s",
            seconds=1 / entry_rps,
            baseline="the one-query page, same server and load (seconds a request)",
            baseline_seconds=1 / reference_rps,
            target=1 / TARGET,
            notes=[
                f"{entry_rps:,.0f} against {reference_rps:,.0f} requests/s: "
                f"{entry_rps / reference_rps:.2f} of the one-query page's "
                f"(target ≥ {TARGET:g}); the ratio column is its inverse, "
                "seconds a request",
            ],
        )
    )
    return results
