from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    """Grant the interactions and logged segment permissions to the two roles."""

    dependencies = [
        ("interactions", "0001_initial"),
        ("segments", "0001_initial"),
        ("crm", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
