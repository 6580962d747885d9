"""Fill the derived reach facts (outreach.facts) for contacts logged before they existed."""

import datetime as dt

from django.db import migrations
from django.db.models import Exists, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

LED_TO_CONTACT_DAYS = 14
FAR_FUTURE = dt.date(9999, 12, 31)


def backfill(apps, schema_editor):
    ContactAttempt = apps.get_model("outreach", "ContactAttempt")
    KaaPeriod = apps.get_model("youth", "KaaPeriod")
    Youth = apps.get_model("youth", "Youth")
    day = TruncDate("at")
    first = (ContactAttempt.objects.filter(youth_id=OuterRef("youth_id"), outcome="reached")
             .annotate(day=day).filter(day__gte=OuterRef("start_date"),
                                       day__lte=Coalesce(OuterRef("end_date"), FAR_FUTURE))
             .values("youth_id").annotate(first=Min("day")).values("first")[:1])
    KaaPeriod.objects.update(first_reached_on=Subquery(first))
    last = (ContactAttempt.objects.filter(youth_id=OuterRef("pk"), outcome="reached")
            .annotate(day=day).values("youth_id").annotate(last=Max("day")).values("last")[:1])
    Youth.objects.filter(Exists(ContactAttempt.objects.filter(
        youth_id=OuterRef("pk"), outcome="reached"))).update(last_reached_on=Subquery(last))
    led = Exists(ContactAttempt.objects.filter(
        youth_id=OuterRef("youth_id"), outcome="reached", at__gte=OuterRef("at"),
        at__lt=OuterRef("at") + dt.timedelta(days=LED_TO_CONTACT_DAYS)))
    ContactAttempt.objects.update(led_to_contact=led)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0007_reached_facts"),
        ("youth", "0004_reached_facts"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
