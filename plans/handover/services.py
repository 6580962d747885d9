"""Making a hand-over package: refused unless the youth's valid consent covers the receiving
party (`share_allowed`, the rule meetings use), built only of the parts the youth agreed to,
and kept as a record with the PDF that was handed.

Contact details of a youth with protected identity (or with a guardian who has it) are never
put in a package: a document handed outside KAA could reveal where the youth lives, whoever
made it, so that part is refused with the reason; the rest of the package never shows what
can locate such a youth either (it is rendered without a request).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_event
from kaa.lib.pdf import pdf_render
from kaa.models import User
from plans.actionplans.models import ActionPlan
from plans.actionplans.selectors import interventions_of
from plans.consent.models import Consent
from plans.consent.validity import consent_current, share_allowed
from plans.handover.models import HandOver, HandOverPart
from plans.partners.models import Partner, PartyKind
from youth.models import Youth
from youth.register.services import timeline_add


def party_named(kind: str, partner: Partner | None = None) -> str:
    """The party as a reason names it: a partner of kind 'other' by its name, else the kind
    ("socialtjänsten"; Arbetsförmedlingen keeps its capital)."""
    if partner is not None and kind == PartyKind.OTHER:
        return partner.name
    label = str(PartyKind(kind).label)
    return label if kind == PartyKind.EMPLOYMENT_SERVICE else label[:1].lower() + label[1:]


def covering_consent(
    youth: Youth, *, partner: Partner | None = None, kind: str = "", name: str = ""
) -> Consent:
    """The youth's valid consent if it covers this party; otherwise a ValidationError with the
    reason ("Ungdomen har inget giltigt samtycke", "Samtycket omfattar inte socialtjänsten")."""
    consent = consent_current(youth, timezone.localdate())
    if consent is None:
        raise ValidationError(_("Ungdomen har inget giltigt samtycke."), code="no_consent")
    kind = partner.kind if partner is not None else kind
    if not share_allowed(youth, kind=kind, partner=partner, name=name, consent=consent):
        raise ValidationError(
            _("Samtycket omfattar inte %(party)s.") % {"party": party_named(kind, partner)},
            code="not_covered",
        )
    return consent


def active_plan(youth: Youth) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(youth=youth, status=ActionPlan.Status.ACTIVE)
        .select_related("case_worker", "period")
        .first()
    )


def _parts_check(youth: Youth, parts: list[str], plan: ActionPlan | None) -> None:
    if not parts:
        raise ValidationError({"parts": _("Välj minst en del som ska lämnas över.")})
    if HandOverPart.CONTACT in parts and youth.location_protected:
        raise ValidationError(
            {
                "parts": _(
                    "Ungdomen har skyddade personuppgifter: kontaktuppgifter lämnas aldrig ut i "
                    "ett överlämningspaket. Kontakta ansvarig samordnare om mottagaren behöver "
                    "nå ungdomen."
                )
            }
        )
    wants_plan = HandOverPart.PLAN in parts or HandOverPart.INTERVENTIONS in parts
    if wants_plan and plan is None:
        raise ValidationError(
            {"parts": _("Ungdomen har ingen pågående handlingsplan att lämna över.")}
        )


def package_context(hand_over: HandOver) -> dict[str, Any]:
    """What the package shows, from the record: only the parts it names."""
    youth, parts = hand_over.youth, hand_over.parts
    plan = hand_over.plan if HandOverPart.PLAN in parts else None
    interventions = []
    if HandOverPart.INTERVENTIONS in parts and hand_over.plan is not None:
        interventions = [i for i in interventions_of(hand_over.plan) if not i.declined]
    return {
        "hand_over": hand_over,
        "youth": youth,
        "contact": HandOverPart.CONTACT in parts,
        "plan": plan,
        "with_interventions": HandOverPart.INTERVENTIONS in parts,
        "interventions": interventions,
        # No request: nothing that can locate a protected youth (templatetags.protection).
        "request": None,
    }


@transaction.atomic
def hand_over_make(
    *,
    youth: Youth,
    actor: User,
    parts: list[str],
    youth_agreed: bool,
    partner: Partner | None = None,
    party_kind: str = "",
    recipient: str = "",
) -> HandOver:
    """Record the hand-over and store its PDF; refused (ValidationError with the reason)
    without a valid consent covering the party, without the youth's agreement, or with a part
    that may not or cannot go."""
    Youth.objects.select_for_update().filter(pk=youth.pk).first()  # one at a time per youth
    recipient = recipient.strip()
    if partner is None and not party_kind:
        raise ValidationError({"partner": _("Välj vem paketet lämnas till.")})
    if partner is not None and partner.municipality_id != youth.municipality_id:
        raise ValidationError({"partner": _("Välj bland kommunens samverkansparter.")})
    kind = partner.kind if partner is not None else party_kind
    if partner is None and kind in (PartyKind.RELATIVE, PartyKind.OTHER) and not recipient:
        raise ValidationError({"recipient": _("Skriv mottagarens namn.")})
    try:
        consent = covering_consent(youth, partner=partner, kind=kind, name=recipient)
    except ValidationError as exc:
        raise ValidationError({"partner" if partner else "party_kind": exc.messages}) from exc
    parts = [p for p in HandOverPart.values if p in set(parts)]
    plan = active_plan(youth)
    _parts_check(youth, parts, plan)
    if not youth_agreed:
        raise ValidationError(
            {"youth_agreed": _("Bekräfta att ungdomen har godkänt innehållet i paketet.")}
        )
    hand_over = HandOver.objects.create(
        youth=youth,
        consent=consent,
        partner=partner,
        party_kind=kind,
        recipient=recipient,
        parts=parts,
        plan=plan if parts != [HandOverPart.CONTACT] else None,
        youth_agreed=True,
        handed_by=actor,
        handed_at=timezone.now(),
        created_by=actor,
        updated_by=actor,
    )
    pdf = pdf_render("plans/handover/pdf.html", package_context(hand_over))
    # A rollback after this leaves the file without a row: the orphan job (records.files)
    # deletes it.
    hand_over.pdf.save(f"overlamning-{hand_over.pk}.pdf", ContentFile(pdf), save=True)
    audit_event(action=Action.CREATE, user=actor, obj=hand_over, detail=",".join(parts))
    timeline_add(
        youth=youth,
        kind="hand_over",
        actor=actor,
        summary=_("Överlämning till %(recipient)s: %(parts)s")
        % {"recipient": hand_over.recipient_label, "parts": ", ".join(hand_over.part_labels())},
        url=reverse("plans:handover_detail", args=[youth.pk, hand_over.pk]),
    )
    return hand_over
