"""KAA periods get a kind: KAA (every existing period) or UKAA, the extended responsibility
after 20; and the two reasons of a UKAA period (youth/reference.py UKAA_REASONS)."""

from __future__ import annotations

from django.db import migrations, models


def forwards(apps, schema_editor):
    from youth.reference import UKAA_REASONS

    reason = apps.get_model("youth", "Reason")
    for kind, code, label, order in UKAA_REASONS:
        reason.objects.get_or_create(
            kind=kind,
            code=code,
            defaults={"label": label, "sort_order": order, "is_active": False},
        )


def backwards(apps, schema_editor):
    from youth.reference import UKAA_REASONS

    reason = apps.get_model("youth", "Reason")
    for kind, code, _label, _order in UKAA_REASONS:
        reason.objects.filter(kind=kind, code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("youth", "0015_import_partial_list_and_row_reasons")]

    operations = [
        migrations.AddField(
            model_name="kaaperiod",
            name="kind",
            field=models.CharField(
                choices=[("kaa", "KAA"), ("ukaa", "Utökat aktivitetsansvar (UKAA)")],
                default="kaa",
                max_length=10,
                verbose_name="typ av period",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
