"""The comparison of the rule's answer with the register, in PostgreSQL: one query over the
whole population store finds who is in the target group and how that differs from the youths
with an open KAA period; only the differences come back to Python, which names the reasons
and gathers the evidence (which source row said what, and when it arrived)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from kaa.models import Municipality
from youth.identification import rule
from youth.identification.models import (
    CompletionRecord,
    EnrolmentRecord,
    PopulationRecord,
    Proposal,
)

Kind = Proposal.Kind
CHUNK = 2000

# Changes to a registered youth that a run proposes (Proposal.changes).
IDENTITY = "IDENTITY"
PROTECTED_SET = "PROTECTED_SET"
PROTECTED_LIFTED = "PROTECTED_LIFTED"
ADDRESS = "ADDRESS"
GUARDIAN = "GUARDIAN"

REGISTER_SQL = """
SELECT y.id AS youth_id, y.personnummer, y.protected_identity, y.address, y.postal_code,
       y.city, k.start_date AS period_start, (y.restricted_at IS NOT NULL) AS frozen
FROM youth_youth y
JOIN youth_kaaperiod k ON k.youth_id = y.id AND k.end_date IS NULL
WHERE y.municipality_id = %(municipality)s AND y.anonymised_at IS NULL
"""

COMPARE_SQL = f"""
WITH f AS ({rule.FACTS_SQL}),
g AS (SELECT f.*, {rule.IN_GROUP_SQL} AS in_group FROM f),
r AS ({REGISTER_SQL}),
j AS (
  SELECT g.*, p.referral_personnummer, r.youth_id, r.period_start, r.frozen,
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
)
SELECT * FROM j
WHERE (in_group AND youth_id IS NULL)
   OR (youth_id IS NOT NULL AND NOT COALESCE(in_group, FALSE))
   OR (in_group AND (protected_set OR protected_lifted OR address_changed OR guardian_changed))
"""  # noqa: S608  # nosec B608  built from the constant fragments above, no input

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
        relevant = {"kind": self.kind, "reason": self.reason, "changes": self.changes,
                    "new_personnummer": self.new_personnummer,
                    "population": {k: v for k, v in (self.evidence.get("population") or {})
                                   .items() if k not in ("file", "arrived", "position",
                                                         "delivery")},
                    "enrolments": sorted(json.dumps({k: v for k, v in e.items() if k not in (
                        "file", "arrived", "position", "delivery")}, sort_keys=True)
                        for e in self.evidence.get("enrolments", [])),
                    "completions": sorted(json.dumps({k: v for k, v in c.items() if k not in (
                        "file", "arrived", "position", "delivery")}, sort_keys=True)
                        for c in self.evidence.get("completions", []))}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


@dataclass
class Comparison:
    in_group: int = 0
    registered_in_group: int = 0
    differences: list[Difference] = field(default_factory=list)
    frozen: int = 0  # registered youths whose processing is restricted: never proposed


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def compare(*, municipality: Municipality, on: dt.date) -> Comparison:
    """The rule over the municipality's whole population store against the register."""
    params = {"code": municipality.code, "on": on, "municipality": municipality.pk}
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, params)
        in_group, registered_in_group = cursor.fetchone()
    result = Comparison(in_group=in_group, registered_in_group=registered_in_group)
    rows = _rows(COMPARE_SQL, params)
    frozen = [row for row in rows if row["frozen"]]
    result.frozen = len(frozen)
    rows = [row for row in rows if not row["frozen"]]
    for start in range(0, len(rows), CHUNK):
        result.differences += _differences(rows[start:start + CHUNK], municipality, on)
    result.differences = _identity_changes(result.differences)
    return result


def _differences(rows: list[dict[str, Any]], municipality: Municipality, on: dt.date
                 ) -> list[Difference]:
    numbers = [row["pnr"] for row in rows]
    records = {r.pk: r for r in PopulationRecord.objects.filter(
        pk__in=[row["id"] for row in rows if row["id"]]).select_related("delivery__source")}
    enrolments: dict[str, list[EnrolmentRecord]] = defaultdict(list)
    for enrolment in (EnrolmentRecord.objects.filter(personnummer__in=numbers)
                      .select_related("delivery__source__municipality")
                      .order_by("start_date", "pk")):
        enrolments[enrolment.personnummer].append(enrolment)
    completions: dict[str, list[CompletionRecord]] = defaultdict(list)
    for completion in (CompletionRecord.objects.filter(personnummer__in=numbers)
                       .select_related("delivery__source__municipality")
                       .order_by("date", "pk")):
        completions[completion.personnummer].append(completion)
    differences = []
    for row in rows:
        record = records.get(row["id"])
        person_enrolments = enrolments[row["pnr"]]
        person_completions = completions[row["pnr"]]
        difference = _difference(row, record, person_enrolments, person_completions, on)
        difference.evidence = _evidence(row, record, person_enrolments, person_completions)
        differences.append(difference)
    return differences


def _person(record: PopulationRecord) -> rule.Person:
    return rule.Person(personnummer=record.personnummer,
                       municipality_code=record.municipality_code,
                       registered_on=record.registered_on,
                       deregistration_code=record.deregistration_code,
                       deregistration_date=record.deregistration_date,
                       past_compulsory_on=record.past_compulsory_on,
                       turns_20_on=record.turns_20_on)


def _enrolment(record: EnrolmentRecord) -> rule.Enrolment:
    return rule.Enrolment(school_type=record.school_type, start_date=record.start_date,
                          end_date=record.end_date, cancelled=record.cancelled,
                          programme=record.programme)


def _difference(row: dict[str, Any], record: PopulationRecord | None,
                enrolments: list[EnrolmentRecord], completions: list[CompletionRecord],
                on: dt.date) -> Difference:
    names = {"first_name": record.first_name, "last_name": record.last_name,
             "protected": record.protected} if record else {}
    if row["youth_id"] is None:
        reason = rule.registration_reason(
            _person(record), [_enrolment(e) for e in enrolments],
            [rule.Completion(c.kind, c.date) for c in completions], on=on)
        return Difference(row["pnr"], Kind.NEW, reason, on, **names)
    if not row["in_group"]:
        reason = rule.out_reason(rule.Facts(**{f: row[f] for f in rule.FACT_FIELDS})
                                 ) if record else rule.NOT_IN_POPULATION
        last_day = _last_day(reason, record, enrolments, completions, on)
        return Difference(row["pnr"], Kind.LEAVING, reason,
                          max(row["period_start"], min(last_day, on)),
                          youth_id=row["youth_id"], **names)
    changes = [name for flag, name in (("protected_set", PROTECTED_SET),
                                       ("protected_lifted", PROTECTED_LIFTED),
                                       ("address_changed", ADDRESS),
                                       ("guardian_changed", GUARDIAN)) if row[flag]]
    return Difference(row["pnr"], Kind.CHANGED, changes[0], on, youth_id=row["youth_id"],
                      changes=changes, **names)


def _last_day(reason: str, record: PopulationRecord | None,
              enrolments: list[EnrolmentRecord], completions: list[CompletionRecord],
              on: dt.date) -> dt.date:
    """The last day in the group that the evidence shows (the run's date if it shows none)."""
    day = dt.timedelta(days=1)
    if record is None:
        return on
    if reason == "FYLLT_20":
        return record.turns_20_on - day
    if reason in ("AVLIDEN", "UTVANDRAD", "AVREGISTRERAD") and record.deregistration_date:
        return record.deregistration_date
    if reason == "UTFLYTTAD" and record.registered_on:
        return record.registered_on - day
    if reason == "SLUTFORT_MED_EXAMEN":
        dates = [c.date for c in completions if c.kind in rule.QUALIFYING_COMPLETIONS]
        return min(dates, default=on)
    if reason == "PABORJAT_NATIONELLT_EL_MOTSV":
        starts = [e.start_date for e in enrolments
                  if e.school_type in rule.UPPER_SECONDARY_SCHOOL_TYPES
                  and rule.enrolment_active(_enrolment(e), on)]
        return min(starts, default=on + day) - day
    return on


def _identity_changes(differences: list[Difference]) -> list[Difference]:
    """A registered youth whose number was replaced (HanvisningsPersonNr) and who would be
    new under the new number is one person: one `changed` proposal, not a leave and a new."""
    new = {d.personnummer: d for d in differences if d.kind == Kind.NEW}
    merged: list[Difference] = []
    taken: set[str] = set()
    for difference in differences:
        referral = (difference.evidence.get("population") or {}).get("referral", "")
        if difference.kind == Kind.LEAVING and referral in new:
            successor = new[referral]
            taken.add(referral)
            merged.append(Difference(
                difference.personnummer, Kind.CHANGED, IDENTITY, successor.effective_on,
                youth_id=difference.youth_id, changes=[IDENTITY],
                first_name=successor.first_name, last_name=successor.last_name,
                protected=successor.protected, new_personnummer=referral,
                evidence={**successor.evidence,
                          "replaced": difference.evidence.get("population")}))
        else:
            merged.append(difference)
    return [d for d in merged if not (d.kind == Kind.NEW and d.personnummer in taken)]


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _evidence(row: dict[str, Any], record: PopulationRecord | None,
              enrolments: list[EnrolmentRecord], completions: list[CompletionRecord]
              ) -> dict[str, Any]:
    """What each source said about the person, with the row and when the source arrived.
    A protected identity's address is never part of it."""
    evidence: dict[str, Any] = {
        "facts": {f: row[f] for f in rule.FACT_FIELDS} if record else None,
        "enrolments": [_source_fields(e.delivery) | {
            "position": e.position, "school_type": e.school_type, "school_unit": e.school_unit,
            "programme": e.programme, "start": _when(e.start_date), "end": _when(e.end_date),
            "cancelled": e.cancelled} for e in enrolments],
        "completions": [_source_fields(c.delivery) | {
            "position": c.position, "kind": c.kind, "date": _when(c.date),
            "issuer": c.issuer} for c in completions],
        "population": None,
    }
    if record is not None:
        population = _source_fields(record.delivery) | {
            "position": record.position, "municipality_code": record.municipality_code,
            "registered_on": _when(record.registered_on),
            "deregistration_code": record.deregistration_code,
            "deregistration_date": _when(record.deregistration_date),
            "protected": record.protected, "secrecy": record.secrecy,
            "referral": record.referral_personnummer,
            "guardians": [g.get("name", "") for g in record.guardians],
            "birth_date": _when(record.birth_date)}
        if not record.protected:
            population |= {"address": record.address, "postal_code": record.postal_code,
                           "city": record.city}
        evidence["population"] = population
    return evidence


def _source_fields(delivery: Any) -> dict[str, Any]:
    return {"source": delivery.source.name, "file": delivery.filename,
            "delivery": delivery.pk, "arrived": _when(delivery.arrived_at),
            "effective": _when(delivery.effective_date)}
