"""Writes of the routine: saving a new version (validated), a ready-made template as the
current routine, and moving open cases to the current version."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.models import AuditEvent, Municipality, User
from kaa.versioning import Change, StaleEdit, version_check
from outreach.calendar import add_months, add_offset
from outreach.queue.models import Channel, OutreachCase, Task
from outreach.routine.models import Routine, RoutineStep
from outreach.routine.templates import TEMPLATES

Action = AuditEvent.Action
STEP_FIELDS = (
    "order",
    "title",
    "channel",
    "instructions",
    "offset_value",
    "offset_unit",
    "anchor",
    "requires_phone",
    "only_if_not_reached",
    "guardian_if_under_18",
    "only_under_18",
    "min_failed_attempts",
    "two_staff",
)


def routine_validate(steps: list[dict[str, Any]]) -> None:
    """A routine must have steps, unique orders, and conditions that can hold."""
    if not steps:
        raise ValidationError(_("Rutinen måste ha minst ett steg."))
    orders = [s["order"] for s in steps]
    if len(set(orders)) != len(orders):
        raise ValidationError(_("Två steg har samma ordningsnummer."))
    first = min(steps, key=lambda s: s["order"])
    if first["anchor"] == "previous":
        raise ValidationError(
            _(
                "Det första steget kan inte räknas från ett föregående steg; "
                "välj registreringsdatum."
            )
        )
    # Deadlines are chained, so the latest possible day of each step is the sum of offsets
    # along its anchors. A step that can only fall after every youth has turned 20 (or 18,
    # for an under-18 step) can never apply: refuse it rather than silently never plan it.
    start = dt.date(2000, 1, 1)
    due: dict[int, dt.date] = {}
    for step in sorted(steps, key=lambda s: s["order"]):
        base = start if step["anchor"] == "registration" else (due[max(due)] if due else start)
        due[step["order"]] = add_offset(base, step["offset_value"], step["offset_unit"])
        limit_years = 3 if step["only_under_18"] else 5  # registered at 15 at the youngest
        if due[step["order"]] > add_months(start, 12 * limit_years):
            raise ValidationError(
                _(
                    'Steget "%(t)s" kan aldrig bli aktuellt: fristen går ut '
                    "efter att ungdomen har fyllt %(age)s."
                )
                % {"t": step["title"], "age": 18 if step["only_under_18"] else 20}
            )
        if step.get("min_failed_attempts", 0) > 20:
            raise ValidationError(
                _('Steget "%(t)s" kräver fler misslyckade försök än rimligt (högst 20).')
                % {"t": step["title"]}
            )
        if step["channel"] in (Channel.PHONE, Channel.SMS) and not step["requires_phone"]:
            step["requires_phone"] = True  # a call or an SMS needs a number: implied


@transaction.atomic
def routine_save_version(
    *,
    municipality: Municipality,
    name: str,
    steps: list[dict[str, Any]],
    actor: User | None,
    retry_after_days: int = 30,
    concern_after_attempts: int = 3,
    version: int | None = None,
) -> Routine:
    """Save the steps as a new current version; earlier versions stay for open cases.
    `version` is the version the editor started from (0: there was none yet): if another
    coordinator saved a newer one meanwhile, nothing is saved (StaleEdit)."""
    routine_validate(steps)
    # Serialises saves per municipality, also the first one, which has no routine row to lock.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    previous = (
        Routine.objects.select_for_update()
        .filter(municipality=municipality, is_current=True)
        .first()
    )
    if previous is not None and version is not None:
        try:
            version_check(
                previous,
                version,
                {
                    "name": name,
                    "retry_after_days": retry_after_days,
                    "concern_after_attempts": concern_after_attempts,
                },
            )
        except StaleEdit as exc:
            exc.changes.append(
                Change(
                    _("Steg"),
                    _("version %(v)s, %(n)s steg")
                    % {"v": previous.version, "n": previous.steps.count()},
                    _("%(n)s steg i formuläret") % {"n": len(steps)},
                )
            )
            raise
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    routine = Routine.objects.create(
        municipality=municipality,
        name=name,
        is_current=True,
        previous=previous,
        version=(previous.version + 1) if previous else 1,
        retry_after_days=retry_after_days,
        concern_after_attempts=concern_after_attempts,
        created_by=actor,
        updated_by=actor,
    )
    RoutineStep.objects.bulk_create(
        [RoutineStep(routine=routine, **{k: s[k] for k in STEP_FIELDS if k in s}) for s in steps]
    )
    audit_event(user=actor, action=Action.CREATE, obj=routine, detail=f"v{routine.version}")
    return routine


def routine_from_template(*, municipality: Municipality, key: str, actor: User | None) -> Routine:
    """Make one of the shipped templates the municipality's current routine."""
    template = TEMPLATES[key]
    steps = []
    for order, (title, channel, value, unit, anchor, options) in enumerate(template["steps"], 1):
        steps.append(
            {
                "order": order,
                "title": title,
                "channel": channel,
                "offset_value": value,
                "offset_unit": unit,
                "anchor": anchor,
                "instructions": options.get("instructions", ""),
                "requires_phone": options.get("requires_phone", False),
                "only_if_not_reached": options.get("only_if_not_reached", True),
                "guardian_if_under_18": options.get("guardian_if_under_18", False),
                "only_under_18": options.get("only_under_18", False),
                "min_failed_attempts": options.get("min_failed_attempts", 0),
                "two_staff": options.get("two_staff", False),
            }
        )
    return routine_save_version(
        municipality=municipality,
        name=template["name"],
        steps=steps,
        actor=actor,
        retry_after_days=template["retry_after_days"],
        concern_after_attempts=template["concern_after_attempts"],
    )


@transaction.atomic
def cases_migrate(*, routine: Routine, actor: User) -> int:
    """Move the municipality's open cases on older versions to `routine` (the current one).
    Done tasks stay; open tasks of the old steps are cancelled and the next job re-plans."""
    cases = OutreachCase.objects.filter(
        youth__municipality=routine.municipality, closed_on__isnull=True
    ).exclude(routine=routine)
    case_ids = list(cases.values_list("pk", flat=True))
    Task.objects.filter(case_id__in=case_ids, status=Task.Status.OPEN, step__isnull=False).update(
        status=Task.Status.CANCELLED, cancel_reason="ny rutinversion"
    )
    _done_tasks_carry_over(case_ids, list(routine.steps.order_by("order")))
    moved = OutreachCase.objects.filter(pk__in=case_ids).update(routine=routine)
    audit_event(user=actor, action=Action.UPDATE, obj=routine, detail=f"migrated:{moved}")
    return moved


def _done_tasks_carry_over(case_ids: list[int], new_steps: list[RoutineStep]) -> None:
    """What was done under the old version counts under the new one: each done step task
    moves to the new version's step with the same channel (the k-th postcard to the k-th
    postcard), so nothing already done is planned again and 'previous step' dates hold."""
    by_channel: dict[str, list[RoutineStep]] = {}
    for step in new_steps:
        by_channel.setdefault(step.channel, []).append(step)
    done = (
        Task.objects.filter(case_id__in=case_ids, status=Task.Status.DONE, step__isnull=False)
        .select_related("step")
        .order_by("case_id", "step__order")
    )
    used: dict[int, set[int]] = {}
    for task in done:
        # The filter names a case and a step.
        taken = used.setdefault(cast(int, task.case_id), set())
        step = cast(RoutineStep, task.step)
        target = next((s for s in by_channel.get(step.channel, []) if s.pk not in taken), None)
        if target is not None:
            taken.add(target.pk)
            Task.objects.filter(pk=task.pk).update(step=target, title=target.title)
