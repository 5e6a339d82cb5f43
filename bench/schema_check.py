"""Check that the API does what its OpenAPI schema says: schemathesis against a live
server, every check on.

    .venv/bin/python bench/schema_check.py [--max-examples 30] [--seed 16]

The server is gunicorn with production settings on a free port, on DATABASE_URL (a
scratch database: schemathesis writes interactions into it), else on a temporary
SQLite file. A Sales user with a DRF token, a contact with a company, one without
and the templates the documents endpoint needs are created first, so the generated
requests can get past the lookups. Prints schemathesis' summary; exits 1 on any
failure (issue 16, finding 16).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

if "DATABASE_URL" not in os.environ:
    # A file, not :memory:, since gunicorn's workers are other processes.
    SCRATCH = tempfile.TemporaryDirectory(prefix="crm-schema-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(SCRATCH.name) / 'db.sqlite3'}"

import support
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from scenarios.throughput import free_port, start_gunicorn, tail

from interactions.models import DocumentType, InteractionTemplateSetup
from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    MarketingSetupFactory,
    NumberSeriesFactory,
    PersonFactory,
    SalespersonFactory,
)


def seed_data():
    """Rows for the requests to find: both kinds of contact, a template per type,
    and the number series a new task takes its number from."""
    MarketingSetupFactory(task_nos=NumberSeriesFactory(code="TASK", prefix="TK"))
    salesperson = SalespersonFactory(code="AV", name="Anna Visser")
    company = CompanyFactory(no="CT00001", name="Bakkerij Jansen")
    PersonFactory(
        no="CT00010",
        name="Sanne de Vries",
        email="sanne@example.com",
        company=company,
        salesperson=salesperson,
    )
    # A person without a company: the list shows `company: null` for her.
    PersonFactory(no="CT00011", name="Joost Bakker", email="joost@example.com")
    LoggedSegmentFactory(segment_no="LS00001")
    template = InteractionTemplateFactory(
        code="INVOICE", group=InteractionGroupFactory(code="DOCS")
    )
    for document_type in DocumentType.values[1:]:
        InteractionTemplateSetup.objects.update_or_create(
            document_type=document_type, defaults={"template": template}
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    support.ensure_database(recreate=True)
    call_command("migrate", verbosity=0)
    seed_data()
    user = support.sales_user("schema-check")
    token = Token.objects.get_or_create(user=user)[0].key
    port = free_port()
    schema_url = f"http://127.0.0.1:{port}{reverse('api:schema')}?format=json"

    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        server = start_gunicorn(port, log)
        try:
            run = subprocess.run(
                [
                    str(Path(sys.executable).with_name("schemathesis")),
                    "--config-file",
                    str(Path(__file__).with_name("schemathesis.toml")),
                    "run",
                    schema_url,
                    "--wait-for-schema",
                    "60",
                    "--header",
                    f"Authorization: Token {token}",
                    "--checks",
                    "all",
                    "--max-examples",
                    str(args.max_examples),
                    "--seed",
                    str(args.seed),
                    "--generation-database",
                    "none",
                    "--workers",
                    "1",
                    "--continue-on-failure",
                    "--no-color",
                ],
                check=False,
                # bench/ on the path for the hooks module.
                env={
                    **os.environ,
                    "SCHEMATHESIS_HOOKS": "schema_hooks",
                    "PYTHONPATH": str(Path(__file__).parent),
                },
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        if run.returncode != 0:
            print("gunicorn's log, last lines:\n" + tail(log, 40))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
