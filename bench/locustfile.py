"""Simulated sales users for bench/load.py: each logs in once, then reads lists and
cards and writes through the real forms (with their CSRF token) until locust stops it.

bench/load.py starts locust with LOAD_PLAN naming a JSON file: the user names and
password, the URLs, the contacts, companies, salespeople and templates to use, the
marker every description starts with, and where to write the results when the test
stops: the statistics per request type, the errors, and the tally (the entries and
logged segments the users were told were created).

Redirects are followed by hand, as their own requests, so that a page that sends
the user elsewhere (the login page, say) is an error, and a form is timed apart
from the page it leads to.
"""

import html
import itertools
import json
import os
import random
import re
from datetime import date, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
URLS = PLAN["urls"]
ACCOUNTS = itertools.cycle(PLAN["usernames"])

TALLY = {"interactions": [], "segments": {}}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUERY = re.compile(r'name="query" value="([^"]*)"')
LOGGED_INTERACTION = re.compile(r"Interaction (\d+) has been logged for")
SEGMENT_CREATED = re.compile(r"Segment (\S+) [^<]*has been created\b")
ADDED = re.compile(r"(\d+) contacts? added to segment (\S+)\.")
SEGMENT_LOGGED = re.compile(r"Segment (\S+) has been logged\.")
DUPLICATE = re.compile(r'name="duplicate_of" value="(\d+)"')  # "Log anyway"
FORM_ERROR = re.compile(
    r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</(?:span|div)>',
    re.S,
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PERCENTILES = {"p50_ms": 0.5, "p95_ms": 0.95, "p99_ms": 0.99}


@events.test_stop.add_listener
def write_results(environment, **_kwargs):
    """Fired once every user has stopped, so nothing is left out (locust's own CSV
    files are written every second and may miss the last requests)."""
    stats = environment.runner.stats
    errors = [
        {"count": error.occurrences, "error": error.to_name()}
        for error in stats.errors.values()
    ] + [
        {"count": exception["count"], "error": f"exception: {exception['msg']}"}
        for exception in environment.runner.exceptions.values()
    ]
    Path(PLAN["results"]).write_text(
        json.dumps(
            {
                "requests": [
                    statistics(entry, f"{entry.method} {entry.name}")
                    for _key, entry in sorted(stats.entries.items())
                ]
                + [statistics(stats.total, "all requests")],
                "errors": sorted(errors, key=lambda error: -error["count"]),
                "tally": TALLY,
            }
        )
    )


def statistics(entry, name):
    """One request type's figures; latencies in milliseconds, None without requests."""
    answered = entry.num_requests > 0
    return {
        "name": name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "per_second": entry.total_rps,
        **{
            key: entry.get_response_time_percentile(percent) if answered else None
            for key, percent in PERCENTILES.items()
        },
        "max_ms": entry.max_response_time if answered else None,
    }


class Failed(Exception):
    """A page that answered, but not as the working application does."""


class SalesUser(FastHttpUser):
    """A sales person: mostly reading lists and cards, now and then logging an
    interaction or building a small segment and logging it."""

    wait_time = between(0.5, 2)
    network_timeout = connection_timeout = 30.0  # seconds: slower is an error

    def on_start(self):
        # The server runs with production settings, so its cookies are Secure; the
        # load is plain HTTP to 127.0.0.1, where browsers send Secure cookies too.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
        self.username = next(ACCOUNTS)
        self.written = 0
        self.submit(
            URLS["login"],
            "login",
            self.form(URLS["login"], "login form"),
            {"username": self.username, "password": PLAN["password"]},
            then="home",
        )

    # -- reading --------------------------------------------------------------

    @task(6)
    def entry_list(self):
        filters = random.choice(
            [
                {},
                {"contact": random.choice(PLAN["contacts"])["no"]},
                {"company": random.choice(PLAN["companies"])},
                {"salesperson": random.choice(PLAN["salespeople"])},
                {"template": random.choice(PLAN["templates"])},
                {"date_from": (date.today() - timedelta(days=30)).isoformat()},
                {"canceled": "true"},
                {"page": 2},
            ]
        )
        self.get(f"{URLS['entry_list']}?{urlencode(filters)}", "entry list")

    @task(3)
    def contact_card(self):
        self.get(random.choice(PLAN["contacts"])["url"], "contact card")

    @task
    def postponed_list(self):
        filters = urlencode({"salesperson": random.choice(PLAN["salespeople"])})
        self.get(f"{URLS['postponed_list']}?{filters}", "postponed list")

    @task
    def segment_list(self):
        self.get(URLS["segment_list"], "segment list")

    @task
    def logged_segment_list(self):
        self.get(URLS["loggedsegment_list"], "logged segment list")

    @task
    def template_list(self):
        self.get(URLS["template_list"], "template list")

    # -- writing --------------------------------------------------------------

    @task(2)
    def create_interaction(self):
        """Create interaction from a contact: the form has the contact locked."""
        contact = random.choice(PLAN["contacts"])
        path = f"{URLS['entry_create']}?{urlencode({'contact': contact['no']})}"
        now = datetime.now()
        data = {
            "template": random.choice(PLAN["templates"]),
            "description": self.description("call"),
            "salesperson": random.choice(PLAN["salespeople"]),
            "date": now.date().isoformat(),
            "time": now.strftime("%H:%M"),
            "interaction_successful": "on",
            "action": "finish",
        }
        logged = self.submit(
            path,
            "create interaction",
            self.form(path, "interaction form"),
            data,
            then="entry list",
            expect=LOGGED_INTERACTION,
            question=DUPLICATE,
        )
        if logged is not None and logged.re is DUPLICATE:
            # The contact has such an interaction today already: "Log anyway".
            logged = self.submit(
                path,
                "log anyway",
                CSRF.search(logged.string).group(1),
                {**data, "duplicate_of": logged.group(1)},
                then="entry list",
                expect=LOGGED_INTERACTION,
            )
        if logged is not None:
            TALLY["interactions"].append(int(logged.group(1)))

    @task
    def log_small_segment(self):
        """A new segment with the persons of one company, logged at once."""
        created = self.submit(
            URLS["segment_create"],
            "create segment",
            self.form(URLS["segment_create"], "segment form"),
            {
                "description": self.description("segment"),
                "date": date.today().isoformat(),
                "salesperson": random.choice(PLAN["salespeople"]),
                "template": random.choice(PLAN["templates"]),
                # What the form shows; left so, the template's values are taken.
                "unit_cost": "0",
                "unit_duration": "0",
            },
            then="segment card",
            expect=SEGMENT_CREATED,
        )
        if created is None:
            return
        no = created.group(1)
        add = URLS["add_contacts"].format(no=no)
        criteria = urlencode({"company": random.choice(PLAN["companies"])})
        query = self.get(f"{add}?{criteria}", "add contacts preview", expect=QUERY)
        if query is None:
            return
        added = self.submit(
            add,
            "add contacts",
            CSRF.search(query.string).group(1),
            {"query": html.unescape(query.group(1))},
            then="segment card",
            expect=ADDED,
        )
        if added is None:
            return
        log = URLS["segment_log"].format(no=no)
        logged = self.submit(
            log,
            "log segment",
            self.form(log, "log dialog"),
            {},
            then="logged segment list",
            expect=SEGMENT_LOGGED,
        )
        if logged is not None:
            TALLY["segments"][logged.group(1)] = int(added.group(1))

    # -- the requests -----------------------------------------------------------

    def description(self, kind):
        """A description that marks the row as this run's, unique per user."""
        self.written += 1
        return f"{PLAN['marker']} {kind} {self.username} {self.written}"

    def get(self, path, name, *, expect=None):
        """GET a page, which must answer 200: the match of `expect` on it (else the
        response); None when it failed (locust has counted the failure)."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            return checked(response, 200, expect)

    def form(self, path, name):
        """The CSRF token of the form page at `path`; None when it failed."""
        token = self.get(path, name, expect=CSRF)
        return None if token is None else token.group(1)

    def submit(self, path, name, token, data, *, then, expect=None, question=None):
        """POST `data` with the form's CSRF `token`; the answer must redirect, and
        the page it leads to is fetched as the request named `then`. Returns what
        get() returns for that page, or the match of `question` when the form came
        back asking it; None when there was no form or it failed."""
        if token is None:
            return None
        with self.client.post(
            path,
            data=urlencode({**data, "csrfmiddlewaretoken": token}),
            headers=FORM,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            asked = question and response.status_code == 200
            if asked and (found := question.search(response.text)):
                response.success()
                return found
            if checked(response, 302) is None:
                return None
            location = response.headers["Location"]
        return self.get(location, then, expect=expect)


def checked(response, status, expect=None):
    """`response` marked a success or a failure in locust's statistics: the match
    of `expect` on it (else the response); None when it failed."""
    try:
        if response.status_code == 302 != status:
            raise Failed(f"sent to {response.headers['Location']}")
        if response.status_code == 200 != status:
            raise Failed(f"the form came back: {form_error(response.text)}")
        if response.status_code != status:
            raise Failed(
                f"HTTP {response.status_code}"
                if response.status_code
                else f"no answer: {response.error!r}"
            )
        found = expect.search(response.text) if expect else response
        if found is None:
            raise Failed(f"the page does not say {expect.pattern!r}")
    except Failed as failure:
        response.failure(str(failure))
        return None
    response.success()
    return found


def form_error(text):
    """The first error message the page shows, as text."""
    error = FORM_ERROR.search(text)
    if error is None:
        return "no error shown"
    return " ".join(re.sub(r"<[^>]+>", " ", error.group(1)).split())
