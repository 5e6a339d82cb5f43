from django.db import migrations

from crm.roles import sync_roles


class Migration(migrations.Migration):
    """Grant the segment permissions (listed in crm.roles) now that the models exist."""

    dependencies = [
        ("segments", "0002_segment_segmentline"),
        ("interactions", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
