"""The records app takes over models from reporting and kaa without touching their data: the
tables keep their names (db_table), so this migration only tells Django's state that the models
are here now (reporting 0008 and kaa 0014 tell it they are gone from there). The content types
are renamed, so that permissions and admin history stay attached to the models.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# app label before the move -> the models' names (lower case) that moved to records.
MOVED = {
    "reporting": ("retentionpolicy", "retentionrun", "registerextract"),
    "kaa": ("auditsample", "auditsamplefinding"),
}


def _content_types_moved(apps, schema_editor, *, backwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for old_label, names in MOVED.items():
        source, target = ("records", old_label) if backwards else (old_label, "records")
        for name in names:
            if not rows.filter(app_label=target, model=name).exists():
                rows.filter(app_label=source, model=name).update(app_label=target)


def content_types_to_records(apps, schema_editor):
    _content_types_moved(apps, schema_editor, backwards=False)


def content_types_back(apps, schema_editor):
    _content_types_moved(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kaa", "0013_audit_sample_findings"),
        ("reporting", "0007_retention_run_proposed_by"),
        ("youth", "0010_identification_ss12000_connection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AuditSample',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_start', models.DateField(verbose_name='från')),
                        ('period_end', models.DateField(verbose_name='till')),
                        ('event_ids', models.JSONField(default=list)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('findings', models.TextField(blank=True, max_length=4000, verbose_name='iakttagelser')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kaa.municipality')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'kaa_auditsample',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='AuditSampleFinding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=4000, verbose_name='iakttagelser')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sample', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='findings_made', to='records.auditsample')),
                    ],
                    options={
                        'db_table': 'kaa_auditsamplefinding',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='RegisterExtract',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beställd')),
                        ('request_key', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                        ('file', models.FileField(blank=True, max_length=200, upload_to='registerutdrag/')),
                        ('built_at', models.DateTimeField(blank=True, null=True, verbose_name='klart')),
                        ('failed_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.CharField(blank=True, max_length=300)),
                        ('file_deleted_at', models.DateTimeField(blank=True, null=True)),
                        ('data_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='youth.datarequest')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beställd av')),
                        ('youth', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='youth.youth')),
                    ],
                    options={
                        'verbose_name': 'registerutdrag',
                        'verbose_name_plural': 'registerutdrag',
                        'db_table': 'reporting_registerextract',
                        'ordering': ['-requested_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RetentionRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('proposed_at', models.DateTimeField(verbose_name='föreslagen')),
                        ('cutoffs', models.JSONField(default=dict)),
                        ('items', models.JSONField(default=dict)),
                        ('counts', models.JSONField(default=dict)),
                        ('status', models.CharField(choices=[('proposed', 'Förslag'), ('approved', 'Godkänd, pågår'), ('done', 'Genomförd'), ('rejected', 'Avslagen'), ('superseded', 'Ersatt av ett nyare förslag'), ('failed', 'Misslyckades, inget ändrat')], default='proposed', max_length=20, verbose_name='status')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='beslutad')),
                        ('reject_reason', models.CharField(blank=True, max_length=300, verbose_name='skäl')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='genomförd')),
                        ('result', models.JSONField(default=dict)),
                        ('error', models.CharField(blank=True, max_length=100, verbose_name='fel')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beslutad av')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kaa.municipality')),
                        ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='föreslagen av')),
                    ],
                    options={
                        'verbose_name': 'gallring',
                        'verbose_name_plural': 'gallringar',
                        'db_table': 'reporting_retentionrun',
                        'ordering': ['-proposed_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RetentionPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('record_type', models.CharField(choices=[('youth', 'Ungdomens registerpost'), ('contacts', 'Kontaktförsök och meddelanden'), ('notes', 'Anteckningar'), ('plans', 'Kartläggningar, handlingsplaner och insatser'), ('consents', 'Samtycken'), ('exports', 'Exportfiler och importfiler'), ('audit', 'Loggen över läsningar och ändringar')], max_length=20, verbose_name='slag av uppgifter')),
                        ('months', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='gallras efter (månader)')),
                        ('decision', models.CharField(blank=True, max_length=200, verbose_name='gallringsbeslut')),
                        ('below_minimum', models.BooleanField(default=False, verbose_name='kortare än KAA:s lägsta tid')),
                        ('updated_at', models.DateTimeField(verbose_name='ändrad')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='kaa.municipality')),
                        ('updated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ändrad av')),
                    ],
                    options={
                        'verbose_name': 'gallringsregel',
                        'verbose_name_plural': 'gallringsregler',
                        'db_table': 'reporting_retentionpolicy',
                        'constraints': [models.UniqueConstraint(fields=('municipality', 'record_type'), name='retention_policy_once')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_records, content_types_back),
    ]
