"""From canonical records to file rows, by the profile's grain, columns and code lists."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from reporting.scb.checks import Checker
from reporting.scb.periods import HalfYear
from reporting.scb.profile import Profile
from reporting.scb.source import Contact, Measure, Record


class RowMaker:
    def __init__(
        self, profile: Profile, period: HalfYear, kommunkod: str, checker: Checker
    ) -> None:
        self.profile, self.period, self.kommunkod = profile, period, kommunkod
        self.checker = checker
        self.date_format = str(profile.file["date_format"])
        self.codes = checker.codes
        self._dates: dict[dt.date, str] = {}
        self._unknown_contact = self.unknown_code("occupation_at_contact")
        fields = [col.field for col in profile.columns]
        self._fields = fields
        # Where each field goes in a youth_event row (a field may fill more than one column).
        self._at = {f: [i for i, name in enumerate(fields) if name == f] for f in set(fields)}

    # --- values --------------------------------------------------------------------------

    def date(self, day: dt.date | None) -> str:
        if not day:
            return ""
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = day.strftime(self.date_format)
        return text

    def code(self, code_list: str, internal: str | None) -> str:
        entry = self.codes[code_list].get(internal) if internal else None
        return entry.scb if entry else ""

    def unknown_code(self, code_list: str) -> str:
        for entry in self.profile.codes.get(code_list, []):
            if entry.unknown and entry.valid_in(self.period):
                return entry.scb
        return ""

    def person_id(self, pnr: str) -> str:
        fmt = self.profile.person_id_format
        if fmt == "YYYYMMDD-NNNN":
            return f"{pnr[:8]}-{pnr[8:]}"
        if fmt == "YYMMDDNNNN":
            return pnr[2:]
        return pnr

    def base(self, rec: Record) -> dict[str, str]:
        return {
            "kommunkod": self.kommunkod,
            "period": str(self.period),
            "person_id": self.person_id(rec.personnummer),
            "registration_date": self.date(rec.registration_date),
            "registration_reason": self.code("registration_reason", rec.registration_reason),
        }

    def contact(self, c: Contact) -> dict[str, str]:
        occupation = (
            self.code("occupation_at_contact", c.occupation)
            if c.occupation
            else self._unknown_contact
        )
        return {"contact_date": self.date(c.on), "occupation_at_contact": occupation}

    def measure(self, m: Measure, *, ended: bool) -> dict[str, str]:
        out = {
            "measure_type": self.code("measure_type", m.code),
            "measure_start": self.date(m.start),
        }
        if ended:
            out["measure_end"] = self.date(m.end)
            out["occupation_after_measure"] = self.code("occupation_after_measure", m.went_on_to)
        return out

    def ended(self, rec: Record) -> dict[str, str]:
        return {
            "ended_date": self.date(rec.period_end),
            "ended_reason": self.code("ended_reason", rec.end_reason),
        }

    # --- rows ----------------------------------------------------------------------------

    def header(self) -> list[str]:
        if self.profile.grain == "youth_wide":
            out = []
            for col in self.profile.columns:
                count = {
                    "contact": self.profile.max_contacts,
                    "measure": self.profile.max_measures,
                }.get(col.repeat, 0)
                out.extend(
                    [col.name.format(n=n) for n in range(1, count + 1)]
                    if col.repeat
                    else [col.name]
                )
            return out
        return [col.name for col in self.profile.columns]

    def _line(self, values: dict[str, str]) -> list[str]:
        return [values.get(col.field, "") for col in self.profile.columns]

    def rows(self, rec: Record) -> Iterator[list[str]]:
        if self.profile.grain == "youth_wide":
            yield self._wide(rec)
            return
        kinds = self.profile.record_types
        base = self.base(rec)
        first = [base.get(f, "") for f in self._fields]  # the block 1 columns of every row
        yield self._with(first, {"record_type": kinds["registration"]})
        for c in rec.contacts:
            yield self._with(first, {"record_type": kinds["contact"], **self.contact(c)})
        for m in rec.measures:
            yield self._with(
                first, {"record_type": kinds["measure_started"], **self.measure(m, ended=False)}
            )
        for m in rec.measures_ended(self.period):
            yield self._with(
                first, {"record_type": kinds["measure_ended"], **self.measure(m, ended=True)}
            )
        if rec.ended_within(self.period):
            yield self._with(first, {"record_type": kinds["ended"], **self.ended(rec)})

    def _with(self, first: list[str], values: dict[str, str]) -> list[str]:
        """The block 1 columns with `values` (fields of other blocks) filled in."""
        line = first.copy()
        at = self._at
        for name, value in values.items():
            for i in at.get(name, ()):
                line[i] = value
        return line

    def _limit(self, items: list[Any], limit: int, rec: Record) -> list[Any]:
        if len(items) <= limit:
            return items
        if self.profile.overflow == "block_export":
            self.checker.add("TOO_MANY", rec, detail=f"({len(items)} > {limit})")
            return items[:limit]
        return items[:limit] if self.profile.overflow == "keep_first" else items[-limit:]

    def _wide(self, rec: Record) -> list[str]:
        values = {**self.base(rec)}
        if rec.ended_within(self.period):
            values.update(self.ended(rec))
        contacts = self._limit(rec.contacts, self.profile.max_contacts, rec)
        measures = self._limit(rec.measures, self.profile.max_measures, rec)
        ended_ids = {m.intervention_id for m in rec.measures_ended(self.period)}
        line: list[str] = []
        for col in self.profile.columns:
            if col.repeat == "contact":
                for n in range(self.profile.max_contacts):
                    got = self.contact(contacts[n]) if n < len(contacts) else {}
                    line.append(got.get(col.field, ""))
            elif col.repeat == "measure":
                for n in range(self.profile.max_measures):
                    m = measures[n] if n < len(measures) else None
                    got = self.measure(m, ended=m.intervention_id in ended_ids) if m else {}
                    line.append(got.get(col.field, ""))
            else:
                line.append(values.get(col.field, ""))
        return line


def digest(rows: list[list[str]]) -> str:
    """A short fingerprint of one youth's rows, to tell which youths changed between files."""
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(row).encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]
