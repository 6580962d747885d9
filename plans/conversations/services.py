"""Writes of mapping conversations: recording one, and what the latest says feeds the register
(the youth's occupation and, where it was left unspecified, the registration reason)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_event
from kaa.models import User
from plans.conversations.models import MappingConversation
from youth.models import KaaPeriod, Occupation, Reason, Youth
from youth.register import services as youth_services

# What a conversation's school status says about the registration reason (the reason codes of
# the SCB report).
REASON_BY_SCHOOL_STATUS: dict[str, str] = {
    MappingConversation.SchoolStatus.DROPPED_OUT: "AVBROTT_NATIONELLT",
    MappingConversation.SchoolStatus.STUDIEBEVIS: "STUDIEBEVIS",
    MappingConversation.SchoolStatus.NEVER_STARTED: "ALDRIG_GYMNASIAL",
}
UNSPECIFIED_REASON = "OVRIGT"


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def conversation_record(*, youth: Youth, actor: User, **fields: Any) -> MappingConversation:
    """Save a mapping conversation. If it is the latest one, it updates the youth's current
    occupation and, where the registration reason was left unspecified, the reason."""
    held_on = fields["held_on"]
    if held_on > _today():
        raise ValidationError({"held_on": _("Datumet kan inte ligga i framtiden.")})
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    conversation = MappingConversation(
        youth=youth, period=period, created_by=actor, updated_by=actor, **fields
    )
    conversation.full_clean()
    conversation.save()
    audit_event(action=Action.CREATE, user=actor, obj=conversation)
    youth_services.timeline_add(
        youth=youth,
        kind="conversation",
        actor=actor,
        summary=_("Kartläggningssamtal %(date)s") % {"date": held_on.isoformat()},
        url=reverse("plans:conversation_detail", args=[youth.pk, conversation.pk]),
    )
    latest = MappingConversation.objects.filter(youth=youth).order_by("-held_on", "-id").first()
    if latest is not None and latest.pk == conversation.pk:
        _conversation_feeds_register(conversation, period, actor)
    return conversation


def _conversation_feeds_register(
    conversation: MappingConversation, period: KaaPeriod | None, actor: User
) -> None:
    youth = conversation.youth
    current = (
        Occupation.objects.filter(youth=youth, end_date__isnull=True, confirmed=True)
        .order_by("-start_date", "-id")
        .first()
    )
    if current is None or (
        current.type_id != conversation.occupation_type_id
        and current.start_date <= conversation.held_on
    ):
        youth_services.occupation_record(
            youth=youth,
            type=conversation.occupation_type,
            start_date=conversation.held_on,
            source=Occupation.Source.MAPPING,
            actor=actor,
            description=conversation.occupation_description,
        )
    code = REASON_BY_SCHOOL_STATUS.get(conversation.school_status)
    if period is None or code is None or period.registration_reason.code != UNSPECIFIED_REASON:
        return
    reason = Reason.objects.filter(
        kind=Reason.Kind.REGISTRATION, code=code, is_active=True
    ).first()
    if reason is None:
        return
    KaaPeriod.objects.filter(pk=period.pk).update(
        registration_reason=reason, updated_by=actor, updated_at=timezone.now()
    )
    audit_event(action=Action.UPDATE, user=actor, obj=period, detail="registration_reason")
    youth_services.timeline_add(
        youth=youth,
        kind="period_reason",
        actor=actor,
        summary=_("Registreringsorsak satt från kartläggningen: %(reason)s")
        % {"reason": reason.label},
    )
