"""Who works with the youth: assign a coach (one youth or many) and hand a leaving
coach's caseload over. Each write is atomic, audited and on the youth's timeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.models import AuditEvent, Team, User
from youth.caseload.models import Assignment
from youth.register.models import Youth
from youth.register.services import _audit, timeline_add

Action = AuditEvent.Action


@transaction.atomic
def youth_assign(
    *, youth: Youth, coach: User | None, team: Team | None, actor: User, was: int | None = None
) -> Youth:
    """Give the youth to a coach (and team); the caseload history keeps the earlier one.
    `was`: the coach's id (0: none) the form showed; if another coach was assigned meanwhile,
    nothing changes and the error says who has the youth now."""
    if coach is not None and coach.municipality_id != youth.municipality_id:
        raise ValidationError({"coach": _("Coachen arbetar i en annan kommun.")})
    if team is None and coach is not None:
        team = coach.team
    if team is not None and team.municipality_id != youth.municipality_id:
        raise ValidationError({"team": _("Teamet hör till en annan kommun.")})
    youth = Youth.objects.select_for_update(of=("self",)).select_related("coach").get(pk=youth.pk)
    if youth.coach_id == getattr(coach, "pk", None) and youth.team_id == getattr(team, "pk", None):
        return youth
    if was is not None and (youth.coach_id or 0) != was:
        raise ValidationError(
            _(
                "Ungdomen har fått en annan coach medan du hade formuläret öppet: %(name)s. "
                "Spara igen om ditt val ska gälla."
            )
            % {"name": str(youth.coach) if youth.coach else _("ingen coach")},
            code="stale",
        )
    now = timezone.now()
    Assignment.objects.filter(youth=youth, ended_at__isnull=True).update(ended_at=now)
    Assignment.objects.create(
        youth=youth, coach=coach, team=team, started_at=now, assigned_by=actor
    )
    youth.coach, youth.team, youth.updated_by = coach, team, actor
    youth.save(update_fields=["coach", "team", "updated_by", "updated_at"])
    _audit(actor, Action.UPDATE, youth, ["coach", "team"])
    name = coach.get_full_name() if coach else _("ingen coach")
    timeline_add(
        youth=youth, kind="assigned", actor=actor, summary=_("Tilldelad %(name)s") % {"name": name}
    )
    return youth


@transaction.atomic
def caseload_hand_over(*, from_coach: User, to_coach: User, actor: User) -> int:
    """Move a leaving coach's whole caseload to another coach in one audited action."""
    if from_coach.municipality_id != to_coach.municipality_id:
        raise ValidationError(_("Båda coacherna måste arbeta i samma kommun."))
    youths = list(Youth.objects.select_for_update().writable().filter(coach=from_coach))
    for youth in youths:
        youth_assign(youth=youth, coach=to_coach, team=to_coach.team, actor=actor)
    audit_event(
        user=actor,
        action=Action.UPDATE,
        obj=from_coach,
        detail=f"handover:{len(youths)}->{to_coach.pk}",
    )
    return len(youths)
