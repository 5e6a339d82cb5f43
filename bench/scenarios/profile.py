"""Scenario: where a list page's time goes (issue 19, "a lighter page frame").

Each list page is requested many times while a sampling thread looks at the request's
call stack every half millisecond, and puts the time since its last look in one bucket,
named by the innermost frame that names one:

  SQL         Django's database cursor (django/db/backends) and the driver: the
              statement's round trip
  ORM         building the statements and the row objects (django/db/models)
  formatting  numbers, amounts and dates as the language writes them
              (django.utils.formats, numberformat, dateformat, web.amounts,
              humanize, the `amount`/`number` filters)
  templates   the rest of rendering (django/template, django/templatetags)
  Python      everything else: middleware, session, user, view, forms, URLs

A sampler rather than cProfile: a deterministic profiler slows every Python call
(the template engine makes many) and not the database, which skews the split; this
one adds about a tenth to the page. The interpreter's switch interval is shortened
while it runs, so the sampler gets its turn when it asks for it, not at the next
database call (which would credit SQL with the time before it).

The page's median time without the sampler and its SQL replayed alone are printed
next to it; the entry list's target (issue 19) is at most three times its own SQL.
"""

import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import PurePath

import support
from django.contrib.auth.models import User
from django.urls import reverse

TARGET = 3  # the entry list page against its own SQL
INTERVAL = 0.0005  # seconds between looks at the stack
SWITCH_INTERVAL = 0.00002  # while sampling (Python's default is 0.005)
BUCKETS = ("SQL", "ORM", "formatting", "templates", "Python")
# (bucket, path parts a frame's file must contain); the innermost frame that
# matches a rule decides, the first rule it matches names the bucket.
RULES = (
    ("SQL", ("django", "db", "backends")),
    ("SQL", ("psycopg2",)),
    ("formatting", ("django", "utils", "formats.py")),
    ("formatting", ("django", "utils", "numberformat.py")),
    ("formatting", ("django", "utils", "dateformat.py")),
    ("formatting", ("django", "contrib", "humanize")),
    ("formatting", ("web", "amounts.py")),
    ("formatting", ("web", "templatetags", "numbers.py")),
    ("ORM", ("django", "db", "models")),
    ("templates", ("django", "template")),
    ("templates", ("django", "templatetags")),
)


class Sampler:
    """Seconds per bucket of what the thread that entered it does until it leaves,
    and the innermost functions seen most (`hottest`)."""

    def __init__(self, interval=INTERVAL):
        self.interval = interval
        self.totals = dict.fromkeys(BUCKETS, 0.0)
        self.functions = Counter()
        self._buckets = {}
        self._target = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)

    def _sample(self):
        last = time.perf_counter()
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._target)
            now = time.perf_counter()
            if frame is not None:
                code = frame.f_code
                self.functions[f"{short(code.co_filename)}:{code.co_name}"] += 1
                self.totals[self.bucket(frame)] += now - last
            last = now

    def bucket(self, frame):
        while frame is not None:
            name = frame.f_code.co_filename
            if name not in self._buckets:
                self._buckets[name] = bucket_of(name)
            if self._buckets[name] is not None:
                return self._buckets[name]
            frame = frame.f_back
        return "Python"

    def hottest(self, count=8):
        """The innermost functions seen most often, with their share of the looks."""
        looks = sum(self.functions.values()) or 1
        return [
            f"{function} {seen / looks:.0%}"
            for function, seen in self.functions.most_common(count)
        ]


def short(path):
    """A frame's file from the package on: django/template/base.py."""
    parts = PurePath(path).parts
    for anchor in ("site-packages", support.ROOT.name):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + 1 :])
    return path


def contains(parts, wanted):
    """Whether `wanted` occurs as consecutive parts of the path `parts`."""
    size = len(wanted)
    return any(
        tuple(parts[index : index + size]) == wanted
        for index in range(len(parts) - size + 1)
    )


def bucket_of(path):
    """The bucket a frame's file names, or None (an outer frame decides)."""
    parts = PurePath(path).parts
    return next((bucket for bucket, wanted in RULES if contains(parts, wanted)), None)


def pages():
    """Label → URL of the list pages profiled."""
    return {
        "entry list": reverse("interactions:entry_list"),
        "contact list": reverse("crm:contact_list"),
        "postponed list": reverse("interactions:postponed_list"),
        "segment list": reverse("segments:segment_list"),
        "logged segment list": reverse("segments:loggedsegment_list"),
        "audit trail": reverse("audit:list"),
    }


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(client, url, repeat):
    """The page's median, its SQL alone, its query count and, from ten times `repeat`
    sampled requests, the seconds per bucket of one request."""
    _response, statements = support.fetch(client, url)
    page = statistics.median(
        timed(lambda: support.fetch(client, url)) for _run in range(repeat * 4)
    )
    sql = support.median_seconds(lambda: support.run_sql(statements), repeat)
    runs = repeat * 10
    with Sampler() as sampler:
        for _run in range(runs):
            support.fetch(client, url)
    return {
        "page": page,
        "sql": sql,
        "queries": len(statements),
        "split": {bucket: seconds / runs for bucket, seconds in sampler.totals.items()},
        "hottest": sampler.hottest(),
    }


def run(args):
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = support.logged_in_client(user)
    measured = {
        label: measure(client, url, args.repeat) for label, url in pages().items()
    }
    print(
        f"\n  {'ms a request':<22}{'median':>8}{'SQL alone':>10}{'page/SQL':>9}"
        f"{'sampled':>9}" + "".join(f"{bucket:>12}" for bucket in BUCKETS)
    )
    results = []
    for label, row in measured.items():
        sampled = sum(row["split"].values())
        cells = "".join(
            f"{seconds * 1000:>7.1f}{seconds / sampled:>5.0%}"
            for seconds in row["split"].values()
        )
        print(
            f"  {label:<22}{row['page'] * 1000:>8.1f}{row['sql'] * 1000:>10.1f}"
            f"{row['page'] / row['sql']:>9.1f}{sampled * 1000:>9.1f}{cells}"
        )
        shares = ", ".join(
            f"{bucket} {seconds * 1000:.1f} ms ({seconds / sampled:.0%})"
            for bucket, seconds in row["split"].items()
        )
        results.append(
            support.Result(
                f"profile: {label} (page / its SQL)",
                row["page"],
                baseline="the page's SQL statements replayed alone",
                baseline_seconds=row["sql"],
                target=TARGET if label == "entry list" else None,
                queries=row["queries"],
                notes=[
                    f"sampled {sampled * 1000:.1f} ms a request: {shares}",
                    f"innermost functions seen most: {', '.join(row['hottest'])}",
                ],
            )
        )
    return results
