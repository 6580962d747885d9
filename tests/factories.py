"""Factories for the core models."""

from __future__ import annotations

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


def youth_make(*, municipality, birth_date=None, coach=None, team=None, open_period=True,
               start_date=None, **fields):
    """A registered youth (through the service) with an open KAA period by default."""
    import datetime as dt

    from django.utils import timezone

    from demo.youths import personnummer_for
    from youth.services import youth_register

    today = timezone.localdate()
    birth_date = birth_date or today.replace(year=today.year - 17) - dt.timedelta(days=40)
    number = personnummer_for(birth_date, next(_serial))
    fields.setdefault("first_name", "Test")
    fields.setdefault("last_name", f"Ungdom{number[-4:]}")
    youth, period = youth_register(
        municipality=municipality, personnummer=number,
        registration_reason=reason("AVBROTT_NATIONELLT"),
        start_date=start_date or today - dt.timedelta(days=30), actor=None, **fields)
    if coach is not None or team is not None:
        youth.coach, youth.team = coach, team or getattr(coach, "team", None)
        youth.save(update_fields=["coach", "team"])
    if not open_period:
        from youth.services import period_close

        period_close(period=period, end_date=today, actor=None,
                     reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"))
    return youth
