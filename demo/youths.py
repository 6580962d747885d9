"""Realistic demo youths: valid personnummer of the right ages, varied reasons, occupations,
states, guardians, caseloads and notes. Deterministic (seeded) and idempotent: a youth whose
personnummer exists is skipped. The rows are the factories' (`demo.factories`), built and
then bulk-inserted, so `--youths 100000` stays fast."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from django.db import transaction
from django.utils import timezone

from demo.factories.outreach import ContactAttemptFactory
from demo.factories.youth import (
    AssignmentFactory,
    GuardianFactory,
    KaaPeriodFactory,
    NoteFactory,
    OccupationFactory,
    TimelineEntryFactory,
    YouthFactory,
    personnummer_for,
)
from kaa.models import Municipality, Role, User
from outreach.models import ContactAttempt
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
from youth.personnummer import birthday
from youth.register.services import status_derive

FIRST_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Ella",
    "Wilma",
    "Saga",
    "Ebba",
    "Alice",
    "Julia",
    "Nora",
    "Leah",
    "Amina",
    "Hanna",
    "Fatima",
    "Sara",
    "Noor",
    "Liam",
    "William",
    "Hugo",
    "Lucas",
    "Oliver",
    "Elias",
    "Adam",
    "Alexander",
    "Noah",
    "Leo",
    "Viktor",
    "Mohammed",
    "Ali",
    "Yusuf",
    "Omar",
    "Isak",
    "Anton",
    "Emil",
    "Filip",
    "Axel",
    "Melvin",
    "Theo",
    "Ahmed",
    "Hamza",
    "Ida",
    "Tilda",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindström",
    "Lindqvist",
    "Berglund",
    "Axelsson",
    "Mohamed",
    "Ali",
    "Hassan",
    "Ahmed",
    "Abdi",
    "Yilmaz",
    "Nguyen",
    "Kovač",
    "Haddad",
    "Öberg",
]
STREETS = [
    "Storgatan",
    "Kyrkogatan",
    "Skolgatan",
    "Björkvägen",
    "Ringvägen",
    "Trädgårdsgatan",
    "Södra vägen",
    "Parkvägen",
    "Ekvägen",
    "Sjögatan",
]
SCHOOLS = [
    "Alléskolan",
    "Vadsbro gymnasium",
    "De la Gardiegymnasiet",
    "Nyköpings gymnasium",
    "Katedralskolan",
    "Folkhögskolan",
    "",
]
NOTES = [
    "Ringde, inget svar. Lämnade meddelande.",
    "Träffade ungdomen på biblioteket. Vill fundera på komvux.",
    "Vykort skickat.",
    "Pratade med vårdnadshavare, som lovar att be ungdomen höra av sig.",
    "Ungdomen vill ha hjälp med CV och praktikplats.",
]


def _mail_name(name: str) -> str:
    """A name as the part of an e-mail address it would be (Åsa Öberg: asa.oberg): an address
    with å, ä or ö is refused by the e-mail check, and a saved demo youth must stay editable."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    age_days = rng.randint(int(16 * 365.25), int(20 * 365.25) - 2)
    return today - dt.timedelta(days=age_days)


@transaction.atomic
def demo_youths_ensure(*, municipality: Municipality, count: int, seed: int = 42) -> int:
    """Create up to `count` demo youths in the municipality; returns how many were new."""
    today = timezone.localdate()
    reg_reasons = list(Reason.objects.filter(kind="registration").order_by("sort_order"))
    dereg = {r.code: r for r in Reason.objects.filter(kind="deregistration")}
    occupation_types = {o.code: o for o in OccupationType.objects.all()}
    coaches = list(
        User.objects.filter(
            municipality=municipality, role=Role.COACH, is_active=True
        ).select_related("team")
    )
    actor = User.objects.filter(municipality=municipality, role=Role.COORDINATOR).first()
    existing = set(
        Youth.objects.filter(municipality=municipality).values_list("personnummer", flat=True)
    )
    youths: list[Youth] = []
    plans: list[tuple[Youth, dict]] = []
    taken: set[str] = set()
    for index in range(count):
        # One generator per youth, so a skipped (existing) youth does not shift the others.
        rng = random.Random(f"{seed}-{municipality.code}-{index}")  # nosec B311  # demo data
        birth = _birth_date(rng, today)
        serial = index
        number = personnummer_for(birth, serial, coordination=index % 37 == 5)
        while number in taken:  # same birth date and serial as an earlier demo youth
            serial += 1
            number = personnummer_for(birth, serial, coordination=index % 37 == 5)
        taken.add(number)
        if number in existing:
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        coach = rng.choice(coaches) if coaches and rng.random() < 0.85 else None
        youth = YouthFactory.build(
            municipality=municipality,
            personnummer=number,
            birth_date=birth,
            coordination=index % 37 == 5,
            first_name=first,
            last_name=last,
            address=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
            postal_code=f"{rng.randint(100, 999)} {rng.randint(10, 99)}",
            city=municipality.name,
            phone=f"07{rng.randint(0, 9)}-{rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}"
            if rng.random() < 0.8
            else "",
            email=f"{_mail_name(first)}.{_mail_name(last)}{index}@example.se"
            if rng.random() < 0.5
            else "",
            protected_identity=index % 41 == 7,
            former_school=rng.choice(SCHOOLS),
            coach=coach,
            team=coach.team if coach else None,
            created_by=actor,
            updated_by=actor,
        )
        youths.append(youth)
        plans.append((youth, _story(rng, today, birth)))
    Youth.objects.bulk_create(youths, batch_size=2000)
    _bulk_children(
        plans,
        random.Random(seed),  # nosec B311  # demo data
        today,
        reg_reasons,
        dereg,
        occupation_types,
        actor,
    )
    return len(youths)


def _story(rng: random.Random, today: dt.date, birth: dt.date) -> dict:
    """What happened to one youth: a state drawn from realistic shares."""
    roll = rng.random()
    twentieth, sixteenth = birthday(birth, 20), birthday(birth, 16)
    start = max(sixteenth, today - dt.timedelta(days=rng.randint(5, 700)))
    start = min(start, today)
    if roll < 0.25:
        state = "not_reached"
    elif roll < 0.45:
        state = "in_contact"
    elif roll < 0.75:
        state = "occupied"
    elif roll < 0.9:
        state = "ended"
    else:
        state = "returned"
    if state == "returned" and start > today - dt.timedelta(days=30):
        state = "in_contact"  # too recent for a first period to have ended
    return {"state": state, "start": start, "twentieth": twentieth}


def _periods(
    youth: Youth,
    story: dict,
    rng: random.Random,
    today: dt.date,
    reg_reasons: list[Reason],
    dereg: dict[str, Reason],
    actor: User | None,
) -> tuple[list[KaaPeriod], KaaPeriod | None, KaaPeriod]:
    """The youth's KAA periods: (all periods, the open one or None, the latest)."""
    start, state = story["start"], story["state"]
    reason = rng.choice(reg_reasons)
    periods = []
    if state == "returned":
        first_end = start + dt.timedelta(days=rng.randint(30, 120))
        periods.append(
            KaaPeriodFactory.build(
                youth=youth,
                start_date=start,
                registration_reason=reason,
                end_date=min(first_end, today - dt.timedelta(days=2)),
                deregistration_reason=dereg["PABORJAT_NATIONELLT_EL_MOTSV"],
                created_by=actor,
            )
        )
        start = min(first_end + dt.timedelta(days=rng.randint(10, 90)), today)
        reason = next(r for r in reg_reasons if r.code == "AVBROTT_NATIONELLT")
    story["start"], story["reason"] = start, reason
    if state == "ended":
        code = rng.choice(
            ["PABORJAT_NATIONELLT_EL_MOTSV", "EJ_FOLKBOKFORD_I_KOMMUNEN", "SLUTFORT_MED_EXAMEN"]
        )
        periods.append(
            KaaPeriodFactory.build(
                youth=youth,
                start_date=start,
                registration_reason=reason,
                end_date=min(start + dt.timedelta(days=rng.randint(20, 200)), today),
                deregistration_reason=dereg[code],
                created_by=actor,
            )
        )
        return periods, None, periods[-1]
    periods.append(
        KaaPeriodFactory.build(
            youth=youth, start_date=start, registration_reason=reason, created_by=actor
        )
    )
    return periods, periods[-1], periods[-1]


def _reached_contacts(
    plans: list[tuple[Youth, dict]], periods: list[KaaPeriod]
) -> list[ContactAttempt]:
    """The call in which each reached youth was reached (the SCB report's contact block)."""
    by_youth: dict[int, list[KaaPeriod]] = {}
    for period in periods:
        by_youth.setdefault(period.youth_id, []).append(period)
    contacts = []
    for youth, _story in plans:
        day = youth.last_reached_on
        if day is None:
            continue
        reached_in = next(
            (
                p
                for p in by_youth.get(youth.pk, [])
                if p.start_date <= day and (p.end_date is None or day <= p.end_date)
            ),
            None,
        )
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0)))
        contacts.append(
            ContactAttemptFactory.build(
                youth=youth,
                period=reached_in,
                at=at,
                channel="phone",
                outcome="reached",
                staff=youth.coach,
                direction="out",
            )
        )
    return contacts


def _bulk_children(
    plans: list[tuple[Youth, dict]],
    rng: random.Random,
    today: dt.date,
    reg_reasons: list[Reason],
    dereg: dict[str, Reason],
    occupation_types: dict[str, OccupationType],
    actor: User | None,
) -> None:
    periods, occupations, guardians, assignments, notes, timeline = [], [], [], [], [], []
    now = timezone.now()
    for youth, story in plans:
        made, open_period, last_period = _periods(
            youth, story, rng, today, reg_reasons, dereg, actor
        )
        periods += made
        start, state, reason = story["start"], story["state"], story["reason"]
        occupation = None
        reached_on = today  # the day below for every state that was reached
        if state in ("occupied", "returned", "in_contact"):
            reached_on = min(start + dt.timedelta(days=rng.randint(3, 40)), today)
            youth.last_reached_on = reached_on
        if state in ("occupied", "returned"):
            code = rng.choice(["ARBETE", "KOMVUX", "FOLKHOGSKOLA", "PRAKTIK", "ARBETE"])
            occupation = OccupationFactory.build(
                youth=youth,
                type=occupation_types[code],
                start_date=reached_on,
                source="contact",
                created_by=actor,
            )
            occupations.append(occupation)
        elif state == "in_contact":
            occupations.append(
                OccupationFactory.build(
                    youth=youth,
                    type=occupation_types["SAKNAR"],
                    start_date=reached_on,
                    source="contact",
                    created_by=actor,
                )
            )
        if youth.age_on(today) < 18 and rng.random() < 0.9:
            guardians.append(
                GuardianFactory.build(
                    youth=youth,
                    name=f"{rng.choice(FIRST_NAMES)} {youth.last_name}",
                    phone=f"073-{rng.randint(1000000, 9999999)}",
                    created_by=actor,
                )
            )
        elif youth.age_on(today) < 18 and open_period is not None:
            youth.missing_guardian = True
        if youth.coach_id:
            assignments.append(
                AssignmentFactory.build(
                    youth=youth,
                    coach=youth.coach,
                    team=youth.team,
                    started_at=now,
                    assigned_by=actor,
                )
            )
        youth.status = status_derive(
            youth=youth, open_period=open_period, latest_period=last_period, occupation=occupation
        )
        at = timezone.make_aware(dt.datetime.combine(start, dt.time(9, 0)))
        timeline.append(
            TimelineEntryFactory.build(
                youth=youth,
                at=at,
                kind="period_opened",
                actor=actor,
                summary=f"KAA-period startad {start}: {reason.label}",
            )
        )
        if youth.coach_id and rng.random() < 0.5:
            notes.append(
                NoteFactory.build(
                    youth=youth,
                    author=youth.coach,
                    text=rng.choice(NOTES),
                    created_at=at + dt.timedelta(days=2),
                )
            )
    KaaPeriod.objects.bulk_create(periods, batch_size=2000)
    ContactAttempt.objects.bulk_create(_reached_contacts(plans, periods), batch_size=2000)
    Occupation.objects.bulk_create(occupations, batch_size=2000)
    Guardian.objects.bulk_create(guardians, batch_size=2000)
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    Note.objects.bulk_create(notes, batch_size=2000)
    TimelineEntry.objects.bulk_create(timeline, batch_size=2000)
    Youth.objects.bulk_update(
        [y for y, _s in plans], ["status", "last_reached_on", "missing_guardian"], batch_size=2000
    )
