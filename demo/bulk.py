"""The bulk path of generate_data: rows as PostgreSQL COPY text, loaded by COPY on
PostgreSQL and by batched `executemany` on SQLite, and the table's indexes and foreign
keys set aside while a large load runs."""

import contextlib
import datetime
import re

from django.db import connection, models


@contextlib.contextmanager
def bulk_load(model):
    """On PostgreSQL, drop the table's secondary indexes and foreign keys for the load
    and create them again after (PostgreSQL manual, "Populating a Database"): building
    an index once is far cheaper than updating it row by row, and adding a foreign
    key checks all rows in one join instead of one trigger per row.

    Inside the caller's transaction, so a failed load leaves them as they were; the
    table is locked against other sessions meanwhile.
    """
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
            "FROM pg_index WHERE indrelid = %s::regclass "
            "AND NOT indisprimary AND NOT indisunique",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        # Checks still pending from earlier inserts (the contacts) block ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


ENTRY_FIELDS = [
    "contact",
    "contact_company",
    "date",
    "time",
    "description",
    "template",
    "group",
    "information_flow",
    "initiated_by",
    "cost",
    "subject",
    "duration",
    "salesperson",
    "evaluation",
    "attempt_failed",
    "correspondence_type",
    "document_type",
    "document_no",
    "postponed",
    "canceled",
    "created_at",
    "canceled_at",
    "segment_no",
    "attachment",
    "language_code",
    "delivery_status",
    "delivery_error",
]


def copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def sqlite_converter(field):
    """COPY text → the value Django stores in SQLite for `field`."""
    if isinstance(field, models.BooleanField):
        return lambda text: text == "t"
    if isinstance(field, models.DateTimeField):
        return lambda text: (
            datetime.datetime.fromisoformat(text)
            .astimezone(datetime.UTC)
            .replace(tzinfo=None)
            .isoformat(" ")
        )
    if isinstance(field, models.TextField | models.CharField):
        return lambda text: COPY_ESCAPE.sub(lambda m: COPY_ESCAPES[m[1]], text)
    return str


COPY_ESCAPE = re.compile(r"\\(.)")
COPY_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
