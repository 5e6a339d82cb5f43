from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    """Grant the audit trail (crm.view_auditrecord) to the CRM admin group."""

    dependencies = [
        ("crm", "0005_auditrecord"),
        ("interactions", "0006_attachment_size_limit"),
        ("segments", "0004_attachment_size_limit"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
