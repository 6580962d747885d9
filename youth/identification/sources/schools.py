"""School records: enrolment lists (CSV or xlsx from other organisers and regional databases),
SS 12000 `GET /persons` answers with expanded enrolments (saved as a file or pulled), and
lists of completions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from youth.identification.sources import (
    CompletionRow,
    EnrolmentRow,
    ParsedError,
    RowError,
    SourceFileError,
    identity,
    iso_date,
    table_rows,
    yes_no,
)

ENROLMENT_COLUMNS = ("personnummer", "skolenhetskod", "skolform", "programkod", "startdatum",
                     "slutdatum", "avbruten")
ENROLMENT_REQUIRED = ("personnummer", "skolform", "startdatum")
COMPLETION_COLUMNS = ("personnummer", "typ", "datum", "utfardare")
COMPLETION_KINDS = ("gymnasieexamen", "gymnasiesarskolebevis", "ib", "utlandsk_examen",
                    "studiebevis")
# SS 12000's school types (Code_SchoolType).
SCHOOL_TYPES = ("FS", "FKLASS", "FTH", "OPPFTH", "GR", "GRS", "SP", "SAM", "GY", "GYS",
                "KOMVUX", "SARVUX", "SFI", "KU", "YH", "FHS", "STF", "KKU", "HS", "ABU", "AU")


def _school_type(value: str) -> str:
    code = value.strip().upper()
    if code not in SCHOOL_TYPES:
        raise RowError(_("Okänd skolform %(value)s (SS 12000-koder: GR, GRS, SP, SAM, GY, GYS, "
                         "KOMVUX, FHS, ...).") % {"value": value[:20]})
    return code


def _enrolment(position: int, number: str, school_unit: str, school_type: str,
               programme: str, start: str, end: str, cancelled: bool) -> EnrolmentRow:
    parsed = identity(number)
    start_date = iso_date(start, "startdatum")
    end_date = iso_date(end, "slutdatum", required=False)
    if end_date is not None and start_date is not None and end_date < start_date:
        raise RowError(_("Slutdatumet ligger före startdatumet."))
    return EnrolmentRow(position=position, personnummer=parsed.number,
                        school_unit=school_unit[:100], school_type=_school_type(school_type),
                        programme=programme[:40], start_date=start_date,
                        end_date=end_date, cancelled=cancelled)


def read_enrolment_list(stream: IO[bytes], filename: str, mapping: dict[str, str] | None = None
                        ) -> Iterator[EnrolmentRow | ParsedError]:
    for number, row in table_rows(stream, filename, ENROLMENT_COLUMNS, ENROLMENT_REQUIRED,
                                  mapping):
        try:
            yield _enrolment(number, row["personnummer"], row.get("skolenhetskod", ""),
                             row["skolform"], row.get("programkod", ""), row["startdatum"],
                             row.get("slutdatum", ""),
                             yes_no(row.get("avbruten", ""), "avbruten"))
        except RowError as exc:
            yield ParsedError(number, str(exc))


def ss12000_persons(document: Any) -> list[Any]:
    """The persons of a `GET /persons` answer (`{"data": [...], "pageToken": ...}`) or of a
    plain list of persons; SourceFileError for anything else."""
    persons = document.get("data") if isinstance(document, dict) else document
    if not isinstance(persons, list):
        raise SourceFileError(_("JSON-filen är inget svar från SS 12000 GET /persons "
                                "(listan \"data\" saknas)."))
    return persons


def read_ss12000_file(stream: IO[bytes]) -> Iterator[EnrolmentRow | ParsedError]:
    """A saved `GET /persons?expand=enrolments` answer (or several pages as a list)."""
    try:
        document = json.load(stream)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceFileError(_("JSON-filen kunde inte läsas: %(e)s") % {"e": str(exc)[:200]}
                              ) from exc
    yield from read_ss12000_persons(ss12000_persons(document))


def read_ss12000_persons(persons: Iterable[Any], start: int = 1
                         ) -> Iterator[EnrolmentRow | ParsedError]:
    """Each enrolment of each person; positions are the person's ordinal (from `start`)."""
    for position, person in enumerate(persons, start=start):
        try:
            if not isinstance(person, dict):
                raise RowError(_("Personen är inget JSON-objekt."))
            number = str((person.get("civicNo") or {}).get("value") or "")
            if not number:
                raise RowError(_("civicNo.value saknas."))
            enrolments = person.get("enrolments") or []
            identity(number)
        except RowError as exc:
            yield ParsedError(position, str(exc))
            continue
        for enrolment in enrolments:
            try:
                if not isinstance(enrolment, dict):
                    raise RowError(_("Inskrivningen är inget JSON-objekt."))
                unit = enrolment.get("enroledAt") or {}
                programme = enrolment.get("programme") or {}
                yield _enrolment(position, number,
                                 str(unit.get("displayName") or unit.get("id") or ""),
                                 str(enrolment.get("schoolType") or ""),
                                 str(enrolment.get("educationCode")
                                     or programme.get("displayName") or ""),
                                 str(enrolment.get("startDate") or ""),
                                 str(enrolment.get("endDate") or ""),
                                 bool(enrolment.get("cancelled")))
            except RowError as exc:
                yield ParsedError(position, str(exc))


def read_completions(stream: IO[bytes], filename: str, mapping: dict[str, str] | None = None
                     ) -> Iterator[CompletionRow | ParsedError]:
    for number, row in table_rows(stream, filename, COMPLETION_COLUMNS, COMPLETION_COLUMNS[:3],
                                  mapping):
        try:
            parsed = identity(row["personnummer"])
            kind = row["typ"].strip().lower()
            if kind not in COMPLETION_KINDS:
                raise RowError(_("Okänd typ %(value)s (%(kinds)s).")
                               % {"value": kind[:30], "kinds": ", ".join(COMPLETION_KINDS)})
            yield CompletionRow(position=number, personnummer=parsed.number, kind=kind,
                                date=iso_date(row["datum"], "datum"),
                                issuer=row.get("utfardare", "")[:200])
        except RowError as exc:
            yield ParsedError(number, str(exc))
