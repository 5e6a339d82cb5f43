from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    # CRM admins delete salespeople and number series nothing uses (crm.roles).
    dependencies = [("crm", "0019_marketingsetup_home_country")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
