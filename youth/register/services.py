"""Writes of the register. Every function is atomic, validates first and writes the audit
log and the youth's timeline. Higher apps (outreach, plans) call the `*_record`/`*_set`
functions here instead of touching the models."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.access import RESTRICTED_MESSAGE
from kaa.audit import audit_bulk_change, audit_event
from kaa.lib.bulk import update_grouped
from kaa.lib.modelfields import field_label
from kaa.models import AuditEvent, Municipality, User
from kaa.versioning import changed_apply, version_bump, version_check
from youth import personnummer as pnr
from youth.register.models import (
    PERIOD_END_BEFORE_START,
    CaseStatus,
    FieldChange,
    Guardian,
    KaaPeriod,
    Occupation,
    OccupationType,
    Reason,
    TimelineEntry,
    Youth,
)
from youth.register.signals import periods_closed, periods_opened

MIN_AGE, MAX_AGE = 15, 19


Action = AuditEvent.Action


def _today() -> dt.date:
    return timezone.localdate()


def _timeline_entry(
    *,
    youth: Youth,
    kind: str,
    summary: str,
    actor: User | None = None,
    at: dt.datetime | None = None,
    url: str = "",
) -> TimelineEntry:
    return TimelineEntry(
        youth=youth,
        kind=kind,
        summary=summary[:300],
        actor=actor,
        at=at or timezone.now(),
        url=url[:200],
    )


def timeline_add(
    *,
    youth: Youth,
    kind: str,
    summary: str,
    actor: User | None = None,
    at: dt.datetime | None = None,
    url: str = "",
) -> TimelineEntry:
    """Append one line to the youth's timeline (used by every app)."""
    entry = _timeline_entry(youth=youth, kind=kind, summary=summary, actor=actor, at=at, url=url)
    entry.save(force_insert=True)
    return entry


def timeline_add_many(entries: list[dict[str, Any]]) -> list[TimelineEntry]:
    """`timeline_add` for many lines at once (a job's), in one INSERT; each dict holds the
    same keyword arguments."""
    return TimelineEntry.objects.bulk_create([_timeline_entry(**entry) for entry in entries])


def _audit(actor: User | None, action: str, obj: Any, fields: list[str] | None = None) -> None:
    audit_event(user=actor, action=action, obj=obj, detail=",".join(fields or []))


def age_check(*, birth_date: dt.date, on: dt.date) -> None:
    """KAA covers 16-19-year-olds; 15 is accepted (skolplikt may end early), 20+ never."""
    age = pnr.age_on(birth_date, on)
    if age >= MAX_AGE + 1:
        raise ValidationError(
            _("Personen har fyllt 20 år och omfattas inte av aktivitetsansvaret."), code="too_old"
        )
    if age < MIN_AGE:
        raise ValidationError(
            _("Personen är under 15 år och kan inte registreras i KAA."), code="too_young"
        )


def personnummer_parse(value: str, *, today: dt.date | None = None) -> pnr.Personnummer:
    """Parse or raise a Django ValidationError on the field `personnummer`."""
    try:
        return pnr.parse(value, today=today or _today())
    except pnr.PersonnummerError as exc:
        raise ValidationError({"personnummer": str(exc)}) from exc


@transaction.atomic
def youth_register(
    *,
    municipality: Municipality,
    personnummer: str,
    first_name: str,
    last_name: str,
    registration_reason: Reason,
    start_date: dt.date,
    actor: User | None,
    **details: Any,
) -> tuple[Youth, KaaPeriod]:
    """Register a youth in KAA: match an earlier record by personnummer or create one, then
    open a new period. Audited; adds timeline lines."""
    youth = youth_record_ensure(
        municipality=municipality,
        personnummer=personnummer,
        first_name=first_name,
        last_name=last_name,
        on=start_date,
        actor=actor,
        **details,
    )
    period = period_open(
        youth=youth, start_date=start_date, reason=registration_reason, actor=actor
    )
    return youth, period


def youth_record_ensure(
    *,
    municipality: Municipality,
    personnummer: str,
    first_name: str,
    last_name: str,
    on: dt.date,
    actor: User | None,
    within_scope: bool = False,
    **details: Any,
) -> Youth:
    """The municipality's record of this person, created if new (without a KAA period: a
    preventive case from a school, or the first step of `youth_register`).
    `within_scope`: an existing record is only used if the actor may see and change it
    (a coach's own caseload and team); otherwise one message, the same whatever the reason,
    sends them to the coordinator."""
    parsed = personnummer_parse(personnummer, today=max(on, _today()))
    try:
        age_check(birth_date=parsed.birth_date, on=on)
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.messages}) from exc
    youth = (
        Youth.objects.select_for_update()
        .filter(municipality=municipality, personnummer=parsed.number)
        .first()
    )
    if youth is None:
        youth = Youth(
            municipality=municipality,
            personnummer=parsed.number,
            pnr_short=parsed.number[2:],
            birth_date=parsed.birth_date,
            is_coordination_number=parsed.is_coordination_number,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            created_by=actor,
            updated_by=actor,
            **details,
        )
        youth.full_clean()
        youth.save()
        _audit(actor, Action.CREATE, youth)
        timeline_add(
            youth=youth,
            kind="registered",
            actor=actor,
            summary=_("Registrerad i ungdomsregistret"),
        )
    elif within_scope and not Youth.objects.visible_to(actor).filter(pk=youth.pk).exists():
        raise ValidationError(
            {
                "personnummer": _(
                    "Personen finns redan i registret men inte bland dina ärenden. Kontakta "
                    "KAA-samordnaren, som kan föra in anmälan."
                )
            },
            code="out_of_scope",
        )
    elif youth.restricted_at is not None:  # frozen (GDPR art. 18): nothing new is added
        raise ValidationError({"personnummer": RESTRICTED_MESSAGE})
    return youth


@transaction.atomic
def period_open(
    *, youth: Youth, start_date: dt.date, reason: Reason, actor: User | None
) -> KaaPeriod:
    """Open a KAA period; refuses a second open period or one overlapping an earlier one."""
    if reason.kind != Reason.Kind.REGISTRATION:
        raise ValidationError({"registration_reason": _("Välj en registreringsorsak.")})
    try:
        age_check(birth_date=youth.birth_date, on=start_date)
    except ValidationError as exc:
        raise ValidationError({"start_date": exc.messages}) from exc
    periods = list(KaaPeriod.objects.select_for_update().filter(youth=youth))
    if any(p.end_date is None for p in periods):
        raise ValidationError(
            _("Ungdomen har redan en öppen KAA-period. Avsluta den först."), code="open_period"
        )
    if any(p.end_date is not None and p.end_date >= start_date for p in periods):
        raise ValidationError(
            {
                "start_date": _(
                    "Perioden skulle överlappa en tidigare period. "
                    "Välj ett startdatum efter den förra periodens "
                    "slut."
                )
            }
        )
    period = _period_write(
        youth=youth,
        kind=KaaPeriod.Kind.KAA,
        start_date=start_date,
        reason=reason,
        actor=actor,
        summary=_("KAA-period startad %(date)s: %(reason)s")
        % {"date": start_date.isoformat(), "reason": reason.label},
    )
    periods_opened.send(sender=KaaPeriod, period_ids=[period.pk])
    return period


def _period_write(
    *,
    youth: Youth,
    kind: str,
    start_date: dt.date,
    reason: Reason,
    actor: User | None,
    summary: str,
) -> KaaPeriod:
    """Save a new period of `kind` with its audit event and timeline line, and refresh the
    youth's status."""
    period = KaaPeriod(
        youth=youth,
        kind=kind,
        start_date=start_date,
        registration_reason=reason,
        created_by=actor,
        updated_by=actor,
    )
    period.full_clean(validate_constraints=False)
    period.save()
    _audit(actor, Action.CREATE, period)
    timeline_add(youth=youth, kind="period_opened", actor=actor, summary=summary)
    youth_status_refresh(youth=youth)
    return period


def _ukaa_dates_errors(
    youth: Youth, start_date: dt.date, end_date: dt.date | None
) -> dict[str, Any]:
    """A UKAA period lies between the 20th birthday and the day before the 25th."""
    errors: dict[str, Any] = {}
    if start_date < youth.twentieth_birthday:
        errors["start_date"] = _(
            "Utökat aktivitetsansvar gäller från 20 år: startdatumet kan inte ligga före "
            "20-årsdagen (%(date)s)."
        ) % {"date": youth.twentieth_birthday.isoformat()}
    elif start_date > youth.ukaa_last_day:
        errors["start_date"] = _("Ungdomen har fyllt 25 år.")
    if end_date is not None and end_date > youth.ukaa_last_day:
        errors["end_date"] = _(
            "Utökat aktivitetsansvar slutar senast dagen före 25-årsdagen (%(date)s)."
        ) % {"date": youth.ukaa_last_day.isoformat()}
    return errors


@transaction.atomic
def ukaa_period_open(*, after: KaaPeriod, actor: User | None) -> KaaPeriod:
    """Open a period of extended responsibility (UKAA) for a youth whose KAA period ended at
    20: it starts the day after that period's last day and ends at the latest the day before
    the 25th birthday (the nightly `ukaa_periods_end_at_25`), or when closed by hand. It gets
    no outreach routine: the youth is already in an activity (no `periods_opened`)."""
    after = KaaPeriod.objects.select_related("youth", "deregistration_reason").get(pk=after.pk)
    youth = after.youth
    ended_at_20 = (
        after.end_date is not None
        and after.deregistration_reason is not None
        and after.deregistration_reason.code == "FYLLT_20"
    )
    # `ended_at_20` already requires an end date; the explicit test lets the type checker know.
    if after.kind != KaaPeriod.Kind.KAA or not ended_at_20 or after.end_date is None:
        raise ValidationError(
            _("Utökat aktivitetsansvar erbjuds bara efter en KAA-period som slutade vid 20 år."),
            code="not_after_20",
        )
    start_date = after.end_date + dt.timedelta(days=1)
    errors = _ukaa_dates_errors(youth, start_date, None)
    if errors:
        raise ValidationError(errors)
    periods = list(KaaPeriod.objects.select_for_update().filter(youth=youth))
    if any(p.end_date is None or p.start_date >= start_date for p in periods):
        raise ValidationError(
            _("Ungdomen har redan en öppen eller senare period."), code="open_period"
        )
    reason = Reason.objects.get(kind=Reason.Kind.REGISTRATION, code="UKAA")
    return _period_write(
        youth=youth,
        kind=KaaPeriod.Kind.UKAA,
        start_date=start_date,
        reason=reason,
        actor=actor,
        summary=_("Utökat aktivitetsansvar (UKAA) startat %(date)s, längst till %(last)s")
        % {"date": start_date.isoformat(), "last": youth.ukaa_last_day.isoformat()},
    )


@transaction.atomic
def period_close(
    *, period: KaaPeriod, end_date: dt.date, reason: Reason, actor: User | None
) -> KaaPeriod:
    """End a KAA period with a deregistration reason; audited and on the timeline."""
    if reason.kind != Reason.Kind.DEREGISTRATION:
        raise ValidationError({"deregistration_reason": _("Välj en avregistreringsorsak.")})
    period = KaaPeriod.objects.select_for_update().get(pk=period.pk)
    if period.end_date is not None:
        raise ValidationError(_("Perioden är redan avslutad."), code="already_closed")
    if end_date < period.start_date:
        raise ValidationError({"end_date": _("Slutdatumet kan inte ligga före startdatumet.")})
    if period.is_ukaa:
        errors = _ukaa_dates_errors(period.youth, period.start_date, end_date)
        if errors:
            raise ValidationError(errors)
    period.end_date = end_date
    _periods_end_write([period], reason=reason, actor=actor)
    youth_status_refresh(youth=period.youth)
    # Higher apps end what lives only inside the period (plans: open plans close).
    periods_closed.send(sender=KaaPeriod, periods=[period], actor=actor)
    return period


@transaction.atomic
def occupation_record(
    *,
    youth: Youth,
    type: OccupationType,
    start_date: dt.date,
    source: str,
    actor: User | None,
    description: str = "",
    confirmed: bool = True,
) -> Occupation:
    """Record the youth's current occupation; the previous open one ends the day before."""
    previous = Occupation.objects.select_for_update().filter(
        youth=youth, end_date__isnull=True, confirmed=True
    )
    if confirmed:
        for old in previous:
            old.end_date = max(old.start_date, start_date - dt.timedelta(days=1))
            old.save(update_fields=["end_date", "updated_at"])
    occupation = Occupation(
        youth=youth,
        type=type,
        start_date=start_date,
        source=source,
        description=description,
        confirmed=confirmed,
        created_by=actor,
        updated_by=actor,
    )
    occupation.full_clean()
    occupation.save()
    _audit(actor, Action.CREATE, occupation)
    timeline_add(
        youth=youth,
        kind="occupation",
        actor=actor,
        summary=_("Sysselsättning: %(type)s") % {"type": type.label},
    )
    youth_status_refresh(youth=youth)
    return occupation


@transaction.atomic
def occupation_confirm(
    *,
    occupation: Occupation,
    actor: User,
    type: OccupationType | None = None,
    description: str | None = None,
) -> Occupation:
    """A coach confirms an occupation the youth reported (e-service) or a partner sent,
    optionally with a more exact type; it then becomes the current one."""
    if occupation.confirmed:
        return occupation
    if type is not None:
        occupation.type = type
    if description is not None:
        occupation.description = description[:200]
    for old in (
        Occupation.objects.select_for_update()
        .filter(youth=occupation.youth, end_date__isnull=True, confirmed=True)
        .exclude(pk=occupation.pk)
    ):
        old.end_date = max(old.start_date, occupation.start_date - dt.timedelta(days=1))
        old.save(update_fields=["end_date", "updated_at"])
    occupation.confirmed = True
    occupation.updated_by = actor
    occupation.full_clean()
    occupation.save()
    _audit(actor, Action.UPDATE, occupation)
    timeline_add(
        youth=occupation.youth,
        kind="occupation",
        actor=actor,
        summary=_("Sysselsättning bekräftad: %(type)s") % {"type": occupation.type.label},
    )
    youth_status_refresh(youth=occupation.youth)
    return occupation


CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "address",
    "postal_code",
    "city",
    "phone",
    "phone_alt",
    "email",
    "former_school",
)


@transaction.atomic
def youth_contact_update(
    *, youth: Youth, actor: User | None, version: int | None = None, **fields: Any
) -> Youth:
    """Change the youth's name and contact details; refuses a stale form (StaleEdit). No
    actor: a proposal approved by the identify command (--approve)."""
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.restricted_at is not None or youth.anonymised_at is not None:
        # Restricted (or gallrad) while the form was open: nothing is written back.
        raise ValidationError(RESTRICTED_MESSAGE)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    version_check(youth, version, fields)
    before = {name: getattr(youth, name) for name in fields}
    changed = changed_apply(youth, fields)
    if not changed:
        return youth
    FieldChange.objects.bulk_create(
        [
            FieldChange(
                youth=youth,
                field=name,
                by=actor,
                label=field_label(Youth, name)[:100],
                old=str(before[name])[:300],
                new=str(fields[name])[:300],
            )
            for name in changed
        ]
    )
    youth.updated_by = actor
    version_bump(youth)
    youth.full_clean()
    youth.save()
    _audit(actor, Action.UPDATE, youth, changed)
    timeline_add(
        youth=youth, kind="contact_details", actor=actor, summary=_("Kontaktuppgifter ändrade")
    )
    return youth


def status_derive(
    *,
    youth: Youth,
    open_period: KaaPeriod | None,
    latest_period: KaaPeriod | None,
    occupation: Occupation | None,
) -> str:
    """The case status, from the data alone (the one definition)."""
    if open_period is None:
        reason = latest_period.deregistration_reason if latest_period else None
        if reason is not None and reason.outside_target_group:
            return CaseStatus.OUTSIDE
        return CaseStatus.ENDED
    if occupation is not None and occupation.type.ends_kaa:
        return CaseStatus.OUTSIDE
    if youth.in_measure:
        return CaseStatus.IN_MEASURE
    known = occupation is not None and occupation.type.category in (
        OccupationType.Category.STUDYING,
        OccupationType.Category.WORKING,
        OccupationType.Category.OTHER,
    )
    if known:
        return CaseStatus.OCCUPIED
    if youth.last_reached_on is not None:
        return CaseStatus.IN_CONTACT
    return CaseStatus.NOT_REACHED


def youth_status_refresh(*, youth: Youth) -> str:
    """Recompute and store the derived status (and the missing-guardian flag)."""
    periods = list(KaaPeriod.objects.filter(youth=youth).select_related("deregistration_reason"))
    open_period = next((p for p in periods if p.end_date is None), None)
    latest = max(periods, key=lambda p: p.start_date, default=None)
    occupation = (
        Occupation.objects.filter(youth=youth, end_date__isnull=True, confirmed=True)
        .select_related("type")
        .order_by("-start_date", "-id")
        .first()
    )
    status = status_derive(
        youth=youth, open_period=open_period, latest_period=latest, occupation=occupation
    )
    missing_guardian = (
        open_period is not None
        and youth.age_on(_today()) < 18
        and not Guardian.objects.filter(youth=youth).exists()
    )
    Youth.objects.filter(pk=youth.pk).update(status=status, missing_guardian=missing_guardian)
    youth.status, youth.missing_guardian = status, missing_guardian
    return status


@transaction.atomic
def contact_reached_record(*, youth: Youth, on: dt.date) -> None:
    """The only writer of the youth's "last reached", called by outreach for every saved
    contact that reached the youth (a back-dated contact does not move it backwards); the
    derived status follows."""
    (
        Youth.objects.filter(pk=youth.pk)
        .filter(Q(last_reached_on__isnull=True) | Q(last_reached_on__lt=on))
        .update(last_reached_on=on)
    )
    youth.last_reached_on = (
        Youth.objects.filter(pk=youth.pk).values_list("last_reached_on", flat=True).get()
    )
    youth_status_refresh(youth=youth)


@transaction.atomic
def measure_flag_set(*, youth: Youth, active: bool) -> None:
    """Called by plans when the youth's first plan/measure starts or the last one ends."""
    Youth.objects.filter(pk=youth.pk).update(in_measure=active)
    youth.in_measure = active
    youth_status_refresh(youth=youth)


@transaction.atomic
def measure_flags_clear(*, youth_ids: set[int]) -> None:
    """Called by plans when these youths' last plan or measure has ended; the derived status
    follows (it depends on the measure only while a period is open)."""
    changed = list(
        Youth.objects.filter(pk__in=youth_ids, in_measure=True).values_list("pk", flat=True)
    )
    Youth.objects.filter(pk__in=changed).update(in_measure=False)
    for youth in Youth.objects.filter(pk__in=changed, periods__end_date__isnull=True).distinct():
        youth_status_refresh(youth=youth)


@transaction.atomic
def guardian_add(*, youth: Youth, actor: User | None, **fields: Any) -> Guardian:
    guardian = Guardian(youth=youth, created_by=actor, updated_by=actor, **fields)
    guardian.full_clean()
    guardian.save()
    _audit(actor, Action.CREATE, guardian)
    timeline_add(youth=youth, kind="guardian", actor=actor, summary=_("Vårdnadshavare tillagd"))
    youth_status_refresh(youth=youth)
    return guardian


TURNING_20_BATCH = 500


def turning_20_deregister(*, today: dt.date, actor: User | None = None) -> int:
    """End every open period of youths who are 20 today or older, the day before the 20th
    birthday, with the automatic reason. Idempotent: closed periods are left alone.

    The same writes as `period_close`, made as set operations per batch of periods (one UPDATE
    of the periods, one INSERT each of audit events and timeline lines, one UPDATE of the
    youths' status), then one `periods_closed` signal per batch for the higher apps."""
    reason = Reason.objects.get(kind=Reason.Kind.DEREGISTRATION, code="FYLLT_20")
    return _periods_close_at_age(
        KaaPeriod.objects.kaa(), age=20, today=today, reason=reason, actor=actor
    )


def ukaa_periods_end_at_25(*, today: dt.date, actor: User | None = None) -> int:
    """End every open UKAA period of youths who are 25 today or older, the day before the
    25th birthday, with "Fyllt 25 år". Idempotent, and written like the end at 20."""
    reason = Reason.objects.get(kind=Reason.Kind.DEREGISTRATION, code="FYLLT_25")
    return _periods_close_at_age(
        KaaPeriod.objects.ukaa(), age=25, today=today, reason=reason, actor=actor
    )


def _periods_close_at_age(
    periods: QuerySet[KaaPeriod], *, age: int, today: dt.date, reason: Reason, actor: User | None
) -> int:
    cutoff = pnr.years_before(today, age)
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                periods.select_for_update(of=("self",))
                .filter(end_date__isnull=True, youth__birth_date__lte=cutoff)
                .select_related("youth")
                .order_by("pk")[:TURNING_20_BATCH]
            )
            if not batch:
                return closed
            for period in batch:
                last_day = pnr.birthday(period.youth.birth_date, age) - dt.timedelta(days=1)
                period.end_date = max(last_day, period.start_date)
            _periods_close_batch(batch, reason=reason, actor=actor)
        closed += len(batch)


def _periods_end_write(periods: list[KaaPeriod], *, reason: Reason, actor: User | None) -> None:
    """What ending periods writes, for one or a batch (their `end_date` set in memory): the
    periods (one UPDATE per end date), an audit event and a timeline line each."""
    now = timezone.now()
    for period in periods:
        period.deregistration_reason = reason
        period.updated_by = actor
        period.updated_at = now
    update_grouped(
        periods, ["end_date", "deregistration_reason_id", "updated_by_id", "updated_at"]
    )
    audit_bulk_change(
        periods, action=Action.UPDATE, user=actor, fields=["end_date", "deregistration_reason"]
    )
    timeline_add_many(
        [
            {
                "youth": period.youth,
                "kind": "period_closed",
                "actor": actor,
                "at": now,
                "summary": (
                    _("Utökat aktivitetsansvar (UKAA) avslutat %(date)s: %(reason)s")
                    if period.is_ukaa
                    else _("KAA-period avslutad %(date)s: %(reason)s")
                )
                % {
                    "date": cast(dt.date, period.end_date).isoformat(),  # the periods have ended
                    "reason": reason.label,
                },
            }
            for period in periods
        ]
    )


def _periods_close_batch(periods: list[KaaPeriod], *, reason: Reason, actor: User | None) -> None:
    """End a job's batch of periods (their `end_date` set in memory)."""
    _periods_end_write(periods, reason=reason, actor=actor)
    # With no open period left, the status follows from the reason alone (the youth has no
    # other open period: a youth has at most one), and a missing guardian no longer matters.
    status = CaseStatus.OUTSIDE if reason.outside_target_group else CaseStatus.ENDED
    Youth.objects.filter(pk__in=[period.youth_id for period in periods]).update(
        status=status, missing_guardian=False
    )
    # Higher apps end what lives only inside the periods (plans: open plans close).
    periods_closed.send(sender=KaaPeriod, periods=periods, actor=actor)


def youth_flags_refresh() -> int:
    """Recompute status and flags of every youth with an open period (age moves nightly:
    a youth turns 18, so the missing-guardian flag must follow). Returns how many changed."""
    changed = 0
    open_ids = KaaPeriod.objects.filter(end_date__isnull=True).values_list("youth_id", flat=True)
    for youth in Youth.objects.filter(pk__in=open_ids).iterator(chunk_size=500):
        before = (youth.status, youth.missing_guardian)
        youth_status_refresh(youth=youth)
        changed += before != (youth.status, youth.missing_guardian)
    return changed


def youths_turning_20(*, today: dt.date, within_days: int) -> QuerySet[Youth]:
    """Open cases whose 20th birthday falls within `within_days` (for the support letter)."""
    first = pnr.years_before(today, 20)
    last = first + dt.timedelta(days=within_days)
    return Youth.objects.filter(
        pk__in=KaaPeriod.objects.kaa().filter(end_date__isnull=True).values("youth_id"),
        birth_date__gt=first,
        birth_date__lte=last,
    )


def _period_correction_errors(
    period: KaaPeriod,
    start_date: dt.date,
    registration: Reason,
    end_date: dt.date | None,
    deregistration: Reason | None,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if registration.kind != Reason.Kind.REGISTRATION:
        errors["registration_reason"] = _("Välj en registreringsorsak.")
    if period.end_date is None and (end_date or deregistration):
        errors["end_date"] = _("En öppen period avslutas med ”Avsluta KAA-period”.")
    elif period.end_date is not None and (end_date is None or deregistration is None):
        errors["end_date"] = _("En avslutad period behöver slutdatum och avregistreringsorsak.")
    elif deregistration and deregistration.kind != Reason.Kind.DEREGISTRATION:
        errors["deregistration_reason"] = _("Välj en avregistreringsorsak.")
    if end_date is not None and end_date < start_date:
        errors["end_date"] = PERIOD_END_BEFORE_START
    return errors


@transaction.atomic
def period_correct(
    *,
    period: KaaPeriod,
    start_date: dt.date,
    registration_reason: Reason,
    end_date: dt.date | None,
    deregistration_reason: Reason | None,
    actor: User | None,
) -> KaaPeriod:
    """Correct a period's dates and reasons (a coordinator fixing the register before the SCB
    report). The same rules as opening and closing; audited with the changed fields."""
    period = KaaPeriod.objects.select_for_update().select_related("youth").get(pk=period.pk)
    errors = _period_correction_errors(
        period, start_date, registration_reason, end_date, deregistration_reason
    )
    if period.is_ukaa:
        errors.update(_ukaa_dates_errors(period.youth, start_date, end_date))
    else:
        try:
            age_check(birth_date=period.youth.birth_date, on=start_date)
        except ValidationError as exc:
            errors["start_date"] = exc.messages
    others = KaaPeriod.objects.filter(youth=period.youth).exclude(pk=period.pk)
    last = end_date or dt.date.max
    if any(
        o.start_date <= last and (o.end_date is None or o.end_date >= start_date) for o in others
    ):
        errors["start_date"] = _("Perioden skulle överlappa en annan KAA-period.")
    if errors:
        raise ValidationError(errors)
    new = {
        "start_date": start_date,
        "registration_reason": registration_reason,
        "end_date": end_date,
        "deregistration_reason": deregistration_reason,
    }
    changed = changed_apply(period, new)
    if not changed:
        return period
    period.updated_by = actor
    period.save(update_fields=[*changed, "updated_by", "updated_at"])
    _audit(actor, Action.UPDATE, period, changed)
    timeline_add(
        youth=period.youth,
        kind="period_corrected",
        actor=actor,
        summary=_("KAA-perioden från %(date)s rättad") % {"date": start_date.isoformat()},
    )
    return period
