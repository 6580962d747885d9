"""The comparison of the rule's answer with the register, in PostgreSQL: one query over the
whole population store finds who is in the target group, how that differs from the youths
with an open KAA period, and the evidence of each difference (which source row said what, and
when it arrived). Only the differences come back to Python, streamed, which names the reasons
and the dates they take effect."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from kaa.models import Municipality
from youth.identification import rule
from youth.identification.models import Proposal

Kind = Proposal.Kind
CHUNK = 2000

# Changes to a registered youth that a run proposes (Proposal.changes).
IDENTITY = "IDENTITY"
PROTECTED_SET = "PROTECTED_SET"
PROTECTED_LIFTED = "PROTECTED_LIFTED"
ADDRESS = "ADDRESS"
GUARDIAN = "GUARDIAN"


def _source_json(delivery: str, source: str) -> str:
    """SQL for the delivery fields of a piece of evidence: the source's name, the file, the
    delivery, when it arrived and its effective date."""
    return (
        f"jsonb_build_object('source', {source}.name, 'file', {delivery}.filename, "
        f"'delivery', {delivery}.id, 'arrived', {delivery}.arrived_at, "
        f"'effective', {delivery}.effective_date)"
    )


REGISTER_SQL = """
SELECT y.id AS youth_id, y.personnummer, y.protected_identity, y.address, y.postal_code,
       y.city, k.start_date AS period_start, (y.restricted_at IS NOT NULL) AS frozen
FROM youth_youth y
JOIN youth_kaaperiod k ON k.youth_id = y.id AND k.end_date IS NULL AND k.kind = 'kaa'
WHERE y.municipality_id = %(municipality)s AND y.anonymised_at IS NULL
"""

# Every difference between the rule's answer and the register, with the evidence built in
# PostgreSQL as JSON: what each source said about the person (the row, its position, the
# delivery and when it arrived). A protected identity's address is never part of it.
# Registered youths whose processing is restricted are never proposed.
COMPARE_SQL = f"""
WITH f AS ({rule.FACTS_SQL}),
g AS (SELECT f.*, {rule.IN_GROUP_SQL} AS in_group FROM f),
r AS ({REGISTER_SQL}),
j AS (
  SELECT g.*, r.youth_id, r.period_start, r.frozen,
    COALESCE(g.personnummer, r.personnummer) AS pnr,
    (r.youth_id IS NOT NULL AND p.protected AND NOT r.protected_identity) AS protected_set,
    (r.youth_id IS NOT NULL AND NOT p.protected AND r.protected_identity) AS protected_lifted,
    (r.youth_id IS NOT NULL AND NOT p.protected AND p.address <> ''
     AND (p.address, p.postal_code, p.city) IS DISTINCT FROM (r.address, r.postal_code, r.city)
    ) AS address_changed,
    (r.youth_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM jsonb_array_elements(p.guardians) AS guardian
      WHERE guardian->>'name' <> '' AND NOT EXISTS (
        SELECT 1 FROM youth_guardian yg
        WHERE yg.youth_id = r.youth_id AND lower(yg.name) = lower(guardian->>'name')))
    ) AS guardian_changed
  FROM (g JOIN youth_populationrecord p ON p.id = g.id)
  FULL OUTER JOIN r ON r.personnummer = g.personnummer
),
d AS (
  SELECT * FROM j
  WHERE NOT COALESCE(frozen, FALSE) AND (
     (in_group AND youth_id IS NULL)
     OR (youth_id IS NOT NULL AND NOT COALESCE(in_group, FALSE))
     OR (in_group AND (protected_set OR protected_lifted OR address_changed OR guardian_changed)))
)
SELECT d.*, p.first_name, p.last_name, p.protected, p.registered_on, p.past_compulsory_on,
  p.turns_20_on, p.deregistration_date, p.referral_personnummer,
  CASE WHEN p.id IS NULL THEN NULL ELSE {_source_json("pd", "ps")} || jsonb_build_object(
    'position', p.position, 'municipality_code', p.municipality_code,
    'registered_on', p.registered_on, 'deregistration_code', p.deregistration_code,
    'deregistration_date', p.deregistration_date, 'protected', p.protected,
    'secrecy', p.secrecy, 'referral', p.referral_personnummer,
    'guardians', (SELECT COALESCE(jsonb_agg(COALESCE(x.guardian->>'name', '') ORDER BY x.n),
                                  '[]'::jsonb)
                  FROM jsonb_array_elements(p.guardians) WITH ORDINALITY AS x(guardian, n)),
    'birth_date', p.birth_date)
    || CASE WHEN p.protected THEN '{{}}'::jsonb ELSE jsonb_build_object(
      'address', p.address, 'postal_code', p.postal_code, 'city', p.city) END
  END AS population,
  (SELECT COALESCE(jsonb_agg({_source_json("ed", "es")} || jsonb_build_object(
      'position', e.position, 'school_type', e.school_type, 'school_unit', e.school_unit,
      'programme', e.programme, 'start', e.start_date, 'end', e.end_date,
      'cancelled', e.cancelled) ORDER BY e.start_date, e.id), '[]'::jsonb)
   FROM youth_enrolmentrecord e
   JOIN youth_sourcedelivery ed ON ed.id = e.delivery_id
   JOIN youth_source es ON es.id = ed.source_id
   WHERE e.personnummer = d.pnr) AS enrolments,
  (SELECT COALESCE(jsonb_agg({_source_json("cd", "cs")} || jsonb_build_object(
      'position', c.position, 'kind', c.kind, 'date', c.date, 'issuer', c.issuer)
      ORDER BY c.date, c.id), '[]'::jsonb)
   FROM youth_completionrecord c
   JOIN youth_sourcedelivery cd ON cd.id = c.delivery_id
   JOIN youth_source cs ON cs.id = cd.source_id
   WHERE c.personnummer = d.pnr) AS completions
FROM d
LEFT JOIN youth_populationrecord p ON p.id = d.id
LEFT JOIN youth_sourcedelivery pd ON pd.id = p.delivery_id
LEFT JOIN youth_source ps ON ps.id = pd.source_id
"""  # noqa: S608  # nosec B608  built from the constant fragments above, no input

# Numbers that replaced another number (HanvisningsPersonNr) in the municipality's population
# store: a new proposal for one of them may be a registered youth's new identity.
REFERRALS_SQL = """
SELECT DISTINCT referral_personnummer FROM youth_populationrecord
WHERE municipality_id = %(municipality)s AND referral_personnummer <> ''
"""

COUNT_SQL = f"""
WITH f AS ({rule.FACTS_SQL}), r AS ({REGISTER_SQL})
SELECT COUNT(*) FILTER (WHERE {rule.IN_GROUP_SQL}),
       COUNT(*) FILTER (WHERE {rule.IN_GROUP_SQL} AND r.youth_id IS NOT NULL)
FROM f LEFT JOIN r ON r.personnummer = f.personnummer
"""  # noqa: S608  # nosec B608  built from the constant fragments above, no input


@dataclass
class Difference:
    personnummer: str
    kind: str
    reason: str
    effective_on: dt.date
    youth_id: int | None = None
    changes: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""
    protected: bool = False
    new_personnummer: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def evidence_hash(self) -> str:
        """Changes when what the sources say changes (not when the same data arrives
        again): a rejection holds until then."""
        relevant = {
            "kind": self.kind,
            "reason": self.reason,
            "changes": self.changes,
            "new_personnummer": self.new_personnummer,
            "population": _what_it_says(self.evidence.get("population") or {}),
            "enrolments": sorted(
                json.dumps(_what_it_says(e), sort_keys=True)
                for e in self.evidence.get("enrolments", [])
            ),
            "completions": sorted(
                json.dumps(_what_it_says(c), sort_keys=True)
                for c in self.evidence.get("completions", [])
            ),
        }
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


# Where and when a piece of evidence arrived, not what it says: the same data arriving again
# in another file does not change a proposal's evidence.
DELIVERY_KEYS = ("file", "arrived", "position", "delivery")


def _what_it_says(evidence: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in evidence.items() if k not in DELIVERY_KEYS}


def counts(*, municipality: Municipality, on: dt.date) -> tuple[int, int]:
    """How many persons the rule puts in the group, and how many of them are registered."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, _params(municipality, on))
        in_group, registered_in_group = cursor.fetchone()
    return in_group, registered_in_group


def _params(municipality: Municipality, on: dt.date) -> dict[str, Any]:
    return {"code": municipality.code, "on": on, "municipality": municipality.pk}


def compare(*, municipality: Municipality, on: dt.date) -> Iterator[Difference]:
    """The rule over the municipality's whole population store against the register: every
    difference, read from a server-side cursor in chunks, so that memory does not grow with
    the number of differences. Must be consumed inside a transaction."""
    params = _params(municipality, on)
    with connection.cursor() as cursor:
        cursor.execute(REFERRALS_SQL, params)
        referrals = {number for (number,) in cursor.fetchall()}
    # A registered youth whose number was replaced and who would be new under the new number
    # is one person: those two differences are held back and merged at the end.
    leaving_with_referral: list[Difference] = []
    new_under_referral: dict[str, Difference] = {}
    connection.ensure_connection()
    with connection.connection.cursor(name="identification_compare") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(COMPARE_SQL, params)
        names = [c.name for c in cursor.description]
        while rows := cursor.fetchmany(CHUNK):
            for values in rows:
                difference = _difference(dict(zip(names, values, strict=True)), on)
                referral = (difference.evidence["population"] or {}).get("referral", "")
                if difference.kind == Kind.LEAVING and referral:
                    leaving_with_referral.append(difference)
                elif difference.kind == Kind.NEW and difference.personnummer in referrals:
                    new_under_referral[difference.personnummer] = difference
                else:
                    yield difference
    yield from _identity_changes(leaving_with_referral, new_under_referral)


def _day(value: str | None) -> dt.date | None:
    """An optional date of the evidence (an enrolment's end). An enrolment's start and a
    completion's date are NOT NULL columns, always there."""
    return dt.date.fromisoformat(value) if value else None


def _enrolments(evidence: dict[str, Any]) -> list[rule.Enrolment]:
    return [
        rule.Enrolment(
            school_type=e["school_type"],
            start_date=dt.date.fromisoformat(e["start"]),
            end_date=_day(e["end"]),
            cancelled=e["cancelled"],
            programme=e["programme"],
        )
        for e in evidence["enrolments"]
    ]


def _completions(evidence: dict[str, Any]) -> list[rule.Completion]:
    return [
        rule.Completion(c["kind"], dt.date.fromisoformat(c["date"]))
        for c in evidence["completions"]
    ]


def _difference(row: dict[str, Any], on: dt.date) -> Difference:
    """One row of COMPARE_SQL as a difference: its kind, the reason that follows from the
    evidence and the date it takes effect."""
    # The connection hands json as text (Django decodes JSON fields itself).
    evidence = {
        "facts": {f: row[f] for f in rule.FACT_FIELDS} if row["id"] else None,
        "enrolments": json.loads(row["enrolments"]),
        "completions": json.loads(row["completions"]),
        "population": json.loads(row["population"]) if row["population"] else None,
    }
    names = (
        {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "protected": row["protected"],
        }
        if row["id"]
        else {}
    )
    if row["youth_id"] is None:
        person = rule.Person(
            personnummer=row["pnr"],
            municipality_code=evidence["population"]["municipality_code"],
            registered_on=row["registered_on"],
            deregistration_code=evidence["population"]["deregistration_code"],
            deregistration_date=row["deregistration_date"],
            past_compulsory_on=row["past_compulsory_on"],
            turns_20_on=row["turns_20_on"],
        )
        reason = rule.registration_reason(
            person, _enrolments(evidence), _completions(evidence), on=on
        )
        return Difference(row["pnr"], Kind.NEW, reason, on, evidence=evidence, **names)
    if not row["in_group"]:
        reason = (
            rule.out_reason(rule.Facts(**evidence["facts"]))
            if row["id"]
            else rule.NOT_IN_POPULATION
        )
        last_day = _last_day(reason, row, evidence, on)
        return Difference(
            row["pnr"],
            Kind.LEAVING,
            reason,
            max(row["period_start"], min(last_day, on)),
            youth_id=row["youth_id"],
            evidence=evidence,
            **names,
        )
    changes = [
        name
        for flag, name in (
            ("protected_set", PROTECTED_SET),
            ("protected_lifted", PROTECTED_LIFTED),
            ("address_changed", ADDRESS),
            ("guardian_changed", GUARDIAN),
        )
        if row[flag]
    ]
    return Difference(
        row["pnr"],
        Kind.CHANGED,
        changes[0],
        on,
        youth_id=row["youth_id"],
        changes=changes,
        evidence=evidence,
        **names,
    )


def _last_day(reason: str, row: dict[str, Any], evidence: dict[str, Any], on: dt.date) -> dt.date:
    """The last day in the group that the evidence shows (the run's date if it shows none)."""
    day = dt.timedelta(days=1)
    if row["id"] is None:
        return on
    if reason == "FYLLT_20":
        return row["turns_20_on"] - day
    if reason in ("AVLIDEN", "UTVANDRAD", "AVREGISTRERAD") and row["deregistration_date"]:
        return row["deregistration_date"]
    if reason == "UTFLYTTAD" and row["registered_on"]:
        return row["registered_on"] - day
    if reason == "SLUTFORT_MED_EXAMEN":
        dates = [c.date for c in _completions(evidence) if c.kind in rule.QUALIFYING_COMPLETIONS]
        return min(dates, default=on)
    if reason == "PABORJAT_NATIONELLT_EL_MOTSV":
        starts = [
            e.start_date
            for e in _enrolments(evidence)
            if e.school_type in rule.UPPER_SECONDARY_SCHOOL_TYPES and rule.enrolment_active(e, on)
        ]
        return min(starts, default=on + day) - day
    return on


def _identity_changes(
    leaving: list[Difference], new: dict[str, Difference]
) -> Iterator[Difference]:
    """A registered youth whose number was replaced (HanvisningsPersonNr) and who would be
    new under the new number is one person: one `changed` proposal, not a leave and a new."""
    for difference in leaving:
        referral = difference.evidence["population"]["referral"]
        successor = new.pop(referral, None)
        if successor is None:
            yield difference
            continue
        yield Difference(
            difference.personnummer,
            Kind.CHANGED,
            IDENTITY,
            successor.effective_on,
            youth_id=difference.youth_id,
            changes=[IDENTITY],
            first_name=successor.first_name,
            last_name=successor.last_name,
            protected=successor.protected,
            new_personnummer=referral,
            evidence={**successor.evidence, "replaced": difference.evidence["population"]},
        )
    yield from new.values()
