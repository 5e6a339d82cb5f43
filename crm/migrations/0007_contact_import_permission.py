from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    """The "import contacts" permission, granted to CRM admins."""

    dependencies = [
        ("crm", "0006_audit_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contact",
            options={
                "ordering": ["no"],
                "permissions": [("import_contact", "Can import contacts")],
                "verbose_name": "contact",
                "verbose_name_plural": "contacts",
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
