"""Demo plans: partner organisations, the intervention catalogue, and for a few youths a
mapping conversation, a consent and an action plan with interventions (one overdue)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db import transaction
from django.utils import timezone

from demo.factories.plans import consent_make, plan_make
from kaa.models import Municipality, User
from plans.catalogue.services import catalogue_ensure
from plans.conversations.services import conversation_record
from plans.models import ActionPlan, InterventionType, Partner
from youth.models import KaaPeriod, OccupationType, Youth
from youth.personnummer import years_before

PARTNERS = [
    ("Arbetsförmedlingen", "af"),
    ("Socialtjänsten", "social"),
    ("Gymnasieskolan", "school"),
    ("Arbetsmarknadsenheten", "ame"),
    ("Vårdcentralen", "health"),
]


@transaction.atomic
def demo_plans_ensure(*, municipality: Municipality, count: int = 6) -> int:
    """Idempotent: does nothing once the municipality has plans."""
    catalogue_ensure(municipality)
    for name, kind in PARTNERS:
        Partner.objects.get_or_create(
            municipality=municipality, name=name, defaults={"kind": kind}
        )
    if ActionPlan.objects.filter(youth__municipality=municipality).exists():
        return 0
    today = timezone.localdate()
    youths = list(
        Youth.objects.filter(
            municipality=municipality,
            coach__isnull=False,
            protected_identity=False,
            birth_date__lte=years_before(today - dt.timedelta(days=41), 18),
            periods__end_date__isnull=True,
        )
        .select_related("coach")
        .order_by("pk")[:count]
    )
    types = list(InterventionType.objects.filter(municipality=municipality))
    seeking = OccupationType.objects.get(code="ARBETSSOKANDE")
    for index, youth in enumerate(youths):
        coach = cast(User, youth.coach)  # the query picks youths with a coach
        period = KaaPeriod.objects.get(youth=youth, end_date__isnull=True)
        start = max(period.start_date, today - dt.timedelta(days=40))
        conversation_record(
            youth=youth,
            actor=coach,
            held_on=start,
            conducted_by=coach,
            school_status="dropped_out",
            occupation_type=seeking,
            future_thoughts="Vill jobba med människor.",
            would_study_again="maybe",
        )
        consent_make(
            youth,
            actor=coach,
            given_on=start,
            place=municipality.name,
            school=True,
            employment_service=True,
            labour_market_unit=index % 2 == 0,
        )
        plan = plan_make(
            youth,
            actor=coach,
            case_worker=coach,
            start_date=start,
            goal="Hitta en väg tillbaka till studier eller arbete.",
            next_follow_up=today + dt.timedelta(days=3 + 4 * index),
            interventions=[types[2], types[8 if index % 2 else 5]],
            intervention_start=start,
            intervention_follow_up=today + dt.timedelta(days=10),
        )
        if index == 0:  # one follow-up is late, so the coordinator's list has something
            ActionPlan.objects.filter(pk=plan.pk).update(
                next_follow_up=today - dt.timedelta(days=5)
            )
    return len(youths)
