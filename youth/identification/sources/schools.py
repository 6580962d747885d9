"""School records: enrolment lists (CSV or xlsx from other organisers and regional databases),
SS 12000 `GET /persons` answers with expanded enrolments (saved as a file or pulled), and
lists of completions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import ijson
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ijson.common import ObjectBuilder

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

ENROLMENT_COLUMNS = (
    "personnummer",
    "skolenhetskod",
    "skolform",
    "programkod",
    "startdatum",
    "slutdatum",
    "avbruten",
)
ENROLMENT_REQUIRED = ("personnummer", "skolform", "startdatum")
COMPLETION_COLUMNS = ("personnummer", "typ", "datum", "utfardare")
COMPLETION_REQUIRED = ("personnummer", "typ", "datum")
COMPLETION_KINDS = (
    "gymnasieexamen",
    "gymnasiesarskolebevis",
    "ib",
    "utlandsk_examen",
    "studiebevis",
)
# SS 12000's school types (Code_SchoolType).
SCHOOL_TYPES = (
    "FS",
    "FKLASS",
    "FTH",
    "OPPFTH",
    "GR",
    "GRS",
    "SP",
    "SAM",
    "GY",
    "GYS",
    "KOMVUX",
    "SARVUX",
    "SFI",
    "KU",
    "YH",
    "FHS",
    "STF",
    "KKU",
    "HS",
    "ABU",
    "AU",
)


def _school_type(value: str) -> str:
    code = value.strip().upper()
    if code not in SCHOOL_TYPES:
        raise RowError(
            _(
                "Okänd skolform %(value)s (SS 12000-koder: GR, GRS, SP, SAM, GY, GYS, "
                "KOMVUX, FHS, ...)."
            )
            % {"value": value[:20]}
        )
    return code


def _enrolment(
    position: int,
    number: str,
    school_unit: str,
    school_type: str,
    programme: str,
    start: str,
    end: str,
    cancelled: bool,
) -> EnrolmentRow:
    parsed = identity(number)
    start_date = iso_date(start, "startdatum")
    end_date = iso_date(end, "slutdatum", required=False)
    if end_date is not None and start_date is not None and end_date < start_date:
        raise RowError(_("Slutdatumet ligger före startdatumet."))
    return EnrolmentRow(
        position=position,
        personnummer=parsed.number,
        school_unit=school_unit[:100],
        school_type=_school_type(school_type),
        programme=programme[:40],
        start_date=start_date,
        end_date=end_date,
        cancelled=cancelled,
    )


def read_enrolment_list(
    stream: IO[bytes], filename: str, mapping: dict[str, str] | None = None
) -> Iterator[EnrolmentRow | ParsedError]:
    for number, row in table_rows(
        stream, filename, ENROLMENT_COLUMNS, ENROLMENT_REQUIRED, mapping
    ):
        try:
            yield _enrolment(
                number,
                row["personnummer"],
                row.get("skolenhetskod", ""),
                row["skolform"],
                row.get("programkod", ""),
                row["startdatum"],
                row.get("slutdatum", ""),
                yes_no(row.get("avbruten", ""), "avbruten"),
            )
        except RowError as exc:
            yield ParsedError(number, str(exc))


def read_ss12000_file(stream: IO[bytes]) -> Iterator[EnrolmentRow | ParsedError]:
    """A saved `GET /persons` answer (`{"data": [Person, ...], "pageToken": ...}`) or a plain
    list of persons, read as a stream: one person at a time is held in memory, so a national
    file of hundreds of MB reads in the memory of one person. A file that is not JSON, or not
    such an answer, raises SourceFileError at the point where that shows (the caller's
    transaction then stores nothing of it)."""
    yield from read_ss12000_persons(ss12000_persons(stream))


NOT_PERSONS = _lazy(
    'JSON-filen är inget svar från SS 12000 GET /persons (listan "data" '
    "saknas). Ingenting sparades."
)
# ijson's events that open and close an object or a list; any other event at a person's
# place is a scalar (null, true/false, a number, a string): a row error, not the file's.
_OPEN, _CLOSE = frozenset({"start_map", "start_array"}), frozenset({"end_map", "end_array"})


def ss12000_persons(stream: IO[bytes]) -> Iterator[Any]:
    """Each person of the saved answer, built from ijson's events one person at a time;
    the answer's other members (pageToken, meta) are passed over without being built, but
    read to the end: a file cut off after its persons is refused too."""
    read = 0
    try:
        events = ijson.parse(_utf8(stream), use_float=True)
        for person in _items(events, _persons_prefix(events)):
            read += 1
            yield person
        for _event in events:
            pass
    except SourceFileError:
        raise
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise SourceFileError(
            _("JSON-filen kunde inte läsas efter person %(n)s (%(e)s). Ingenting sparades.")
            % {"n": read, "e": _first_line(exc)}
        ) from exc


def _persons_prefix(events: Iterator[tuple[str, str, Any]]) -> str:
    """Reads up to the start of the list of persons; ijson's prefix of its items."""
    first = next(events, None)
    if first is not None and first[1] == "start_array":
        return "item"
    if first is not None and first[1] == "start_map":
        for prefix, event, _value in events:
            if prefix == "data":
                if event == "start_array":
                    return "data.item"
                break
    raise SourceFileError(str(NOT_PERSONS))


def _items(events: Iterator[tuple[str, str, Any]], item: str) -> Iterator[Any]:
    """The list's items, each built whole (an object, a list or a scalar), until it ends."""
    builder, depth = None, 0
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            depth += (event in _OPEN) - (event in _CLOSE)
            if depth == 0:
                yield builder.value
                builder = None
        elif prefix != item:
            return  # the end of the list
        elif event in _OPEN:
            builder, depth = ObjectBuilder(), 1
            builder.event(event, value)
        else:
            yield value


def _first_line(exc: Exception) -> str:
    """The parser's complaint without the excerpt of the file it quotes (personal data)."""
    text = exc.args[0] if exc.args else exc
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return str(text).strip().split("\n", 1)[0][:120]


def _utf8(stream: IO[bytes]) -> IO[bytes]:
    """The stream past a UTF-8 byte order mark; a UTF-16 file is refused (JSON is UTF-8)."""
    head = stream.read(3)
    if not head:
        raise SourceFileError(_("Filen är tom."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceFileError(
            _(
                "JSON-filen är sparad som UTF-16. Spara den som UTF-8 och "
                "försök igen. Ingenting sparades."
            )
        )
    if head != b"\xef\xbb\xbf":
        stream.seek(0)
    return stream


def read_ss12000_persons(
    persons: Iterable[Any], start: int = 1
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
                yield _enrolment(
                    position,
                    number,
                    str(unit.get("displayName") or unit.get("id") or ""),
                    str(enrolment.get("schoolType") or ""),
                    str(enrolment.get("educationCode") or programme.get("displayName") or ""),
                    str(enrolment.get("startDate") or ""),
                    str(enrolment.get("endDate") or ""),
                    bool(enrolment.get("cancelled")),
                )
            except RowError as exc:
                yield ParsedError(position, str(exc))


def read_completions(
    stream: IO[bytes], filename: str, mapping: dict[str, str] | None = None
) -> Iterator[CompletionRow | ParsedError]:
    for number, row in table_rows(
        stream, filename, COMPLETION_COLUMNS, COMPLETION_REQUIRED, mapping
    ):
        try:
            parsed = identity(row["personnummer"])
            kind = row["typ"].strip().lower()
            if kind not in COMPLETION_KINDS:
                raise RowError(
                    _("Okänd typ %(value)s (%(kinds)s).")
                    % {"value": kind[:30], "kinds": ", ".join(COMPLETION_KINDS)}
                )
            yield CompletionRow(
                position=number,
                personnummer=parsed.number,
                kind=kind,
                date=iso_date(row["datum"], "datum"),
                issuer=row.get("utfardare", "")[:200],
            )
        except RowError as exc:
            yield ParsedError(number, str(exc))
