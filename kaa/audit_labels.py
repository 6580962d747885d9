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
    "hembesok": gettext_lazy("ett hembesök"),
    "overlamning": gettext_lazy("en överlämning till en annan verksamhet"),
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
    "ukaa": gettext_lazy("förslag och beslut om utökat aktivitetsansvar"),
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


# Models whose own Meta gives no Swedish name, as the log names them.
OBJECT_NAMES: dict[str, Any] = {
    "kaa.auditevent": gettext_lazy("Loggen"),
    "kaa.team": gettext_lazy("Team"),
    "kaa.usersession": gettext_lazy("Inloggning"),
    "kaa.outboxitem": gettext_lazy("Bakgrundsjobb"),
    "kaa.accountlink": gettext_lazy("Kontolänk"),
    "kaa.auditshipment": gettext_lazy("Loggkopia"),
    "kaa.jobrun": gettext_lazy("Schemalagt jobb"),
    "youth.timelineentry": gettext_lazy("Händelse i tidslinjen"),
    "youth.fieldchange": gettext_lazy("Rättad uppgift"),
    "youth.assignment": gettext_lazy("Tilldelning av coach"),
    "youth.populationrecord": gettext_lazy("Uppgift från folkbokföringen"),
    "youth.enrolmentrecord": gettext_lazy("Uppgift om skolinskrivning"),
    "youth.completionrecord": gettext_lazy("Uppgift om avslutad utbildning"),
    "youth.run": gettext_lazy("Identifieringskörning"),
    "youth.proposal": gettext_lazy("Förslag från identifieringen"),
    "youth.importbatch": gettext_lazy("Importerad lista"),
    "youth.note": gettext_lazy("Anteckning"),
    "youth.noterevision": gettext_lazy("Tidigare lydelse av anteckning"),
    "outreach.outreachcase": gettext_lazy("Uppsökande"),
    "outreach.task": gettext_lazy("Uppgift"),
    "outreach.contactattempt": gettext_lazy("Kontaktförsök"),
    "outreach.accesscode": gettext_lazy("Kod till e-tjänsten"),
    "outreach.eservicesubmission": gettext_lazy("Svar via e-tjänsten"),
    "outreach.letterbatch": gettext_lazy("Utskick"),
    "outreach.outgoingmessage": gettext_lazy("Sms eller e-post"),
    "outreach.routinestep": gettext_lazy("Steg i kontaktrutinen"),
    "outreach.homevisitduty": gettext_lazy("Jour för hembesök"),
    "outreach.outcomerecheck": gettext_lazy("Återkontroll efter KAA"),
    "outreach.deadlinemark": gettext_lazy("Markering för fristjobbet"),
    "plans.planrevision": gettext_lazy("Version av handlingsplan"),
    "plans.planfollowup": gettext_lazy("Uppföljning av handlingsplan"),
    "plans.closingconversation": gettext_lazy("Avslutande samtal"),
    "plans.meetingyouth": gettext_lazy("Ungdom på nätverksmöte"),
    "records.auditsample": gettext_lazy("Stickprov i loggen"),
    "records.auditsamplefinding": gettext_lazy("Iakttagelse i stickprov"),
    "reporting.scbfileentry": gettext_lazy("Rad i SCB-fil"),
    "reporting.scbprofileverification": gettext_lazy("Verifiering av SCB-profil"),
    "reporting.contactday": gettext_lazy("Kontaktdag i statistiken"),
    "reporting.rollupstate": gettext_lazy("Statistikens beräkning"),
    "reporting.periodday": gettext_lazy("Periodändringar per dag i statistiken"),
}


def object_name(object_type: str) -> str:
    """ "youth.note" -> "Anteckning": the log's own name, else the model's Swedish name;
    unknown types read as "Uppgift i systemet"."""
    if not object_type:
        return ""
    key = object_type.lower()
    if key in OBJECT_NAMES:
        return str(OBJECT_NAMES[key])
    try:
        model = apps.get_model(key)
    except (LookupError, ValueError):
        return _("Uppgift i systemet")
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


# Details that are not a place: what an event says about itself, in words.
DETAILS: dict[str, Any] = {
    "restricted": gettext_lazy("behandlingen begränsad"),
    "reviewed": gettext_lazy("genomgånget"),
    "revoked": gettext_lazy("spärrad"),
    "write": gettext_lazy("försök att ändra"),
    "object": gettext_lazy("försök att öppna"),
    "throttled": gettext_lazy("för många försök"),
    "idle": gettext_lazy("utloggad efter en stund utan aktivitet"),
    "absolute": gettext_lazy("utloggad efter längsta tillåtna tid"),
    "by the youth via e-service": gettext_lazy("av ungdomen via e-tjänsten"),
    "shared_in_meeting": gettext_lazy("togs upp på ett nätverksmöte"),
    "not the author": gettext_lazy("inte den som skrev"),
    "school form": gettext_lazy("via skolans formulär"),
    "preventive form": gettext_lazy("via formuläret för förebyggande ärende"),
    "handover": gettext_lazy("överlämning av ärenden"),
    "youths": gettext_lazy("flera ungdomar"),
    "perm": gettext_lazy("saknar behörighet"),
    "staff outside scope or own account": gettext_lazy("personal utanför behörigheten"),
}


def detail_text(detail: str) -> str:
    """An event's detail in words: where it happened ("arbetskön"), what it says about itself
    ("genomgånget"), or, for what a person wrote (a stated reason), the text itself."""
    text = (detail or "").strip()
    if not text:
        return ""
    if text in DETAILS:
        return str(DETAILS[text])
    first = _FIRST_WORD.split(text, maxsplit=1)[0]
    if first in DETAILS:
        return str(DETAILS[first])
    if first in PLACES or first.lower() in PLACES:
        return place(text)
    return text
