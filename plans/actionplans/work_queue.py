"""The plan's follow-ups as tasks in the coach's work queue: one open task for the plan's next
follow-up and one for each ongoing intervention's. The tasks are outreach's: plans asks
`outreach.queue.planned` to keep them."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from outreach.queue import planned as outreach_services
from outreach.queue.planned import TaskKind
from plans.actionplans.models import ActionPlan


def plan_tasks_sync(plan: ActionPlan) -> None:
    """The plan's monthly follow-up and each ongoing intervention's follow-up, as tasks."""
    active = plan.status == ActionPlan.Status.ACTIVE
    link = reverse("plans:follow_up", args=[plan.youth_id, plan.pk])
    outreach_services.ref_task_sync(
        youth_id=plan.youth_id,
        kind=TaskKind.PLAN_FOLLOW_UP,
        ref=f"plan:{plan.pk}",
        due=plan.next_follow_up if active else None,
        title=str(TaskKind.PLAN_FOLLOW_UP.label),
        link=link,
    )
    for intervention in plan.interventions.select_related("type"):
        due = intervention.follow_up_on
        if not active or intervention.declined or intervention.actual_end is not None:
            due = None
        outreach_services.ref_task_sync(
            youth_id=plan.youth_id,
            kind=TaskKind.INTERVENTION_FOLLOW_UP,
            ref=f"intervention:{intervention.pk}",
            due=due,
            title=_("Följ upp insats: %(name)s") % {"name": intervention.type.name},
            link=f"{link}?insats={intervention.pk}",
        )


def plans_tasks_close(plans: list[ActionPlan]) -> int:
    """Closed plans: the open follow-up tasks of each plan and of its interventions are
    cancelled, in one query however many plans."""
    from plans.actionplans.models import Intervention

    refs = [f"plan:{plan.pk}" for plan in plans] + [
        f"intervention:{pk}"
        for pk in Intervention.objects.filter(plan__in=plans).values_list("pk", flat=True)
    ]
    return outreach_services.ref_tasks_cancel(
        youth_ids={plan.youth_id for plan in plans}, refs=refs, reason="planen avslutad"
    )


def follow_up_tasks_refresh() -> int:
    """Daily job: every active plan has its follow-up tasks (repairs anything missed).
    Idempotent; returns how many plans were checked."""
    count = 0
    plans = (
        ActionPlan.objects.writable()
        .filter(status=ActionPlan.Status.ACTIVE)
        .prefetch_related("interventions__type")
        .order_by("pk")
    )
    for plan in plans.iterator(chunk_size=500):
        with transaction.atomic():
            plan_tasks_sync(plan)
        count += 1
    return count
