"""Merge fields in templates: {fornamn}, {coach_namn} ... Unknown fields are an error the
coordinator sees when saving the template, never a blank in a letter."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from youth.models import Youth

FIELDS: dict[str, str] = {
    "fornamn": "Ungdomens förnamn",
    "efternamn": "Ungdomens efternamn",
    "adress": "Gatuadress (aldrig för skyddade personuppgifter)",
    "postnummer": "Postnummer",
    "postort": "Postort",
    "coach_namn": "Coachens namn",
    "coach_telefon": "Coachens telefon i arbetet (från coachens kontoinställningar)",
    "coach_epost": "Coachens e-post",
    "kommun": "Kommunens namn som avsändare, t.ex. Askersunds kommun",
    "datum": "Dagens datum",
    "fyller_20": "Datum då ungdomen fyller 20",
    "besok_datum": "Datum för det planerade hembesöket",
    "besok_tid": "Tid för det planerade hembesöket (från–till)",
    "kod": "Ungdomens kod till e-tjänsten",
    "lank": "Ungdomens personliga länk till e-tjänsten",
}
CODE_FIELDS = ("kod", "lank")


def fields_in(text: str) -> list[str]:
    """The merge fields a template uses; raises ValidationError on bad syntax."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            _("Mallen har en klammer som inte är stängd: %(e)s") % {"e": exc}
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is not None and (spec or conversion):
            raise ValidationError(
                _("Fältet {%(name)s} får inte ha formatering (: eller !).") % {"name": name},
                code="field_format",
            )
    return [name for _literal, name, _spec, _conv in parsed if name is not None]


def validate(text: str) -> None:
    unknown = sorted({f for f in fields_in(text) if f not in FIELDS})
    if unknown:
        raise ValidationError(
            _("Okända fält: %(fields)s. Tillåtna: %(allowed)s.")
            % {
                "fields": ", ".join("{" + f + "}" for f in unknown),
                "allowed": ", ".join("{" + f + "}" for f in FIELDS),
            },
            code="unknown_field",
        )


def visit_values(starts_at: Any, ends_at: Any) -> dict[str, str]:
    """{besok_datum} and {besok_tid} of a home visit, in Swedish local time."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return {"besok_datum": f"{start:%Y-%m-%d}", "besok_tid": f"{start:%H.%M}–{end:%H.%M}"}


def _next_visit(youth: Youth) -> dict[str, str]:
    """The youth's next planned home visit (outreach.homevisits), for a knock card printed in
    a batch; none planned: blank."""
    window = (
        youth.home_visits.filter(
            cancelled_at__isnull=True, checked_out_at__isnull=True, ends_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
        .first()
    )
    if window is None:
        return {"besok_datum": "", "besok_tid": ""}
    return visit_values(*window)


def values_for(youth: Youth) -> dict[str, Any]:
    coach = youth.coach
    hidden = youth.location_protected  # an address is never merged into a protected text
    return {
        "fornamn": youth.first_name,
        "efternamn": youth.last_name,
        "adress": "" if hidden else youth.address,
        "postnummer": "" if hidden else youth.postal_code,
        "postort": "" if hidden else youth.city,
        "coach_namn": coach.get_full_name() if coach else "",
        "coach_telefon": coach.phone if coach else "",
        "coach_epost": coach.email if coach else "",
        "kommun": youth.municipality.display_name,
        "datum": timezone.localdate().isoformat(),
        "fyller_20": youth.twentieth_birthday.isoformat(),
    }


_LOOK_UP = object()  # `render` finds the youth's code itself


def render(
    text: str,
    youth: Youth,
    *,
    make_code: bool = True,
    extra: dict[str, str] | None = None,
    code: Any = _LOOK_UP,
) -> str:
    """The template filled in for one youth (values are plain text, never markup).
    `make_code` False (a form that only shows the text): a code not made yet stays as the
    field, {kod} or {lank}, and is filled in when the message is sent (rendered again). `extra`
    gives the values of a particular home visit ({besok_datum}, {besok_tid}). `code`: the
    youth's code already looked up (a batch reads all its codes at once)."""
    validate(text)
    values = values_for(youth)
    if extra is not None:
        values.update(extra)
    elif any(f in ("besok_datum", "besok_tid") for f in fields_in(text)):
        values.update(_next_visit(youth))
    if any(f in CODE_FIELDS for f in fields_in(text)):
        # Made on first use: a code exists only for youths who were sent one.
        from outreach.eservice.services import access_code_for

        if code is _LOOK_UP:
            code = access_code_for(youth, create=make_code)
        if code is None and not make_code:
            values.update({field: "{" + field + "}" for field in CODE_FIELDS})
        else:
            values.update(_code_values(code))
    return text.format_map(values)


def _code_values(code: Any) -> dict[str, str]:
    """{kod} and {lank} for the youth's e-service code (empty outside KAA: no code)."""
    from outreach.eservice.services import access_code_link

    return {"kod": code.display if code else "", "lank": access_code_link(code) if code else ""}
