"""The audit log in words a person uses: where a record was seen (the `detail` an event
carries), what was done, who did it. Shared by the log review (records.log_review) and the
register extract sent to the youth (records.register_extract), so neither shows internal
codes, model labels or usernames."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.models import Role

# The first word of an event's detail -> where the record was seen or what was made of it.
PLACES: dict[str, Any] = {
    "": gettext_lazy("ungdomens sida"),
    "ungdom": gettext_lazy("ungdomens sida"),
    "ungdomslista": gettext_lazy("listan över ungdomar"),
    "hits": gettext_lazy("en sökning"),
    "mina_ungdomar": gettext_lazy("listan Mina ungdomar"),
    "arbetsko": gettext_lazy("arbetskön"),
    "veckogenomgang": gettext_lazy("veckogenomgången"),
    "nadd": gettext_lazy("registreringen av att ungdomen har nåtts"),
    "uppsok": gettext_lazy("uppsökandet"),
    "uppfoljning": gettext_lazy("uppföljningarna"),
    "sena_uppfoljningar": gettext_lazy("listan över sena uppföljningar"),
    "kontaktforsok": gettext_lazy("kontaktförsöken"),
    "kontaktuppgifter": gettext_lazy("kontaktuppgifterna"),
    "meddelande": gettext_lazy("ett sms eller e-postmeddelande"),
    "utskick": gettext_lazy("ett utskick med brev eller vykort"),
    "brev": gettext_lazy("ett brev"),
    "e-tjanstsvar": gettext_lazy("ett svar via e-tjänsten"),
    "anteckning": gettext_lazy("en anteckning"),
    "period": gettext_lazy("KAA-perioden"),
    "planer": gettext_lazy("samtycke, kartläggning och planer"),
    "samtycke": gettext_lazy("samtycket"),
    "kartlaggning": gettext_lazy("kartläggningssamtalet"),
    "handlingsplan": gettext_lazy("handlingsplanen"),
    "ny_plan": gettext_lazy("en ny handlingsplan"),
    "andra_plan": gettext_lazy("en ändring av handlingsplanen"),
    "revisioner": gettext_lazy("tidigare versioner av handlingsplanen"),
    "insats": gettext_lazy("en insats"),
    "avslutande_samtal": gettext_lazy("det avslutande samtalet"),
    "natverksmote": gettext_lazy("ett nätverksmöte"),
    "skolanmalan": gettext_lazy("en anmälan från skolan"),
    "forebyggande": gettext_lazy("ett förebyggande ärende"),
    "dataskydd": gettext_lazy("sidan om dataskydd"),
    "registerutdrag": gettext_lazy("ett registerutdrag"),
    "importgranskning": gettext_lazy("granskningen av en importerad lista"),
    "identifiering": gettext_lazy("identifieringen i folkbokförings- och skolregistren"),
    "gallringsförslag": gettext_lazy("ett förslag om gallring"),
    "xlsx": gettext_lazy("en lista som exporterades till Excel"),
    "scb-fil": gettext_lazy("rapporten till SCB"),
    "scb-kontroll": gettext_lazy("kontrollen av rapporten till SCB"),
    "scb-ej-rapporterade": gettext_lazy("kontrollen av rapporten till SCB"),
    "scb": gettext_lazy("rapporten till SCB"),
    "nämndrapport": gettext_lazy("en rapport till nämnden"),
    "loggkontroll": gettext_lazy("loggkontrollen"),
    "stickprov": gettext_lazy("ett stickprov i loggkontrollen"),
    "reason": gettext_lazy("angivet skäl för att öppna uppgifterna"),
}

_FIRST_WORD = re.compile(r"[\s:.]")


def place(detail: str) -> str:
    """Where the record was seen, from an event's detail ("arbetsko" -> "arbetskön"); a
    detail not known here reads as the case in general, never as the code."""
    first = _FIRST_WORD.split((detail or "").strip(), maxsplit=1)[0]
    return str(PLACES.get(first, PLACES.get(first.lower(), gettext_lazy("ärendet"))))


def role_name(code: str) -> str:
    """ "coach" -> "Ungdomscoach"; an unknown code reads as "personal"."""
    return str(Role(code).label) if code in Role.values else _("personal")


def staff_name(first_name: str, last_name: str, username: str, role: str) -> str:
    """A member of staff as a citizen reads it: "Omar Ali, ungdomscoach" (the username only
    when the account has no name)."""
    name = f"{first_name} {last_name}".strip() or username or _("okänd")
    return f"{name}, {role_name(role).lower()}" if role else name


def object_name(object_type: str) -> str:
    """ "youth.note" -> "Anteckning" (the model's Swedish name); unknown types read as
    "uppgift"."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return _("uppgift")
    return str(model._meta.verbose_name).capitalize()
