"""Preventive cases: a school reports a student at risk of dropping out (skollagen 15 kap.
15 §). The student is put in the register without a KAA period; a preventive plan with the
school follows (actionplans). Opened by a coordinator accepting a school's notice, or by
staff entering the school's report (which goes to the coordinators' inbox when the number is
not a record the staff member may see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaa.access import Perm, has_perm
from kaa.audit import Action, audit_event
from kaa.models import Municipality, Role, User
from plans.school.models import SchoolNotification
from youth.caseload import services as caseload_services
from youth.models import KaaPeriod, Youth
from youth.register import services as youth_services

DUPLICATE_REPORT = gettext_lazy(
    "Den här anmälan från %(school)s är redan registrerad för eleven. Ingen ny har sparats."
)
DUPLICATE_NOTICE = gettext_lazy(
    "En likadan anmälan (samma elev, skola och datum) väntar redan hos samordnarna. "
    "Ingen ny har skickats."
)


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def preventive_case_open(
    *,
    municipality: Municipality,
    actor: User,
    personnummer: str,
    first_name: str,
    last_name: str,
    school: str,
    reported_on: dt.date,
    **details: Any,
) -> Youth:
    """A school reports a student at risk of dropping out (skollagen 15:15): the student is
    put in the register without a KAA period and assigned to the reporting-in coach."""
    if reported_on > _today():
        raise ValidationError({"reported_on": _("Datumet kan inte ligga i framtiden.")})
    youth = youth_services.youth_record_ensure(
        municipality=municipality,
        personnummer=personnummer,
        first_name=first_name,
        last_name=last_name,
        on=reported_on,
        actor=actor,
        within_scope=True,
        **details,
    )
    if KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).exists():
        raise ValidationError(
            _("Ungdomen är redan i KAA och får en vanlig handlingsplan."), code="in_kaa"
        )
    summary = _("Anmäld av %(school)s: risk för studieavbrott") % {"school": school}
    # The same school's report entered again (the same date or an earlier one than a report
    # already noted) is the same report, not a new one.
    if youth.timeline.filter(
        kind="preventive", summary=summary[:300], at__date__gte=reported_on
    ).exists():
        raise ValidationError(DUPLICATE_REPORT % {"school": school}, code="duplicate")
    if youth.coach_id is None and actor.role == Role.COACH:
        youth = caseload_services.youth_assign(
            youth=youth, coach=actor, team=actor.team, actor=actor
        )
    youth_services.timeline_add(youth=youth, kind="preventive", actor=actor, summary=summary)
    return youth


@dataclass(frozen=True)
class PreventiveReport:
    """What the preventive-case form did: opened the case (`youth`), or handed the report to
    the coordinators (`notice`). `hidden` is the record the number matched that the actor may
    not see: for the audit log only, never for the actor."""

    youth: Youth | None = None
    notice: SchoolNotification | None = None
    hidden: Youth | None = None


@transaction.atomic
def preventive_case_report(
    *,
    municipality: Municipality,
    actor: User,
    personnummer: str,
    first_name: str,
    last_name: str,
    school: str,
    reported_on: dt.date,
    **details: Any,
) -> PreventiveReport:
    """A school's report of a student at risk, entered by staff. Whoever sees the whole
    municipality opens the case at once. Anyone else opens it only on a record they may
    already see; every other number (not in the register, another team's youth, a protected
    or restricted one) goes to the coordinators' inbox in the same way, so that the form never
    tells whether a person is in the register."""
    if has_perm(actor, Perm.VIEW_MUNICIPALITY_RECORDS):
        return PreventiveReport(
            youth=preventive_case_open(
                municipality=municipality,
                actor=actor,
                personnummer=personnummer,
                first_name=first_name,
                last_name=last_name,
                school=school,
                reported_on=reported_on,
                **details,
            )
        )
    if reported_on > _today():
        raise ValidationError({"reported_on": _("Datumet kan inte ligga i framtiden.")})
    parsed = youth_services.personnummer_parse(personnummer, today=max(reported_on, _today()))
    try:
        youth_services.age_check(birth_date=parsed.birth_date, on=reported_on)
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.messages}) from exc
    match = Youth.objects.filter(municipality=municipality, personnummer=parsed.number).first()
    if match is not None and Youth.objects.visible_to(actor).filter(pk=match.pk).exists():
        return PreventiveReport(
            youth=preventive_case_open(
                municipality=municipality,
                actor=actor,
                personnummer=personnummer,
                first_name=first_name,
                last_name=last_name,
                school=school,
                reported_on=reported_on,
                **details,
            )
        )
    if SchoolNotification.objects.filter(
        municipality=municipality,
        kind=SchoolNotification.Kind.AT_RISK,
        status=SchoolNotification.Status.NEW,
        personnummer=parsed.number,
        school__iexact=school.strip(),
        event_date=reported_on,
    ).exists():
        raise ValidationError(DUPLICATE_NOTICE, code="duplicate")
    phone = (details.get("phone") or "").strip()
    notice = SchoolNotification.objects.create(
        municipality=municipality,
        kind=SchoolNotification.Kind.AT_RISK,
        personnummer=parsed.number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        school=school.strip(),
        event_date=reported_on,
        contact_name=str(actor)[:150],
        contact_email=actor.email or "",
        message=_("Elevens telefon: %(phone)s") % {"phone": phone} if phone else "",
        reported_by=actor,
    )
    audit_event(user=actor, action=Action.CREATE, obj=notice, detail="preventive form")
    return PreventiveReport(notice=notice, hidden=match)
