"""Job overhead: an empty job's round trip through django-tasks-db on PostgreSQL and
through RQ on Redis, started by jobs.services.start_job and run by a real worker.

    .venv/bin/python bench/jobs.py [--jobs 500] [--latency 20]

Prints per backend: starting a job (Job row + task, ms), a worker's throughput
running queued jobs back to back (ms a job), and the round trip of one job with the
worker waiting (start → done, ms). Uses the scratch database crm_bench_jobs (or
BENCH_JOBS_DATABASE_URL) and Redis database 14 (BENCH_JOBS_REDIS_URL).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get(
    "BENCH_JOBS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_jobs"
)
REDIS_URL = os.environ.get("BENCH_JOBS_REDIS_URL", "redis://127.0.0.1:6379/14")
# The worker processes know the test kinds ("test.empty" does nothing at all).
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    # Production settings: DEBUG keeps every query in memory.
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-key-" + "x" * 40,
}
WORKERS = {
    "db": ["db_worker", "--no-startup-delay", "--no-reload"],
    "rq": [
        "rqworker",
        "default",
        "--job-class",
        "django_tasks_rq.backend.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",
    ],
}
BATCH = {"db": ["--batch", "--interval", "0"], "rq": ["--burst"]}


def manage(*args, backend, **kwargs):
    command = [sys.executable, "manage.py", *args]
    env = {**ENV, "TASKS_BACKEND": backend}
    return subprocess.Popen(command, cwd=ROOT, env=env, **kwargs)


def setup_django(backend):
    os.environ.update({**ENV, "TASKS_BACKEND": backend})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=500, help="jobs for throughput")
    parser.add_argument("--latency", type=int, default=20, help="round trips timed")
    parser.add_argument("--backend", choices=["db", "rq"], help="one backend only")
    args = parser.parse_args(argv)
    if args.backend is None:
        # One process per backend: the task backend is chosen when Django starts.
        for backend in ("db", "rq"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--backend",
                    backend,
                    "--jobs",
                    str(args.jobs),
                    "--latency",
                    str(args.latency),
                ],
                check=True,
            )
        return
    run(args.backend, args)


def run(backend, args):
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-qc",
            "CREATE DATABASE crm_bench_jobs",
        ],
        capture_output=True,
    )
    manage("migrate", "--no-input", "-v", "0", backend=backend).wait()
    setup_django(backend)
    import redis
    from django.contrib.auth.models import User
    from django_tasks_db.models import DBTaskResult

    from jobs import registry, services
    from jobs.models import Job

    redis.Redis.from_url(REDIS_URL).flushdb()
    Job.objects.all().delete()
    DBTaskResult.objects.all().delete()
    registry.register("test.empty", "tests.jobs.operations.empty", label="Nothing")
    user, _created = User.objects.get_or_create(username="bench-jobs")

    # Throughput: queue the jobs, then one worker runs them back to back.
    started = time.perf_counter()
    for _job in range(args.jobs):
        services.start_job("test.empty", user=user)
    start_ms = (time.perf_counter() - started) * 1000 / args.jobs
    started = time.perf_counter()
    manage(
        *WORKERS[backend],
        *BATCH[backend],
        backend=backend,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).wait()
    worker_ms = (time.perf_counter() - started) * 1000 / args.jobs
    done = Job.objects.filter(status=Job.Status.DONE).count()
    assert done == args.jobs, f"{done} of {args.jobs} jobs done"

    # Round trip: a waiting worker, one job at a time, start → done.
    worker = manage(
        *WORKERS[backend],
        *(["--interval", "0.01"] if backend == "db" else []),
        backend=backend,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    trips = []
    try:
        # The first trip waits for the worker's start-up (Django set-up): not timed.
        for trip in range(args.latency + 1):
            started = time.perf_counter()
            job = services.start_job("test.empty", user=user)
            while not Job.objects.filter(pk=job.pk, status=Job.Status.DONE).exists():
                time.sleep(0.002)
            if trip:
                trips.append((time.perf_counter() - started) * 1000)
    finally:
        worker.terminate()
        worker.wait()
    print(
        f"{backend}: start_job {start_ms:.2f} ms; worker {worker_ms:.1f} ms a job "
        f"({args.jobs} jobs, with the worker's start-up); round trip median "
        f"{statistics.median(trips):.1f} ms, max {max(trips):.1f} ms "
        f"({args.latency} jobs)"
    )


if __name__ == "__main__":
    main()
