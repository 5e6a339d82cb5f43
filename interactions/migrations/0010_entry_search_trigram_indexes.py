"""Trigram indexes for the entry search (InteractionLogEntryQuerySet.search), on
PostgreSQL.

The search compares `UPPER(column::text) LIKE UPPER('%text%')` (Django's icontains;
`'te%'` for a short search, istartswith); a GIN index with pg_trgm's operator class on
that same expression answers both without reading every entry. The contact's name
and number have theirs already (crm 0008). SQLite has no such index and keeps a
plain LIKE, so this migration does nothing there. The indexes are built
CONCURRENTLY, so writing entries goes on while they are made: the migration is
not atomic.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# index name → the expression Django's icontains compares
INDEXES = {
    "ile_description_trgm": 'UPPER("description"::text)',
    "ile_subject_trgm": 'UPPER("subject"::text)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON '
            f'"interactions_interactionlogentry" USING gin (({expression}) '
            "gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("interactions", "0009_template_languages_and_delivery"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
