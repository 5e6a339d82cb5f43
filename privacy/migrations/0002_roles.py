from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    # The CRM admin group gets the export and erase permissions (crm.roles).
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
