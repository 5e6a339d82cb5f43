# The segment history keyed by (action, line) alone: no serial key and no index of its
# own on the action (one index where there were two). Django cannot turn a table's
# key into a composite one, so the history moves to a new table and its rows with it
# (every row has a line: the services always wrote one).

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

import interactions.models.fields

COLUMNS = (
    "action_id, added, contact_id, line_id, template_id, description, subject, cost, "
    "duration, information_flow, initiated_by, correspondence_type, salesperson_id, "
    "attachment"
)


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0013_contact_languages'),
        ('interactions', '0009_template_languages_and_delivery'),
        ('segments', '0008_segment_history_without_constraints'),
    ]

    operations = [
        migrations.CreateModel(
            name='SegmentHistoryByLine',
            fields=[
                ('pk', models.CompositePrimaryKey('action', 'line_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('added', models.BooleanField(verbose_name='added')),
                ('line_id', models.BigIntegerField(verbose_name='line')),
                ('description', models.CharField(blank=True, max_length=100, verbose_name='description')),
                ('subject', models.CharField(blank=True, max_length=100, verbose_name='subject')),
                ('cost', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'), message='The cost cannot be negative.')], verbose_name='cost')),
                ('duration', models.PositiveIntegerField(default=0, help_text='Whole minutes.', validators=[django.core.validators.MinValueValidator(0, message='The duration cannot be negative.')], verbose_name='duration (min.)')),
                ('information_flow', models.CharField(blank=True, choices=[('', '—'), ('outbound', 'Outbound'), ('inbound', 'Inbound')], default='', max_length=10, verbose_name='information flow')),
                ('initiated_by', models.CharField(blank=True, choices=[('', '—'), ('us', 'Us'), ('them', 'Them')], default='', max_length=10, verbose_name='initiated by')),
                ('correspondence_type', models.CharField(blank=True, choices=[('', '—'), ('hard_copy', 'Hard copy'), ('email', 'E-mail')], default='', max_length=10, verbose_name='correspondence type')),
                ('attachment', models.FileField(blank=True, max_length=255, upload_to=interactions.models.fields.attachment_upload_to, validators=[interactions.models.fields.validate_attachment_size], verbose_name='attachment')),
                ('action', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='segments.segmentcriteriaaction', verbose_name='criteria action')),
                ('contact', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='crm.contact', verbose_name='contact')),
                ('salesperson', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='crm.salesperson', verbose_name='salesperson')),
                ('template', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='interactions.interactiontemplate', verbose_name='interaction template')),
            ],
            options={
                'verbose_name': 'segment history',
                'verbose_name_plural': 'segment history',
                'default_permissions': (),
            },
        ),
        migrations.RunSQL(
            f"INSERT INTO segments_segmenthistorybyline ({COLUMNS}) "
            f"SELECT {COLUMNS} FROM segments_segmenthistory WHERE line_id IS NOT NULL",
            f"INSERT INTO segments_segmenthistory ({COLUMNS}) "
            f"SELECT {COLUMNS} FROM segments_segmenthistorybyline",
        ),
        migrations.DeleteModel(
            name='SegmentHistory',
        ),
        migrations.RenameModel(
            old_name='SegmentHistoryByLine',
            new_name='SegmentHistory',
        ),
        migrations.AlterField(
            model_name='segmenthistory',
            name='action',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='history', to='segments.segmentcriteriaaction', verbose_name='criteria action'),
        ),
    ]
