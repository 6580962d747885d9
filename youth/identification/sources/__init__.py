"""Readers of the identification sources. Each reads a file as a stream and yields one
record or one row error at a time, so memory does not grow with the file; a file that
cannot be read at all raises `SourceFileError` (the caller then stores nothing).

Personal identity numbers are validated here (Luhn, century, samordningsnummer).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal, overload

from django.utils import timezone
from django.utils.translation import gettext as _

from youth import personnummer as pnr

READ_AHEAD = 64 * 1024


class SourceFileError(ValueError):
    """The file cannot be read at all; str() is a message for the user. Nothing is stored."""


class RowError(ValueError):
    """One row (or XML element) is wrong; the others are read."""


@dataclass(frozen=True)
class ParsedError:
    position: int
    message: str


@dataclass
class PopulationRow:
    position: int
    personnummer: str
    birth_date: dt.date
    is_coordination_number: bool
    first_name: str = ""
    last_name: str = ""
    municipality_code: str = ""
    registered_on: dt.date | None = None
    secrecy: bool = False
    protected: bool = False
    deregistration_code: str = ""
    deregistration_date: dt.date | None = None
    referral_personnummer: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    guardians: list[dict[str, str]] = field(default_factory=list)


@dataclass
class EnrolmentRow:
    position: int
    personnummer: str
    school_unit: str
    school_type: str
    programme: str
    start_date: dt.date
    end_date: dt.date | None
    cancelled: bool


@dataclass
class CompletionRow:
    position: int
    personnummer: str
    kind: str
    date: dt.date
    issuer: str


def identity(value: str) -> pnr.Personnummer:
    """A personnummer or samordningsnummer, or RowError."""
    try:
        return pnr.parse(value.strip(), today=timezone.localdate() + dt.timedelta(days=1))
    except pnr.PersonnummerError as exc:
        raise RowError(
            _("Personnumret %(value)s: %(error)s") % {"value": value.strip()[:20], "error": exc}
        ) from exc


@overload
def iso_date(value: str, column: str, *, required: Literal[True] = True) -> dt.date: ...


@overload
def iso_date(value: str, column: str, *, required: bool) -> dt.date | None: ...


def iso_date(value: str, column: str, *, required: bool = True) -> dt.date | None:
    """YYYY-MM-DD or YYYYMMDD; empty gives None unless required."""
    value = value.strip()
    if not value:
        if required:
            raise RowError(_("Kolumnen %(col)s saknar datum.") % {"col": column})
        return None
    for shape in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(value, shape).date()  # noqa: DTZ007  a date only
        except ValueError:
            continue
    raise RowError(
        _("Kolumnen %(col)s har inget giltigt datum: %(value)s")
        % {"col": column, "value": value[:20]}
    )


def yes_no(value: str, column: str) -> bool:
    flag = value.strip().upper()
    if flag in ("J", "JA", "Y", "1", "TRUE"):
        return True
    if flag in ("", "N", "NEJ", "0", "FALSE"):
        return False
    raise RowError(_("Kolumnen %(col)s ska vara J eller N.") % {"col": column})


def text_stream(stream: IO[bytes]) -> IO[str]:
    """The byte stream as text: UTF-8 (with or without BOM), otherwise Windows-1252."""
    head = stream.read(READ_AHEAD)
    stream.seek(0)
    if not head:
        raise SourceFileError(_("Filen är tom."))
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def _header_index(
    header: list[str],
    columns: tuple[str, ...],
    required: tuple[str, ...],
    mapping: dict[str, str] | None,
) -> dict[str, int]:
    names = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(header)}
    index = {}
    for column in columns:
        name = (mapping or {}).get(column, column).strip().lower()
        if name in names:
            index[column] = names[name]
    missing = [c for c in required if c not in index]
    if missing and mapping:
        named = [
            _("%(col)s (rubriken \u201d%(header)s\u201d)")
            % {"col": c, "header": mapping[c].strip()[:60]}
            if mapping.get(c)
            else c
            for c in missing
        ]
        raise SourceFileError(
            _(
                "Filen saknar kolumnerna %(cols)s, också med den valda "
                "kolumnmappningen. Kontrollera att mappningen gäller filens "
                "rubrikrad. Ingenting sparades."
            )
            % {"cols": ", ".join(named)}
        )
    if missing:
        raise SourceFileError(
            _("Filen saknar kolumnerna %(cols)s. Rubrikraden ska vara: %(header)s")
            % {"cols": ", ".join(missing), "header": ";".join(columns)}
        )
    return index


def table_rows(
    stream: IO[bytes],
    filename: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    mapping: dict[str, str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) for each data row of a CSV or xlsx file; the header row
    is row 1. Headers are matched case-insensitively (or through a saved column mapping)."""
    rows = _xlsx_rows(stream) if _is_xlsx(stream, filename) else _csv_rows(stream)
    try:
        header = next(rows, None)
        if header is None:
            raise SourceFileError(_("Filen är tom."))
        index = _header_index(header, columns, required, mapping)
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            yield (
                number,
                {col: (row[i].strip() if i < len(row) else "") for col, i in index.items()},
            )
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            _("Filen är varken UTF-8 eller Windows-1252. Spara den som CSV UTF-8 och försök igen.")
        ) from exc
    except csv.Error as exc:
        raise SourceFileError(_("Filen kunde inte läsas som CSV: %(e)s") % {"e": exc}) from exc


def _is_xlsx(stream: IO[bytes], filename: str) -> bool:
    head = stream.read(2)
    stream.seek(0)
    return filename.lower().endswith(".xlsx") or head == b"PK"


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    text = text_stream(stream)
    first = text.readline()
    text.seek(0)
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    yield from csv.reader(text, delimiter=delimiter)


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  openpyxl raises many kinds on a broken file
        raise SourceFileError(_("Excelfilen kunde inte läsas.")) from exc
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
