import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from jobs.services import claim_due_tasks


class Command(BaseCommand):
    help = (
        "Enqueue the periodic work (settings.JOBS_SCHEDULE: a task path and its "
        "interval in seconds) for the worker: each task once at start, then every "
        "interval. Run exactly one clock per installation (`make run` starts it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue the scheduled tasks whose interval has passed since the last "
            "--once run, and exit (for cron or a timer).",
        )

    def handle(self, *args, **options):
        schedule = self.load(settings.JOBS_SCHEDULE)
        if options["once"]:
            due = set(claim_due_tasks(schedule))
            for entry in schedule:
                if entry["task"] in due:
                    self.enqueue(entry)
            return
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        # Monotonic time: a clock change on the machine neither skips nor repeats work.
        due = {entry["task"]: time.monotonic() for entry in schedule}
        while self.running:
            now = time.monotonic()
            for entry in schedule:
                if due[entry["task"]] <= now:
                    self.enqueue(entry)
                    due[entry["task"]] = now + entry["every"]
            # Wake at the next due time, at least every second to notice a stop.
            time.sleep(max(0.0, min(1.0, min(due.values()) - time.monotonic())))

    def load(self, schedule):
        entries = []
        for entry in schedule:
            try:
                task = import_string(entry["task"])
            except ImportError as error:
                raise CommandError(f"JOBS_SCHEDULE: {error}") from None
            if int(entry["every"]) < 1:
                raise CommandError(f"JOBS_SCHEDULE: {entry['task']} every < 1 s")
            entries.append(
                {"task": entry["task"], "every": int(entry["every"]), "t": task}
            )
        return entries

    def enqueue(self, entry):
        result = entry["t"].enqueue()
        self.stdout.write(f"Enqueued {entry['task']} ({result.id}).")

    def stop(self, signum, frame):
        self.running = False
