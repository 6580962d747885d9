"""Consents, plans and interventions, and the school's notifications. The factories write
rows; `consent_make` and `plan_make` go through the services (audited, versioned, the
plan's follow-up task planned)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from demo.factories.youth import GuardianFactory
from kaa.models import User
from plans.actionplans.services import intervention_save, plan_create
from plans.catalogue.services import catalogue_ensure
from plans.consent.services import consent_record
from plans.consent.validity import consent_current
from plans.models import ActionPlan, Consent, Intervention, InterventionType, SchoolNotification
from youth.models import Guardian, Youth


class ConsentFactory(DjangoModelFactory[Consent]):
    """A consent given today to share with the school and the employment service."""

    class Meta:
        model = Consent

    youth = factory.SubFactory("demo.factories.youth.YouthFactory")
    period = None
    given_on = factory.LazyFunction(timezone.localdate)
    place = "Askersund"
    school = True
    employment_service = True


class ActionPlanFactory(DjangoModelFactory[ActionPlan]):
    """An active KAA plan with its first follow-up in 30 days."""

    class Meta:
        model = ActionPlan

    youth = factory.SubFactory("demo.factories.youth.YouthFactory")
    period = None
    case_worker = factory.SelfAttribute("youth.coach")
    goal = "Mål"
    start_date = factory.LazyFunction(timezone.localdate)
    next_follow_up = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=30))


class InterventionTypeFactory(DjangoModelFactory[InterventionType]):
    """A type of intervention in the municipality's catalogue (`measure_code` is the SCB
    report's measure)."""

    class Meta:
        model = InterventionType

    municipality = factory.SubFactory("demo.factories.kaa.MunicipalityFactory")
    name = factory.Sequence(lambda n: f"Insats {n}")


class InterventionFactory(DjangoModelFactory[Intervention]):
    class Meta:
        model = Intervention

    plan = factory.SubFactory(ActionPlanFactory)
    type = factory.SubFactory(
        InterventionTypeFactory, municipality=factory.SelfAttribute("..plan.youth.municipality")
    )
    purpose = "Komma vidare"


class SchoolNotificationFactory(DjangoModelFactory[SchoolNotification]):
    """A school's notification that a pupil stopped attending, sent today."""

    class Meta:
        model = SchoolNotification

    municipality = factory.SubFactory("demo.factories.kaa.MunicipalityFactory")
    kind = "stopped"
    personnummer = "200901012384"
    first_name = "Nour"
    last_name = "Al-Sayed"
    school = "Alléskolan"
    event_date = factory.LazyFunction(timezone.localdate)
    contact_name = "Eva"


def consent_make(
    youth: Youth,
    *,
    actor: User,
    given_on: dt.date | None = None,
    place: str = "Askersund",
    **parties: Any,
) -> Consent:
    """A consent recorded through the service (with a guardian's consent when the youth is
    under 18); to the school and the employment service unless `parties` are named."""
    given_on = given_on or timezone.localdate()
    guardian: Guardian | None = None
    if youth.age_on(given_on) < 18:
        existing = Guardian.objects.filter(youth=youth).first()
        if not isinstance(existing, Guardian):
            existing = GuardianFactory.create(youth=youth)
        guardian = existing
    parties = parties or {"school": True, "employment_service": True}
    return consent_record(
        youth=youth,
        actor=actor,
        given_on=given_on,
        place=place,
        guardian=guardian,
        **parties,
    )


def plan_make(
    youth: Youth,
    *,
    actor: User,
    interventions: int | list[InterventionType] = 0,
    intervention_start: dt.date | None = None,
    intervention_follow_up: dt.date | None = None,
    **fields: Any,
) -> ActionPlan:
    """An active KAA plan made through the service (a consent is made first if the youth has
    none), with the first `interventions` types of the catalogue (or the types given)."""
    if consent_current(youth) is None:
        consent_make(youth, actor=actor)
    today = timezone.localdate()
    fields.setdefault("goal", "Börja studera på komvux till hösten.")
    fields.setdefault("start_date", today)
    fields.setdefault("next_follow_up", today + dt.timedelta(days=30))
    fields.setdefault("case_worker", actor)
    plan = plan_create(youth=youth, actor=actor, **fields)
    catalogue_ensure(youth.municipality)
    if isinstance(interventions, int):
        interventions = list(
            InterventionType.objects.filter(municipality=youth.municipality)[:interventions]
        )
    for kind in interventions:
        intervention_save(
            plan=plan,
            actor=actor,
            type=kind,
            purpose="Komma vidare",
            actual_start=intervention_start or today,
            follow_up_on=intervention_follow_up or today + dt.timedelta(days=14),
        )
    return plan
