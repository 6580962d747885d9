"""Skatteverket's Navet population files: the XML `Navetavisering` (a full extract,
grunduttag, or change notices, ändringsavisering, which carry each changed person's whole
current record) and the CSV fallback with the same fields.

The XML is read as a stream of `Folkbokforingspost` elements with defusedxml: a document type
declaration (and so any entity expansion) is refused, and each post is dropped from memory
once read. Elements this reader does not know are ignored, so new optional elements from
Skatteverket do not break it. Positions are the post's ordinal in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import Element, ParseError  # nosec B405  # types only: parsing is defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from youth.identification.sources import (
    ParsedError,
    PopulationRow,
    RowError,
    SourceFileError,
    identity,
    iso_date,
    table_rows,
    yes_no,
)

GUARDIAN = "V"  # Relationstyp: vårdnadshavare
MAX_TEXT = 200

CSV_COLUMNS = (
    "personnummer",
    "fornamn",
    "efternamn",
    "kommunkod",
    "folkbokforingsdatum",
    "sekretessmarkering",
    "skyddad_folkbokforing",
    "avregistreringskod",
    "avregistreringsdatum",
    "adress",
    "postnummer",
    "postort",
)
CSV_REQUIRED = ("personnummer", "kommunkod")


@dataclass
class NavetHeader:
    """Aviseringsinformation: what the file says about itself."""

    filename: str = ""
    effective_date: dt.date | None = None
    order_type: str = ""
    records: int | None = None

    @property
    def is_full_extract(self) -> bool | None:
        """True for a grunduttag, False for change notices, None if the file does not say."""
        kind = self.order_type.lower()
        if "grund" in kind:
            return True
        if "andr" in kind or "ändr" in kind or "avis" in kind:
            return False
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path) if path else element
    return ((found.text or "").strip() if found is not None else "")[:MAX_TEXT]


def _navet_date(value: str) -> dt.date | None:
    """Navet dates are YYYYMMDD and may be incomplete (00 for an unknown month or day)."""
    if not value:
        return None
    if len(value) != 8 or not value.isdigit():
        raise RowError(_("Ogiltigt datum: %(value)s") % {"value": value[:20]})
    year, month, day = int(value[:4]), int(value[4:6]) or 1, int(value[6:]) or 1
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise RowError(_("Ogiltigt datum: %(value)s") % {"value": value}) from exc


def _name(element: Element | None) -> tuple[str, str]:
    return _text(element, "Fornamn"), _text(element, "Efternamn")


def _guardians(person: Element) -> list[dict[str, str]]:
    guardians = []
    relations = _child(person, "Relationer")
    for relation in relations if relations is not None else ():
        if _local(relation.tag) != "Relation" or _text(relation, "Relationstyp") != GUARDIAN:
            continue
        if _text(relation, "RelationTomdatum") or _child(relation, "Avregistrering") is not None:
            continue  # ended, or the guardian is deregistered
        first, last = _name(_child(relation, "Namn"))
        guardians.append(
            {
                "personnummer": _text(relation, "RelationId", "PersonNr"),
                "name": f"{first} {last}".strip(),
            }
        )
    return guardians


def _post(post: Element, position: int) -> PopulationRow:
    person = _child(post, "Personpost")
    if person is None:
        raise RowError(_("Personpost saknas."))
    number = _text(person, "PersonId", "PersonNr") or _text(
        person, "PersonId", "TilldelatPersonNrSamordningsNr"
    )
    if not number:
        raise RowError(_("PersonId saknar personnummer."))
    parsed = identity(number)
    first, last = _name(_child(person, "Namn"))
    registration = _child(person, "Folkbokforing")
    county, municipality = _text(registration, "LanKod"), _text(registration, "KommunKod")
    secrecy = _text(post, "Sekretessmarkering").upper() == "J"
    protected = _text(post, "SkyddadFolkbokforing").upper() == "J" or secrecy
    address = _child(person, "Adresser", "Folkbokforingsadress")
    row = PopulationRow(
        position=position,
        personnummer=parsed.number,
        birth_date=parsed.birth_date,
        is_coordination_number=parsed.is_coordination_number,
        first_name=first,
        last_name=last,
        municipality_code=f"{county:0>2}{municipality:0>2}" if municipality else "",
        registered_on=_navet_date(_text(registration, "Folkbokforingsdatum")),
        secrecy=secrecy,
        protected=protected,
        deregistration_code=_text(person, "Avregistrering", "AvregistreringsorsakKod")[:2],
        deregistration_date=_navet_date(_text(person, "Avregistrering", "Avregistreringsdatum")),
        guardians=_guardians(person),
    )
    referral = _text(person, "HanvisningsPersonNr")
    if referral:
        row.referral_personnummer = identity(referral).number
    if address is not None and not protected:  # a protected identity never has an address
        row.address = ", ".join(
            filter(
                None, (_text(address, "Utdelningsadress1"), _text(address, "Utdelningsadress2"))
            )
        )
        row.postal_code = _text(address, "PostNr").replace(" ", "")[:10]
        row.city = _text(address, "Postort")[:100]
    return row


def _header(info: Element) -> NavetHeader:
    outfile = _child(info, "Filinformation", "Utfil")
    records = _text(outfile, "AntalPosterTotalt") or _text(outfile, "AntalPoster")
    try:
        effective = _navet_date(_text(outfile, "Effektueringsdatum"))
    except RowError:
        effective = None
    return NavetHeader(
        filename=_text(outfile, "Filnamn"),
        effective_date=effective,
        order_type=(
            _text(info, "Filinformation", "Bestallningstyp")
            or _text(info, "Filinformation", "Filtyp")
        ),
        records=int(records) if records.isdigit() else None,
    )


def read_xml(stream: IO[bytes]) -> Iterator[NavetHeader | PopulationRow | ParsedError]:
    """The file's header (once, when read) and then each post as a row or a row error."""
    position = 0
    posts: Element | None = None
    root: Element | None = None
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                if root is None:
                    root = _root(element)
                elif name == "Folkbokforingsposter":
                    posts = element
            elif name == "Aviseringsinformation":
                yield _header(element)
            elif name == "Folkbokforingspost":
                position += 1
                yield _post_or_error(element, position)
                if posts is not None:
                    posts.clear()  # read posts are not kept
    except (ParseError, DefusedXmlException) as exc:
        raise SourceFileError(
            _("XML-filen kunde inte läsas (%(error)s). Inget har sparats.")
            % {"error": _xml_error(exc)}
        ) from exc
    if root is None:
        raise SourceFileError(_("Filen är tom."))


def _root(element: Element) -> Element:
    if _local(element.tag) != "Navetavisering":
        raise SourceFileError(
            _("Filen är ingen Navetavisering (rotelementet heter %(name)s).")
            % {"name": _local(element.tag)[:40]}
        )
    return element


def _post_or_error(element: Element, position: int) -> PopulationRow | ParsedError:
    try:
        return _post(element, position)
    except RowError as exc:
        return ParsedError(position, str(exc))


def _xml_error(exc: Exception) -> str:
    if isinstance(exc, DefusedXmlException):
        return _("filen innehåller en dokumenttypdeklaration eller entiteter, som inte tillåts")
    return str(exc)[:200]


def read_csv(
    stream: IO[bytes], filename: str, mapping: dict[str, str] | None = None
) -> Iterator[PopulationRow | ParsedError]:
    """The CSV fallback, one row at a time (J/N flags, dates as YYYY-MM-DD or YYYYMMDD)."""
    for number, row in table_rows(stream, filename, CSV_COLUMNS, CSV_REQUIRED, mapping):
        try:
            yield _csv_row(number, row)
        except RowError as exc:
            yield ParsedError(number, str(exc))


def _csv_row(number: int, row: dict[str, str]) -> PopulationRow:
    parsed = identity(row["personnummer"])
    code = row["kommunkod"]
    if not (len(code) == 4 and code.isdigit()):
        raise RowError(_("Kommunkoden ska ha fyra siffror."))
    secrecy = yes_no(row.get("sekretessmarkering", ""), "sekretessmarkering")
    protected = yes_no(row.get("skyddad_folkbokforing", ""), "skyddad_folkbokforing") or secrecy
    result = PopulationRow(
        position=number,
        personnummer=parsed.number,
        birth_date=parsed.birth_date,
        is_coordination_number=parsed.is_coordination_number,
        first_name=row.get("fornamn", "")[:100],
        last_name=row.get("efternamn", "")[:100],
        municipality_code=code,
        registered_on=iso_date(
            row.get("folkbokforingsdatum", ""), "folkbokforingsdatum", required=False
        ),
        secrecy=secrecy,
        protected=protected,
        deregistration_code=row.get("avregistreringskod", "").upper()[:2],
        deregistration_date=iso_date(
            row.get("avregistreringsdatum", ""), "avregistreringsdatum", required=False
        ),
    )
    if not protected:
        result.address = row.get("adress", "")[:200]
        result.postal_code = row.get("postnummer", "").replace(" ", "")[:10]
        result.city = row.get("postort", "")[:100]
    return result
