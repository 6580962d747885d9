"""Who is in the target group of the aktivitetsansvar (skollagen 29 kap. 9 §) of municipality M
on a date D. A person is in the group when all five hold:

1. Folkbokförd in M on D and not deregistered (deceased, emigrated, other). A person with
   skyddad folkbokföring counts where registered and is flagged for the coordinator.
   A samordningsnummer counts like a personnummer.
2. Past compulsory school: from 1 July of the year of the 16th birthday, unless still
   enrolled on D in GR, GRS, SP or SAM.
3. Not yet 20: in the group until the day before the 20th birthday.
4. Not enrolled on D in GY or GYS (introduktionsprogram included). An enrolment is active on
   D when start <= D <= end (no end: open) and it is not cancelled; one starting after D does
   not count yet. Komvux, folkhögskola, SFI and the like do not take anyone out of the group.
5. No gymnasieexamen, gymnasiesärskolebevis or equivalent (IB, a recognised foreign
   diploma) dated on or before D. A studiebevis is not a completion.

The rule is written twice on purpose, side by side: `facts_of` (Python, one person, for
reading and for the reasons) and `FACTS_SQL` (PostgreSQL, the whole population store in one
query, used by every run). Both produce the same `Facts`; tests prove they agree. Whether a
person is in the group, and why not, is decided from `Facts` by `in_group` and `out_reason`,
written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from youth.personnummer import birthday

COMPULSORY_SCHOOL_TYPES = ("GR", "GRS", "SP", "SAM")
UPPER_SECONDARY_SCHOOL_TYPES = ("GY", "GYS")
QUALIFYING_COMPLETIONS = ("gymnasieexamen", "gymnasiesarskolebevis", "ib", "utlandsk_examen")
DECEASED, EMIGRATED = "AV", "UV"
# A changed identity: the old number is deregistered with one of these and points to the new
# one (HanvisningsPersonNr): GN old personnummer, AS samordningsnummer replaced, GS likewise.
IDENTITY_REPLACED_CODES = ("GN", "AS", "GS")


def past_compulsory_on(birth_date: dt.date) -> dt.date:
    """1 July of the year the person turns 16."""
    return dt.date(birth_date.year + 16, 7, 1)


def turns_20_on(birth_date: dt.date) -> dt.date:
    """The 20th birthday (born 29 February: 1 March in a common year)."""
    return birthday(birth_date, 20)


@dataclass(frozen=True)
class Person:
    """What the population store says about one person."""

    personnummer: str
    municipality_code: str
    registered_on: dt.date | None
    deregistration_code: str
    deregistration_date: dt.date | None
    past_compulsory_on: dt.date
    turns_20_on: dt.date


@dataclass(frozen=True)
class Enrolment:
    school_type: str
    start_date: dt.date
    end_date: dt.date | None
    cancelled: bool
    programme: str = ""


@dataclass(frozen=True)
class Completion:
    kind: str
    date: dt.date


@dataclass(frozen=True)
class Facts:
    """The answers to the rule's questions for one person on one date."""

    lives_here: bool  # folkbokförd in M on D
    deregistered: bool
    deceased: bool
    emigrated: bool
    past_compulsory_age: bool
    in_compulsory_school: bool
    under_20: bool
    in_upper_secondary: bool
    completed: bool


def enrolment_active(enrolment: Enrolment, on: dt.date) -> bool:
    """Active on `on`: started, not ended before, not cancelled."""
    return (
        not enrolment.cancelled
        and enrolment.start_date <= on
        and (enrolment.end_date is None or enrolment.end_date >= on)
    )


def facts_of(
    person: Person,
    enrolments: Iterable[Enrolment],
    completions: Iterable[Completion],
    *,
    municipality_code: str,
    on: dt.date,
) -> Facts:
    """The rule's questions answered in Python for one person (the twin of FACTS_SQL)."""
    active = {e.school_type for e in enrolments if enrolment_active(e, on)}
    deregistered = bool(person.deregistration_code) and (
        person.deregistration_date is None or person.deregistration_date <= on
    )
    return Facts(
        lives_here=person.municipality_code == municipality_code
        and (person.registered_on is None or person.registered_on <= on),
        deregistered=deregistered,
        deceased=deregistered and person.deregistration_code == DECEASED,
        emigrated=deregistered and person.deregistration_code == EMIGRATED,
        past_compulsory_age=on >= person.past_compulsory_on,
        in_compulsory_school=bool(active & set(COMPULSORY_SCHOOL_TYPES)),
        under_20=on < person.turns_20_on,
        in_upper_secondary=bool(active & set(UPPER_SECONDARY_SCHOOL_TYPES)),
        completed=any(c.kind in QUALIFYING_COMPLETIONS and c.date <= on for c in completions),
    )


def in_group(facts: Facts) -> bool:
    """The rule: all five conditions hold."""
    return (
        facts.lives_here
        and not facts.deregistered
        and facts.past_compulsory_age
        and not facts.in_compulsory_school
        and facts.under_20
        and not facts.in_upper_secondary
        and not facts.completed
    )


# Why a person is not in the group, as a stable code, in this order of precedence. The
# register's deregistration reason for each is in LEAVING_REGISTER_REASON.
def out_reason(facts: Facts) -> str:
    if facts.deceased:
        return "AVLIDEN"
    if facts.emigrated:
        return "UTVANDRAD"
    if facts.deregistered:
        return "AVREGISTRERAD"
    if not facts.lives_here:
        return "UTFLYTTAD"
    if not facts.under_20:
        return "FYLLT_20"
    if facts.completed:
        return "SLUTFORT_MED_EXAMEN"
    if facts.in_upper_secondary:
        return "PABORJAT_NATIONELLT_EL_MOTSV"
    return "SKOLPLIKTIG"


# A person who is not in the population store at all has left the municipality's population.
NOT_IN_POPULATION = "UTFLYTTAD"

LEAVING_REGISTER_REASON = {
    "AVLIDEN": "AVLIDEN",
    "UTVANDRAD": "EJ_FOLKBOKFORD_I_KOMMUNEN",
    "AVREGISTRERAD": "OVRIGT",
    "UTFLYTTAD": "EJ_FOLKBOKFORD_I_KOMMUNEN",
    "FYLLT_20": "FYLLT_20",
    "SLUTFORT_MED_EXAMEN": "SLUTFORT_MED_EXAMEN",
    "PABORJAT_NATIONELLT_EL_MOTSV": "PABORJAT_NATIONELLT_EL_MOTSV",
    "SKOLPLIKTIG": "OVRIGT",
}


def is_introduction_programme(programme: str) -> bool:
    """Introduktionsprogram codes start with IM (IMA, IMS, IMV, IMY, IMF, IMIAS, ...)."""
    return programme.upper().startswith("IM")


def registration_reason(
    person: Person,
    enrolments: Iterable[Enrolment],
    completions: Iterable[Completion],
    *,
    on: dt.date,
) -> str:
    """The registration reason that follows from the evidence (a register reason code):
    studiebevis only, dropped out (of an introduktionsprogram or a national programme),
    never started upper secondary school, or unknown. Having moved in is no reason of its
    own: SCB asks for the school situation, which a coordinator finds out when the school
    records do not tell."""
    enrolments = list(enrolments)
    if any(c.kind == "studiebevis" and c.date <= on for c in completions):
        return "STUDIEBEVIS"
    ended = sorted(
        (
            e
            for e in enrolments
            if e.school_type in UPPER_SECONDARY_SCHOOL_TYPES
            and e.start_date <= on
            and (e.cancelled or (e.end_date or on) < on)
        ),
        key=lambda e: e.end_date or e.start_date,
    )
    if ended:
        return (
            "AVBROTT_INTRODUKTION"
            if is_introduction_programme(ended[-1].programme)
            else "AVBROTT_NATIONELLT"
        )
    if enrolments:  # school records know the person, but not in upper secondary school
        return "ALDRIG_GYMNASIAL"
    return "OVRIGT"


# The same questions for every person of a municipality's population store at once.
# Parameters: %(code)s municipality code, %(on)s the date, %(municipality)s its id.
# Enrolments and completions of every source in the installation count (regional sharing:
# a youth who studies in another municipality is found by the home municipality's run).
FACTS_SQL = """
SELECT p.id, p.personnummer,
  (p.municipality_code = %(code)s
   AND (p.registered_on IS NULL OR p.registered_on <= %(on)s)) AS lives_here,
  (p.deregistration_code <> ''
   AND (p.deregistration_date IS NULL OR p.deregistration_date <= %(on)s)) AS deregistered,
  (p.deregistration_code = 'AV'
   AND (p.deregistration_date IS NULL OR p.deregistration_date <= %(on)s)) AS deceased,
  (p.deregistration_code = 'UV'
   AND (p.deregistration_date IS NULL OR p.deregistration_date <= %(on)s)) AS emigrated,
  (%(on)s >= p.past_compulsory_on) AS past_compulsory_age,
  EXISTS (SELECT 1 FROM youth_enrolmentrecord e
          WHERE e.personnummer = p.personnummer AND e.school_type IN ('GR', 'GRS', 'SP', 'SAM')
            AND NOT e.cancelled AND e.start_date <= %(on)s
            AND (e.end_date IS NULL OR e.end_date >= %(on)s)) AS in_compulsory_school,
  (%(on)s < p.turns_20_on) AS under_20,
  EXISTS (SELECT 1 FROM youth_enrolmentrecord e
          WHERE e.personnummer = p.personnummer AND e.school_type IN ('GY', 'GYS')
            AND NOT e.cancelled AND e.start_date <= %(on)s
            AND (e.end_date IS NULL OR e.end_date >= %(on)s)) AS in_upper_secondary,
  EXISTS (SELECT 1 FROM youth_completionrecord c
          WHERE c.personnummer = p.personnummer
            AND c.kind IN ('gymnasieexamen', 'gymnasiesarskolebevis', 'ib', 'utlandsk_examen')
            AND c.date <= %(on)s) AS completed
FROM youth_populationrecord p
WHERE p.municipality_id = %(municipality)s
"""

# `in_group` over the columns of FACTS_SQL.
IN_GROUP_SQL = (
    "(f.lives_here AND NOT f.deregistered AND f.past_compulsory_age"
    " AND NOT f.in_compulsory_school AND f.under_20"
    " AND NOT f.in_upper_secondary AND NOT f.completed)"
)

FACT_FIELDS = tuple(Facts.__dataclass_fields__)
