"""Scenario 7: the log entry list served by gunicorn (2 sync workers) to logged-in
clients, loaded by wrk on 127.0.0.1 for --load-seconds.

Reports requests/s and the latency percentiles; every answer that is not a 2xx, and
every connect, read, write or timeout error, counts as an error (there must be none).
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
from django.urls import reverse

WORKERS = 2
THREADS = 2
CONNECTIONS = 8
TIMEOUT = "2s"  # wrk's default: a page slower than this counts as an error
WARMUP_SECONDS = 2
SCRIPT = Path(__file__).with_name("throughput.lua")


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
    this process's environment: DEBUG off, DATABASE_URL, secret key, hosts)."""
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
        env=os.environ.copy(),
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


def run(args):
    wrk_path()  # fail before starting anything when wrk is missing
    user = support.sales_user()
    client = support.logged_in_client(user)
    path = reverse("interactions:entry_list")
    _response, queries = support.fetch(client, path)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    with serving(path, cookie) as (_server, port, _log):
        url = f"http://127.0.0.1:{port}{path}"
        load(url, cookie, WARMUP_SECONDS)  # both workers' first requests
        totals = load(url, cookie, args.load_seconds)

    seconds = totals["duration_us"] / 1_000_000
    rps = totals["requests"] / seconds
    errors = totals["errors"]
    error_count = sum(errors.values())
    error_text = ", ".join(f"{kind} {count}" for kind, count in errors.items())
    notes = [
        f"{rps:,.0f} requests/s: {totals['requests']:,} requests in {seconds:.0f} s, "
        f"wrk {THREADS} threads x {CONNECTIONS} connections, gunicorn {WORKERS} "
        "sync workers",
        f"p50 {milliseconds(totals['p50_us'])}, p95 {milliseconds(totals['p95_us'])}, "
        f"p99 {milliseconds(totals['p99_us'])}, max "
        f"{milliseconds(totals['max_us'])}, {error_count} errors",
    ]
    if error_count:
        notes.append(
            f"ERRORS: {error_count} of {totals['requests']:,} requests failed "
            f"({error_text}; status = not 2xx, timeout = over {TIMEOUT}); "
            "there must be none"
        )
    return [
        support.Result(
            scenario="Entry list, gunicorn x2 under wrk: p50 latency",
            seconds=totals["p50_us"] / 1_000_000,
            baseline="none (requests/s and percentiles in the notes)",
            queries=len(queries),
            notes=notes,
        )
    ]
