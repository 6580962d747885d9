"""The registration reason "Inflyttad från annan kommun" is no longer offered (see
youth/reference.py NOT_OFFERED); periods that carry it keep it."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from youth.reference import NOT_OFFERED

    reason = apps.get_model("youth", "Reason")
    for kind, code in NOT_OFFERED:
        reason.objects.filter(kind=kind, code=code).update(is_active=False)


def backwards(apps, schema_editor):
    from youth.reference import NOT_OFFERED

    reason = apps.get_model("youth", "Reason")
    for kind, code in NOT_OFFERED:
        reason.objects.filter(kind=kind, code=code).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("youth", "0013_occupation_source_recheck")]

    operations = [migrations.RunPython(forwards, backwards)]
