"""Factories for the core models."""

from __future__ import annotations

import time

import factory
from factory.django import DjangoModelFactory

from kaa.models import Municipality, Team, User


class MunicipalityFactory(DjangoModelFactory):
    """A municipality with a unique four-digit code."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 9000) + 1000:04d}")
    name = factory.Faker("city", locale="sv_SE")


class TeamFactory(DjangoModelFactory):
    """A team in a municipality."""

    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    """A staff member; coach by default."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    role = "coach"
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", "ett-langt-testlosenord-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def reason(code: str, kind: str = "registration"):
    """A seeded reference reason (the migrations ship them)."""
    from youth.models import Reason

    return Reason.objects.get(kind=kind, code=code)


def occupation_type(code: str):
    from youth.models import OccupationType

    return OccupationType.objects.get(code=code)


_serial = iter(range(100, 10**6))


def youth_make(
    *,
    municipality,
    birth_date=None,
    coach=None,
    team=None,
    open_period=True,
    start_date=None,
    **fields,
):
    """A registered youth (through the service) with an open KAA period by default."""
    import datetime as dt

    from django.utils import timezone

    from demo.youths import personnummer_for
    from youth.register.services import youth_register

    today = timezone.localdate()
    birth_date = birth_date or today.replace(year=today.year - 17) - dt.timedelta(days=40)
    # Serials 000-499 here, 500-999 in the identification tests' files: the two never make
    # the same number for one birth date within a test.
    number = personnummer_for(birth_date, next(_serial) % 500)
    fields.setdefault("first_name", "Test")
    fields.setdefault("last_name", f"Ungdom{number[-4:]}")
    youth, period = youth_register(
        municipality=municipality,
        personnummer=number,
        registration_reason=reason("AVBROTT_NATIONELLT"),
        start_date=start_date or today - dt.timedelta(days=30),
        actor=None,
        **fields,
    )
    if coach is not None or team is not None:
        youth.coach, youth.team = coach, team or getattr(coach, "team", None)
        youth.save(update_fields=["coach", "team"])
    if not open_period:
        from youth.register.services import period_close

        period_close(
            period=period,
            end_date=today,
            actor=None,
            reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
        )
    return youth


def consent_make(youth, *, actor, given_on=None, **parties):
    """A consent for `youth` (with a guardian's consent when the youth is under 18)."""
    from django.utils import timezone

    from plans.consent.services import consent_record
    from youth.models import Guardian

    given_on = given_on or timezone.localdate()
    guardian = None
    if youth.age_on(given_on) < 18:
        guardian = Guardian.objects.filter(youth=youth).first() or Guardian.objects.create(
            youth=youth, name="Vera Vårdnadshavare"
        )
    parties = parties or {"school": True, "employment_service": True}
    return consent_record(
        youth=youth,
        actor=actor,
        given_on=given_on,
        place="Askersund",
        guardian=guardian,
        **parties,
    )


def plan_make(youth, *, actor, interventions=0, **fields):
    """An active KAA plan (a consent is made first if the youth has none)."""
    import datetime as dt

    from django.utils import timezone

    from plans.actionplans.services import intervention_save, plan_create
    from plans.catalogue.services import catalogue_ensure
    from plans.consent.validity import consent_current
    from plans.models import InterventionType

    if consent_current(youth) is None:
        consent_make(youth, actor=actor)
    today = timezone.localdate()
    fields.setdefault("goal", "Börja studera på komvux till hösten.")
    fields.setdefault("start_date", today)
    fields.setdefault("next_follow_up", today + dt.timedelta(days=30))
    fields.setdefault("case_worker", actor)
    plan = plan_create(youth=youth, actor=actor, **fields)
    catalogue_ensure(youth.municipality)
    types = list(InterventionType.objects.filter(municipality=youth.municipality)[:interventions])
    for kind in types:
        intervention_save(
            plan=plan,
            actor=actor,
            type=kind,
            purpose="Komma vidare",
            actual_start=today,
            follow_up_on=today + dt.timedelta(days=14),
        )
    return plan


def with_reason(client, youth):
    """The stated reason a youth with protected identity needs before it opens (the page then
    shows what can locate the youth)."""
    from django.urls import reverse

    response = client.post(reverse("youth:reason", args=[youth.pk]), {"reason": "case"})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def wait_for(predicate, seconds: float = 60) -> bool:
    """Poll `predicate` until it is true (a worker in another thread or process is busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
