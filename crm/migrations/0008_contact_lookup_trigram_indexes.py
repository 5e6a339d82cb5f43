"""Trigram indexes for the contact lookup (crm.lookups.ContactLookup), on PostgreSQL.

The lookup searches `UPPER(column::text) LIKE UPPER('%text%')` (Django's icontains);
a GIN index with pg_trgm's operator class on that same expression answers it without
reading every contact. SQLite has no such index and keeps a plain LIKE, so this
migration does nothing there. The indexes are not in the model's Meta: Django cannot
describe an operator class on an expression for both databases.
"""

from django.db import migrations

# index name → the expression Django's icontains compares
INDEXES = {
    "contact_no_trgm": 'UPPER("no"::text)',
    "contact_name_trgm": 'UPPER("name"::text)',
    "contact_city_trgm": 'UPPER("city"::text)',
    "contact_email_trgm": 'UPPER("email"::text)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "crm_contact" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0007_contact_import_permission"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
