"""Demo home visits: one planned for tomorrow and one made last week (checked in and out, its
outcome logged as a contact by both staff). Idempotent: a municipality that has any home visit
gets none."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaa.models import Municipality, User
from outreach.homevisits.models import HomeVisit
from outreach.homevisits.services import outcome_record, visit_plan
from outreach.models import ContactAttempt
from youth.models import KaaPeriod, Youth


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def demo_home_visits_ensure(*, municipality: Municipality) -> int:
    """Two visits by the demo coaches of Team Norr to youths in KAA without protected
    identity (never to a protected youth's registered address)."""
    if HomeVisit.objects.filter(youth__municipality=municipality).exists():
        return 0
    staff = User.objects.filter(username="coach.norr", municipality=municipality).first()
    second = User.objects.filter(username="coach.norr2", municipality=municipality).first()
    if staff is None or second is None:
        return 0
    in_kaa = KaaPeriod.objects.kaa().filter(end_date__isnull=True).values("youth_id")
    youths = [
        youth
        for youth in Youth.objects.filter(
            municipality=municipality, pk__in=in_kaa, protected_identity=False
        ).order_by("pk")[:20]
        if not youth.location_protected
    ][:2]
    if len(youths) < 2:
        return 0
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    visit_plan(
        youth=youths[0],
        staff=staff,
        second_staff=second,
        starts_at=_at(tomorrow, 15),
        ends_at=_at(tomorrow, 16, 30),
        place=HomeVisit.Place.HOME,
    )
    last_week = today - dt.timedelta(days=6)
    done = HomeVisit.objects.create(
        youth=youths[1],
        staff=staff,
        second_staff=second,
        starts_at=_at(last_week, 14),
        ends_at=_at(last_week, 15),
        place=HomeVisit.Place.HOME,
        checked_in_at=_at(last_week, 14, 5),
        checked_in_by=staff,
        checked_out_at=_at(last_week, 14, 40),
        checked_out_by=second,
        created_by=staff,
    )
    outcome_record(
        visit=done,
        user=staff,
        outcome=ContactAttempt.Outcome.NOBODY_HOME,
        note="Ingen hemma; knackakort med datum och tid lämnat.",
    )
    return 2
