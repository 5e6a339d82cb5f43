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
    if isinstance(case.body, dict):
        with_known_codes(case.body)
