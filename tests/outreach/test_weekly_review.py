"""The weekly review's "not reached after the routine" counts what it says: youths the
routine went through without reaching, never a youth in a plan."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import OutreachCase, Task
from outreach.routine.engine import deadlines_refresh
from outreach.routine.services import routine_from_template
from tests.factories import plan_make, youth_make
from youth.models import Youth

pytestmark = pytest.mark.django_db


def _routine_done_without_reach(youth: Youth) -> None:
    case = OutreachCase.objects.get(youth=youth, closed_on__isnull=True)
    assert case.reached_on is None
    Task.objects.create(
        youth=youth,
        case=case,
        kind=Task.Kind.RETRY,
        title="Nytt försök",
        due_date=timezone.localdate(),
    )


def two_the_routine_did_not_reach(*, municipality, coach, coordinator) -> tuple[Youth, Youth]:
    """Tystberg, never reached, and Planström, met at a meeting and given a plan: the contact
    routine went through both without the contact case being marked reached."""
    routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    silent = youth_make(municipality=municipality, coach=coach, last_name="Tystberg")
    planned = youth_make(municipality=municipality, coach=coach, last_name="Planström")
    deadlines_refresh()
    for youth in (silent, planned):
        _routine_done_without_reach(youth)
    plan_make(planned, actor=coach)
    return silent, planned


def test_a_youth_in_a_plan_is_not_listed_as_not_reached(
    client_for, coach, coordinator, municipality
):
    _silent, planned = two_the_routine_did_not_reach(
        municipality=municipality, coach=coach, coordinator=coordinator
    )
    assert Youth.objects.get(pk=planned.pk).status == "in_measure"

    body = client_for(coach).get(reverse("outreach:review")).content.decode()
    listed = body.split('id="r1"')[1].split("</section>")[0]
    assert "Tystberg" in listed
    assert "Planström" not in listed
    assert "Inte nådda efter rutinen (1)" in listed
    assert "har en plan eller insats" in listed  # the words say what is counted
