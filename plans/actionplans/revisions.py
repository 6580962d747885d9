"""Revisions of a plan: every change keeps a readable snapshot of the plan and its
interventions (kept forever), and two snapshots can be compared side by side."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.lib.modelfields import field_label
from kaa.models import User
from plans.actionplans.models import ActionPlan, Intervention, PlanRevision

PLAN_FIELDS = [
    "kind",
    "case_worker",
    "consent",
    "school",
    "school_contact",
    "goal",
    "start_date",
    "next_follow_up",
    "status",
    "closed_on",
    "close_reason",
]
INTERVENTION_FIELDS = [
    "type",
    "purpose",
    "declined",
    "declined_reason",
    "responsible",
    "responsible_staff",
    "partner",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "follow_up_on",
    "end_reason",
    "result",
    "went_on_to",
]


def _display(obj: Model, field: str) -> str:
    value = getattr(obj, field)
    if value is None or value == "":
        return ""
    getter = getattr(obj, f"get_{field}_display", None)
    if getter is not None:
        return str(getter())
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plan_snapshot(
    plan: ActionPlan, interventions: list[Intervention] | None = None
) -> dict[str, Any]:
    """The plan and its interventions as readable text, as they are now (`interventions`:
    already fetched with their related rows, ordered by id)."""
    if interventions is None:
        interventions = list(
            plan.interventions.select_related(
                "type", "responsible_staff", "partner", "went_on_to"
            ).order_by("id")
        )
    return {
        "plan": {f: _display(plan, f) for f in PLAN_FIELDS},
        "interventions": [
            {"id": i.pk, **{f: _display(i, f) for f in INTERVENTION_FIELDS}} for i in interventions
        ],
    }


def revision_add(plan: ActionPlan, actor: User | None, summary: str) -> PlanRevision:
    """A new revision of the plan as it is now, saying what changed."""
    return revisions_add([plan], actor, {plan.pk: summary})[0]


def revisions_add(
    plans: list[ActionPlan], actor: User | None, summaries: dict[int, str]
) -> list[PlanRevision]:
    """A new revision of each plan as it is now (the first revision keeps the plan's number,
    later ones count on), in a fixed number of queries however many plans."""
    with_revisions = set(
        PlanRevision.objects.filter(plan__in=plans).values_list("plan_id", flat=True).distinct()
    )
    interventions: dict[int, list[Intervention]] = {plan.pk: [] for plan in plans}
    for intervention in (
        Intervention.objects.filter(plan__in=plans)
        .select_related("type", "responsible_staff", "partner", "went_on_to")
        .order_by("id")
    ):
        interventions[intervention.plan_id].append(intervention)
    now = timezone.now()
    for plan in plans:
        plan.revision = plan.revision + 1 if plan.pk in with_revisions else plan.revision
    ActionPlan.objects.filter(pk__in=with_revisions).update(revision=F("revision") + 1)
    return PlanRevision.objects.bulk_create(
        [
            PlanRevision(
                plan=plan,
                number=plan.revision,
                at=now,
                by=actor,
                summary=summaries[plan.pk][:300],
                snapshot=plan_snapshot(plan, interventions[plan.pk]),
            )
            for plan in plans
        ]
    )


def revision_compare(old: PlanRevision, new: PlanRevision) -> dict[str, Any]:
    """Rows for a side-by-side view: each plan field and each intervention, old and new."""
    labels = {f: field_label(ActionPlan, f) for f in PLAN_FIELDS}
    ilabels = {f: field_label(Intervention, f) for f in INTERVENTION_FIELDS}
    plan_rows = [
        {
            "field": f,
            "label": labels[f],
            "old": old.snapshot["plan"].get(f, ""),
            "new": new.snapshot["plan"].get(f, ""),
            "changed": old.snapshot["plan"].get(f, "") != new.snapshot["plan"].get(f, ""),
        }
        for f in PLAN_FIELDS
    ]
    before = {i["id"]: i for i in old.snapshot["interventions"]}
    after = {i["id"]: i for i in new.snapshot["interventions"]}
    interventions = []
    for pk in sorted(before.keys() | after.keys()):
        a, b = before.get(pk, {}), after.get(pk, {})
        rows = [
            {
                "label": ilabels[f],
                "old": a.get(f, ""),
                "new": b.get(f, ""),
                "changed": a.get(f, "") != b.get(f, ""),
            }
            for f in INTERVENTION_FIELDS
        ]
        interventions.append(
            {
                "title": b.get("type") or a.get("type"),
                "added": not a,
                "removed": not b,
                "changed": any(r["changed"] for r in rows),
                "rows": rows,
            }
        )
    return {"plan_rows": plan_rows, "interventions": interventions}
