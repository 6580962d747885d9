"""Youths and what the register keeps of them: periods, occupations, guardians, caseload,
notes and timeline lines. Identity numbers are valid (the check digit is right)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum import luhn

from demo.factories.kaa import UserFactory
from kaa.models import Municipality, User
from youth.models import (
    Assignment,
    Guardian,
    KaaPeriod,
    Note,
    Occupation,
    OccupationType,
    Reason,
    TimelineEntry,
    Youth,
)
from youth.register.services import period_close, youth_register


def personnummer_for(birth: dt.date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit personnummer (or samordningsnummer) with a correct check digit."""
    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth.year:04d}{body[2:]}{luhn.calc_check_digit(body)}"


def reason(code: str, kind: str = "registration") -> Reason:
    """A shipped reference reason (the migrations put them in)."""
    return Reason.objects.get(kind=kind, code=code)


def occupation_type(code: str) -> OccupationType:
    """A shipped occupation type."""
    return OccupationType.objects.get(code=code)


def born_aged(years: int, on: dt.date, days: int = 40) -> dt.date:
    """Someone who is `years` old on `on` (and `days` past that birthday)."""
    return on.replace(year=on.year - years) - dt.timedelta(days=days)


def _seventeen() -> dt.date:
    """In the target group and under 18 today."""
    return born_aged(17, timezone.localdate())


def _days_ago(days: int) -> Any:
    return lambda: timezone.localdate() - dt.timedelta(days=days)


class YouthFactory(DjangoModelFactory[Youth]):
    """A youth's record, without a KAA period and without the register's side effects (no
    audit event, no timeline): `build` for bulk inserts, `create` for an exact layout.
    `serial` (0-499 by default) and `coordination` choose the identity number."""

    class Meta:
        model = Youth

    class Params:
        # Serials 000-499 here, 500-999 in the identification tests' files: the two never make
        # the same number for one birth date within a test.
        serial = factory.Sequence(lambda n: n % 500)
        coordination = False

    municipality = factory.SubFactory("demo.factories.kaa.MunicipalityFactory")
    birth_date = factory.LazyFunction(_seventeen)
    personnummer = factory.LazyAttribute(
        lambda o: personnummer_for(o.birth_date, o.serial, coordination=o.coordination)
    )
    pnr_short = factory.LazyAttribute(lambda o: o.personnummer[2:])
    is_coordination_number = factory.SelfAttribute("coordination")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda o: f"Ungdom{o.personnummer[-4:]}")


class KaaPeriodFactory(DjangoModelFactory[KaaPeriod]):
    """A KAA period (open unless `end_date` is given), written as a row: nothing else happens
    (no case, no tasks, no status). `reg` and `dereg` name the reasons by code."""

    class Meta:
        model = KaaPeriod

    class Params:
        reg = "AVBROTT_NATIONELLT"
        dereg = None

    youth = factory.SubFactory(YouthFactory)
    start_date = factory.LazyFunction(_days_ago(30))
    registration_reason = factory.LazyAttribute(lambda o: reason(o.reg))
    end_date = None
    deregistration_reason = factory.LazyAttribute(
        lambda o: reason(o.dereg, "deregistration") if o.dereg else None
    )


class OccupationFactory(DjangoModelFactory[Occupation]):
    """What the youth does (`code` names the type), learnt from a contact."""

    class Meta:
        model = Occupation

    class Params:
        code = "ARBETE"

    youth = factory.SubFactory(YouthFactory)
    type = factory.LazyAttribute(lambda o: occupation_type(o.code))
    start_date = factory.LazyFunction(timezone.localdate)
    source = Occupation.Source.CONTACT


class GuardianFactory(DjangoModelFactory[Guardian]):
    class Meta:
        model = Guardian

    youth = factory.SubFactory(YouthFactory)
    name = "Vera Vårdnadshavare"


class AssignmentFactory(DjangoModelFactory[Assignment]):
    """The youth's current coach and team, as the caseload history keeps it."""

    class Meta:
        model = Assignment

    youth = factory.SubFactory(YouthFactory)
    coach = factory.SelfAttribute("youth.coach")
    team = factory.SelfAttribute("youth.team")
    started_at = factory.LazyFunction(timezone.now)


class NoteFactory(DjangoModelFactory[Note]):
    class Meta:
        model = Note

    youth = factory.SubFactory(YouthFactory)
    author = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..youth.municipality")
    )
    text = "Ringde, inget svar."
    created_at = factory.LazyFunction(timezone.now)


class TimelineEntryFactory(DjangoModelFactory[TimelineEntry]):
    class Meta:
        model = TimelineEntry

    youth = factory.SubFactory(YouthFactory)
    at = factory.LazyFunction(timezone.now)
    kind = "note"
    summary = "Anteckning"


_serial = iter(range(100, 10**6))


def youth_make(
    *,
    municipality: Municipality,
    birth_date: dt.date | None = None,
    coach: User | None = None,
    team: Any = None,
    open_period: bool = True,
    start_date: dt.date | None = None,
    **fields: Any,
) -> Youth:
    """A youth registered through the service (audited, on the timeline, the case and its
    first tasks opened), with an open KAA period by default."""
    today = timezone.localdate()
    birth_date = birth_date or _seventeen()
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
        period_close(
            period=period,
            end_date=today,
            actor=None,
            reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
        )
    return youth


def adult_make(*, municipality: Municipality, **fields: Any) -> Youth:
    """A youth of 19, registered through the service: old enough to consent alone."""
    return youth_make(
        municipality=municipality, birth_date=born_aged(19, timezone.localdate(), 10), **fields
    )
