"""Load the shipped reference lists (youth/reference.py)."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from youth.reference import reference_data_ensure

    reference_data_ensure(apps.get_model("youth", "Reason"),
                          apps.get_model("youth", "OccupationType"))


class Migration(migrations.Migration):
    dependencies = [("youth", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
