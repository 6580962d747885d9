"""Writes of extended responsibility after 20 (UKAA, domain.md §1).

The rule, step by step:
- When the 20th-birthday job ends KAA periods, a youth whose plan for that period has a running
  intervention of studies or praktik (catalogue measure codes STUDIER, PRAKTIK) gets a proposal
  for the coordinators, "Erbjuda utökat aktivitetsansvar?" (`offers_propose`). Nobody else is
  proposed. The KAA period ends at 20 as always, and its plan closes with it ("Aktivitetsansvaret
  upphörde"), so the SCB report of the KAA period is the same whatever is decided.
- A coordinator answers yes or no (`offer_decide`); there is no default, and a no needs a
  reason. A yes opens a UKAA period from the day after the KAA period's last day until the day
  before the 25th birthday (`youth.register.services.ukaa_period_open`).
- The consent given in KAA ended with the KAA period. The plan and its running interventions
  carry over only when a new consent is registered in the UKAA period (`plan_carry_over`, on
  `consent_recorded`): a plan in the UKAA period then continues the old one, with its goal,
  case worker and the interventions that were running at 20, started again on the UKAA
  period's first day. Until then the offer waits for the consent, and the youth's plan page
  says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_bulk_change, audit_event
from kaa.models import User
from plans.actionplans.models import ActionPlan, Intervention
from plans.actionplans.revisions import revision_add
from plans.actionplans.services import intervention_save, next_month, plan_create
from plans.catalogue.models import MeasureCode
from plans.consent.models import Consent
from plans.consent.validity import consent_is_valid
from plans.ukaa.models import UkaaOffer
from youth.models import KaaPeriod
from youth.register import services as youth_services

# Interventions that make a youth turning 20 "in an activity": studies or praktik.
ACTIVITY_CODES = (MeasureCode.STUDIER, MeasureCode.PRAKTIK)
ENDED_AT_20 = "FYLLT_20"


def _offer_url(offer: UkaaOffer) -> str:
    return reverse("plans:ukaa_decide", args=[offer.pk])


def _running_on(day: dt.date) -> dict[str, Any]:
    return {"declined": False, "actual_start__lte": day, "actual_end__isnull": True}


def offers_propose(*, periods: list[KaaPeriod], actor: User | None) -> list[UkaaOffer]:
    """Before their plans close: for the KAA periods ended at 20 whose active plan has a running
    studies or praktik intervention, a proposal each (one per period, idempotent)."""
    ended = {
        p.pk: p
        for p in periods
        if p.kind == KaaPeriod.Kind.KAA
        and p.end_date is not None
        and p.deregistration_reason is not None
        and p.deregistration_reason.code == ENDED_AT_20
    }
    if not ended:
        return []
    running: dict[int, list[Intervention]] = defaultdict(list)
    for intervention in (
        Intervention.objects.filter(
            plan__period_id__in=list(ended),
            plan__kind=ActionPlan.Kind.KAA,
            plan__status=ActionPlan.Status.ACTIVE,
            declined=False,
            actual_start__isnull=False,
            actual_end__isnull=True,
        )
        .select_related("type", "plan")
        .order_by("pk")
    ):
        period = ended.get(intervention.plan.period_id or 0)
        last_day = period.end_date if period is not None else None
        start = intervention.actual_start
        if last_day is not None and start is not None and start <= last_day:
            running[intervention.plan_id].append(intervention)
    offers = []
    for interventions in running.values():
        activities = [i for i in interventions if i.type.measure_code in ACTIVITY_CODES]
        if not activities:
            continue
        plan = interventions[0].plan
        period = ended[plan.period_id or 0]
        offers.append(
            UkaaOffer(
                youth_id=period.youth_id,
                kaa_period=period,
                plan=plan,
                intervention_ids=[i.pk for i in interventions],
                activity=", ".join(i.type.name for i in activities)[:300],
                created_by=actor,
                updated_by=actor,
            )
        )
    if not offers:
        return []
    taken = set(
        UkaaOffer.objects.filter(kaa_period_id__in=[o.kaa_period_id for o in offers]).values_list(
            "kaa_period_id", flat=True
        )
    )
    offers = UkaaOffer.objects.bulk_create([o for o in offers if o.kaa_period_id not in taken])
    audit_bulk_change(offers, action=Action.CREATE, user=actor)
    youth_services.timeline_add_many(
        [
            {
                "youth": offer.kaa_period.youth,
                "kind": "ukaa",
                "actor": actor,
                "summary": _(
                    "Utökat aktivitetsansvar föreslås: ungdomen var i %(activity)s vid 20 år. "
                    "En samordnare beslutar."
                )
                % {"activity": offer.activity},
                "url": _offer_url(offer),
            }
            for offer in offers
        ]
    )
    return offers


@transaction.atomic
def offer_decide(*, offer: UkaaOffer, actor: User, offer_ukaa: bool, note: str) -> UkaaOffer:
    """The coordinator's decision. Yes opens the UKAA period; no needs the reason."""
    offer = (
        UkaaOffer.objects.select_for_update(of=("self",))
        .select_related("youth", "kaa_period")
        .get(pk=offer.pk)
    )
    if offer.status != UkaaOffer.Status.PROPOSED:
        raise ValidationError(_("Förslaget är redan beslutat."), code="decided")
    note = note.strip()
    if not offer_ukaa and not note:
        raise ValidationError(
            {"note": _("Skriv varför utökat aktivitetsansvar inte erbjuds.")}, code="no_reason"
        )
    if offer_ukaa:
        offer.ukaa_period = youth_services.ukaa_period_open(after=offer.kaa_period, actor=actor)
        offer.status = UkaaOffer.Status.OFFERED
        summary = _(
            "Beslut: utökat aktivitetsansvar erbjuds till och med %(last)s. Planen förs över "
            "när ett nytt samtycke har registrerats."
        ) % {"last": offer.youth.ukaa_last_day.isoformat()}
    else:
        offer.status = UkaaOffer.Status.NOT_OFFERED
        summary = _("Beslut: utökat aktivitetsansvar erbjuds inte: %(note)s") % {"note": note}
    offer.note = note[:500]
    offer.decided_by, offer.decided_at, offer.updated_by = actor, timezone.now(), actor
    offer.save()
    audit_event(action=Action.UPDATE, user=actor, obj=offer, detail="status")
    youth_services.timeline_add(
        youth=offer.youth, kind="ukaa", actor=actor, summary=summary, url=_offer_url(offer)
    )
    return offer


def offer_awaiting_consent(consent: Consent) -> UkaaOffer | None:
    """The offer whose plan waits for this consent: given in the offer's UKAA period."""
    if consent.period_id is None:
        return None
    return (
        UkaaOffer.objects.filter(
            ukaa_period_id=consent.period_id,
            status=UkaaOffer.Status.OFFERED,
            plan__isnull=False,
            carried_over_at__isnull=True,
        )
        .select_related("youth", "plan", "ukaa_period")
        .first()
    )


@transaction.atomic
def plan_carry_over(*, offer: UkaaOffer, consent: Consent, actor: User) -> ActionPlan | None:
    """The plan of the KAA period continues in the UKAA period on the new consent: a plan with
    the same goal and case worker, and the interventions that were running at 20, started on
    the UKAA period's first day. None when there is nothing to carry over (already done, the
    UKAA period closed, or a plan was made in the period meanwhile)."""
    offer = UkaaOffer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
    period = offer.ukaa_period
    old = offer.plan
    if not offer.awaits_consent or period is None or old is None or period.end_date is not None:
        return None
    if consent.period_id != period.pk or not consent_is_valid(
        consent, timezone.localdate(), period=period
    ):
        raise ValidationError(
            _("Planen förs bara över med ett giltigt samtycke för det utökade ansvaret."),
            code="no_consent",
        )
    if ActionPlan.objects.filter(
        youth_id=offer.youth_id, kind=ActionPlan.Kind.KAA, status=ActionPlan.Status.ACTIVE
    ).exists():
        return None
    today = timezone.localdate()
    plan = plan_create(
        youth=offer.youth,
        actor=actor,
        case_worker=old.case_worker,
        goal=old.goal,
        start_date=period.start_date,
        next_follow_up=next_month(today),
    )
    revision_add(
        plan,
        actor,
        _("Fortsätter planen från %(date)s i utökat aktivitetsansvar (nytt samtycke %(given)s)")
        % {"date": old.start_date.isoformat(), "given": consent.given_on.isoformat()},
    )
    for intervention in Intervention.objects.filter(pk__in=offer.intervention_ids).order_by("pk"):
        follow_up = intervention.follow_up_on
        intervention_save(
            plan=plan,
            actor=actor,
            type=intervention.type,
            purpose=intervention.purpose,
            responsible=intervention.responsible,
            responsible_staff=intervention.responsible_staff,
            partner=intervention.partner,
            planned_end=intervention.planned_end,
            actual_start=period.start_date,
            follow_up_on=follow_up if follow_up is not None and follow_up >= today else None,
        )
    offer.continued_plan, offer.carried_over_at = plan, timezone.now()
    offer.updated_by = actor
    offer.save(update_fields=["continued_plan", "carried_over_at", "updated_by", "updated_at"])
    audit_event(action=Action.UPDATE, user=actor, obj=offer, detail="carried_over")
    youth_services.timeline_add(
        youth=offer.youth,
        kind="ukaa",
        actor=actor,
        summary=_("Handlingsplanen och insatserna fortsätter i utökat aktivitetsansvar"),
        url=reverse("plans:plan_detail", args=[offer.youth_id, plan.pk]),
    )
    return plan
