from django.db import migrations


class Migration(migrations.Migration):
    """The audit trail moves to its own app (audit): the table is renamed to
    audit_auditrecord with every row, and crm forgets the model. audit's first
    migration takes the model over without touching the database."""

    dependencies = [("crm", "0011_form_submissions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="auditrecord", table="audit_auditrecord")
            ],
            state_operations=[migrations.DeleteModel(name="AuditRecord")],
        )
    ]
