"""Gallring's rules and runs and the register extracts moved to the records app (records 0001
takes them over with their tables, reporting_retentionpolicy, reporting_retentionrun and
reporting_registerextract, untouched): here they leave reporting's state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0007_retention_run_proposed_by"),
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="RegisterExtract"),
                migrations.DeleteModel(name="RetentionPolicy"),
                migrations.DeleteModel(name="RetentionRun"),
            ],
        ),
    ]
