"""schemathesis hooks for bench/schema_check.py (loaded by SCHEMATHESIS_HOOKS).

Codes and numbers name rows: an unknown one is a 400 field error by design ("There
is no contact with the number …"), which no schema can foresee. In a request meant
to be valid, such a parameter takes a code schema_check.py created; every other
value stays as generated, and requests meant to be invalid are left alone.
"""

import schemathesis
from schemathesis.generation.modes import GenerationMode

# The rows schema_check.seed_data creates, by parameter name.
KNOWN = {
    "company": "CT00001",
    "contact": "CT00010",
    "salesperson": "AV",
    "group": "DOCS",
    "template": "INVOICE",
    "segment_no": "LS00001",
    # A date formula is read by its parser (tasks.formulas); a pattern in the schema
    # could only approximate its grammar.
    "recurring_date_interval": "1W",
}


def with_known_codes(values):
    for name, code in KNOWN.items():
        # Left out, blank or null already mean "none" or "no filter"; the coverage
        # phase also sends numbers and lists.
        if values.get(name) not in (None, ""):
            values[name] = code


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    if case.query:
        with_known_codes(case.query)
        # A cursor is an opaque token taken from an earlier answer's links.
        case.query.pop("cursor", None)
    if isinstance(case.body, dict):
        with_known_codes(case.body)
        if case.operation.path.startswith("/api/v1/tasks"):
            with_task_rules(case.body)


def with_task_rules(body):
    """A task's rules across its fields, which the schema cannot state: a recurring
    task has a date formula; a task with an interaction template or a type has a
    contact (the interaction is logged with it, the call made to it); a meeting
    that is not all day has a start time (a change may be to a meeting, so a
    cleared start time gets one too); a task ends before the year 9999, so its
    date and duration stay where a calendar has days."""
    if body.get("recurring") is True and not body.get("recurring_date_interval"):
        body["recurring_date_interval"] = KNOWN["recurring_date_interval"]
    if (
        body.get("template") not in (None, "")
        or body.get("type") not in (None, "")
        or ("contact" in body and body["contact"] is None)
    ):
        body["contact"] = KNOWN["contact"]
    timed = body.get("type") == "meeting" or "start_time" in body
    if timed and body.get("start_time") is None and body.get("all_day") is not True:
        body["start_time"] = "09:00"
    if str(body.get("date", "")) >= "9000":
        body["date"] = "2026-12-10"
    if isinstance(body.get("duration"), int) and body["duration"] > 24 * 60:
        body["duration"] = 60
