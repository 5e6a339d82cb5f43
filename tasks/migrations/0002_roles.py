from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    """Grant the task permissions (listed in crm.roles) now that the model exists."""

    dependencies = [("tasks", "0001_initial")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
