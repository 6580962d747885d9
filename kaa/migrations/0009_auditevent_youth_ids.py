"""List pages log one event per page view with the ids of the youths shown (`youth_ids`).

Finding the list pages that showed one youth (the log review's "which events concern this
youth") is a JSON containment test, answered by a GIN index on PostgreSQL. The embedded SQLite
of the demo has no such index and no containment lookup; its logs are small.
"""

from django.db import migrations, models

FORWARD = ["CREATE INDEX IF NOT EXISTS audit_youth_ids_gin ON kaa_auditevent "
           "USING gin (youth_ids jsonb_path_ops)"]
BACKWARD = ["DROP INDEX IF EXISTS audit_youth_ids_gin"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('kaa', '0008_role_grants_and_account_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='youth_ids',
            field=models.JSONField(blank=True, default=list, verbose_name='ungdomar i listan'),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
