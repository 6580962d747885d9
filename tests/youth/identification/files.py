"""Small source files written for the tests: Navet XML, the CSV layouts, SS 12000 JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
from itertools import count
from typing import Any

from demo.factories.youth import born_aged as born_aged  # the tests import it from here
from demo.factories.youth import personnummer_for

_serial = count()


def pnr(birth: dt.date, *, coordination: bool = False) -> str:
    """A fresh valid personnummer (or samordningsnummer) for someone born on `birth`."""
    # Serials 500-999 (the factories make 000-499): never a youth's number by accident.
    return personnummer_for(birth, 500 + next(_serial) % 500, coordination=coordination)


def post(
    number: str,
    *,
    county: str = "18",
    kommun: str = "82",
    first: str = "Alva",
    last: str = "Berg",
    registered: str = "20100101",
    protected: bool = False,
    secrecy: bool = False,
    dereg: str = "",
    dereg_date: str = "",
    referral: str = "",
    address: str = "Storgatan 1",
    postal: str = "69630",
    city: str = "Askersund",
    guardians: tuple[str, ...] = (),
    extra: str = "",
    coordination: bool = False,
) -> str:
    """One Folkbokforingspost."""
    id_element = "TilldelatPersonNrSamordningsNr" if coordination else "PersonNr"
    parts = [
        f"<Sekretessmarkering>{'J' if secrecy else 'N'}</Sekretessmarkering>",
        f"<SkyddadFolkbokforing>{'J' if protected else 'N'}</SkyddadFolkbokforing>",
        f"<Personpost><PersonId><{id_element}>{number}</{id_element}></PersonId>",
    ]
    if referral:
        parts.append(f"<HanvisningsPersonNr>{referral}</HanvisningsPersonNr>")
    if dereg:
        parts.append(
            f"<Avregistrering><AvregistreringsorsakKod>{dereg}"
            f"</AvregistreringsorsakKod><Avregistreringsdatum>{dereg_date}"
            "</Avregistreringsdatum></Avregistrering>"
        )
    parts.append(f"<Namn><Fornamn>{first}</Fornamn><Efternamn>{last}</Efternamn></Namn>")
    parts.append(
        f"<Folkbokforing><Folkbokforingsdatum>{registered}</Folkbokforingsdatum>"
        f"<LanKod>{county}</LanKod><KommunKod>{kommun}</KommunKod></Folkbokforing>"
    )
    if address and not protected:
        parts.append(
            f"<Adresser><Folkbokforingsadress><Utdelningsadress2>{address}"
            f"</Utdelningsadress2><PostNr>{postal}</PostNr><Postort>{city}</Postort>"
            "</Folkbokforingsadress></Adresser>"
        )
    if guardians:
        relations = "".join(
            f"<Relation><RelationId><PersonNr>197501019999</PersonNr></RelationId>"
            f"<Relationstyp>V</Relationstyp><Namn><Fornamn>{g.split()[0]}</Fornamn>"
            f"<Efternamn>{g.split()[-1]}</Efternamn></Namn></Relation>"
            for g in guardians
        )
        parts.append(f"<Relationer>{relations}</Relationer>")
    parts.append(extra)
    parts.append("</Personpost>")
    return f"<Folkbokforingspost>{''.join(parts)}</Folkbokforingspost>"


def navet(
    *posts: str,
    order: str = "Grunduttag",
    effective: str = "20261130",
    filename: str = "NAVET.XML",
) -> bytes:
    """A Navetavisering with `posts`."""
    header = (
        "<Aviseringsinformation><Medieleverantor><OrgNr>202100547200</OrgNr>"
        "</Medieleverantor><Mediemottagare><OrgNr>212000188200</OrgNr></Mediemottagare>"
        f"<Filinformation><BestallningsId>00000123456789ABCD</BestallningsId>"
        f"<Bestallningstyp>{order}</Bestallningstyp><Produkt>NAVET</Produkt><Utfil>"
        f"<Filnamn>{filename}</Filnamn><Effektueringsdatum>{effective}"
        f"</Effektueringsdatum><AntalPoster>{len(posts)}</AntalPoster>"
        f"<AntalPosterTotalt>{len(posts)}</AntalPosterTotalt><AntalFiler>1</AntalFiler>"
        "<FilNr>1</FilNr><JobbId>1</JobbId></Utfil></Filinformation>"
        "</Aviseringsinformation>"
    )
    body = "".join(posts)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Navetavisering>{header}'
        f"<Folkbokforingsposter>{body}</Folkbokforingsposter></Navetavisering>"
    ).encode()


POPULATION_HEADER = (
    "personnummer;fornamn;efternamn;kommunkod;folkbokforingsdatum;"
    "sekretessmarkering;skyddad_folkbokforing;avregistreringskod;"
    "avregistreringsdatum;adress;postnummer;postort"
)
ENROLMENT_HEADER = "personnummer;skolenhetskod;skolform;programkod;startdatum;slutdatum;avbruten"
COMPLETION_HEADER = "personnummer;typ;datum;utfardare"


def csv_file(header: str, *rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def ss12000(persons: list[dict[str, Any]], page_token: str | None = None) -> bytes:
    """A GET /persons?expand=enrolments answer."""
    return json.dumps({"data": persons, "pageToken": page_token}).encode()


def ss_person(number: str, *enrolments: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-0000-0000-{number}",
        "givenName": "Alva",
        "familyName": "Berg",
        "civicNo": {"value": number},
        "securityMarking": "Ingen",
        "personStatus": "Aktiv",
        "enrolments": list(enrolments),
    }


def ss_enrolment(
    school_type: str,
    start: str,
    end: str | None = None,
    *,
    cancelled: bool = False,
    code: str = "NA",
) -> dict[str, Any]:
    enrolment = {
        "enroledAt": {"id": "11111111-1111-1111-1111-111111111111", "displayName": "Alléskolan"},
        "schoolType": school_type,
        "startDate": start,
        "cancelled": cancelled,
        "educationCode": code,
    }
    if end:
        enrolment["endDate"] = end
    return enrolment
