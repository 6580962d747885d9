"""The sample reviews of the access log and their findings moved to the records app (records
0001 takes them over with their tables, kaa_auditsample and kaa_auditsamplefinding, untouched):
here they leave kaa's state only. Audit events name such objects by model label from now on as
records.*; the database's purge function is written again so that it keeps the log's own
history for its minimum under both the old and the new labels (kaa.audit)."""

from django.db import migrations


def purge_function_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kaa.audit import purge_function_sql

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(purge_function_sql(schema))


class Migration(migrations.Migration):

    dependencies = [
        ("kaa", "0013_audit_sample_findings"),
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AuditSampleFinding"),
                migrations.DeleteModel(name="AuditSample"),
            ],
        ),
        # Backwards the function keeps the longer list: it then keeps more, never less.
        migrations.RunPython(purge_function_written, migrations.RunPython.noop),
    ]
