"""Reads of action plans: one plan with what its pages show, a youth's plans, and the plans
whose follow-up is overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from kaa.access import ScopedQuerySet
from kaa.models import User
from outreach.queue.planned import TaskKind, late_task_exists
from plans.actionplans.models import ActionPlan, Intervention, PlanFollowUp, PlanRevision
from youth.models import Youth


def plans_for_detail() -> ScopedQuerySet[ActionPlan]:
    """Plans with the case worker, consent and period their pages name (narrowed to one by
    the view's access check)."""
    return ActionPlan.objects.all().select_related(
        "case_worker", "consent", "period", "period__registration_reason"
    )


def plan_as_stored(pk: int) -> ActionPlan:
    """The plan as it is in the database (an edit form has written its values onto the
    instance it was given)."""
    return ActionPlan.objects.get(pk=pk)


def interventions_with_type() -> ScopedQuerySet[Intervention]:
    """Interventions with their catalogue entry (narrowed by the view's access check)."""
    return Intervention.objects.all().select_related("type")


def intervention_as_stored(pk: int) -> Intervention:
    """The intervention as it is in the database (see `plan_as_stored`)."""
    return Intervention.objects.get(pk=pk)


def interventions_of(plan: ActionPlan) -> QuerySet[Intervention]:
    """The plan's interventions with everyone and everything they name."""
    return plan.interventions.select_related("type", "responsible_staff", "partner", "went_on_to")


def follow_ups_of(plan: ActionPlan) -> QuerySet[PlanFollowUp]:
    """The plan's follow-ups, latest first, with who held them and the intervention."""
    return PlanFollowUp.objects.filter(plan=plan).select_related("by", "intervention__type")


def revisions_of(plan: ActionPlan) -> QuerySet[PlanRevision]:
    """The plan's revisions, latest first, with who made them."""
    return PlanRevision.objects.filter(plan=plan).select_related("by")


def plan_printout(*, youth: Youth, plan: ActionPlan) -> dict[str, Any]:
    """What the printed plan shows besides the plan: the guardian who signs with a youth
    under 18, the interventions agreed and those offered but declined."""
    return {
        "guardian": youth.guardians.first(),
        "interventions": [i for i in interventions_of(plan) if not i.declined],
        "declined": [i for i in plan.interventions.select_related("type") if i.declined],
    }


def plans_of(*, youth: Youth) -> QuerySet[ActionPlan]:
    """The youth's plans, latest first, with the case worker and the interventions."""
    return (
        ActionPlan.objects.filter(youth=youth)
        .select_related("case_worker")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.select_related("type"))
        )
    )


def overdue_plans(*, user: User, today: dt.date) -> QuerySet[ActionPlan]:
    """Active plans the user may see whose follow-up (of the plan, or an open follow-up task
    of the plan or an intervention) was due before today, the longest overdue first."""
    late_task = late_task_exists(
        youth=OuterRef("youth"),
        on=today,
        kinds=(TaskKind.PLAN_FOLLOW_UP, TaskKind.INTERVENTION_FOLLOW_UP),
    )
    return (
        ActionPlan.objects.visible_to(user)
        .filter(Q(next_follow_up__lt=today) | late_task, status=ActionPlan.Status.ACTIVE)
        .select_related("youth", "case_worker", "youth__coach")
        .order_by("next_follow_up", "pk")
    )
