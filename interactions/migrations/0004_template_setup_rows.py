from django.db import migrations

from crm.roles import sync_roles

# The document types of 0003, frozen here: a migration must not follow later code.
DOCUMENT_TYPES = [
    "sales_quote",
    "sales_blanket_order",
    "sales_order_confirmation",
    "sales_invoice",
    "sales_shipment",
    "sales_credit_memo",
    "sales_statement",
    "sales_reminder",
    "purchase_quote",
    "purchase_blanket_order",
    "purchase_order",
    "purchase_invoice",
    "purchase_receipt",
    "purchase_credit_memo",
    "cover_sheet",
    "email",
    "outgoing_call",
    "meeting_invitation",
]


def create_rows(apps, schema_editor):
    InteractionTemplateSetup = apps.get_model("interactions", "InteractionTemplateSetup")
    InteractionTemplateSetup.objects.bulk_create(
        [InteractionTemplateSetup(document_type=value) for value in DOCUMENT_TYPES],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("interactions", "0003_template_setup_and_letters")]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
