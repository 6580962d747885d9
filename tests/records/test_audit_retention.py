"""Gallring of the audit log: never below the log's minimum (no override), never a security event
or the log's own history before its longer minimum, and never by one person alone.

The events are dated relative to the real clock (no time travel): on PostgreSQL the database's
own clock decides what is old enough to delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaa import audit
from kaa.models import AuditEvent
from records.retention import services as retention
from records.retention.models import RetentionPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def months_ago(months: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(months * 30.44))


def old_event(municipality, months: float, action: str = "read", **extra) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action, municipality=municipality, at=months_ago(months), **extra
    )


@pytest.fixture
def second_coordinator(municipality):
    """Another coordinator of the same municipality: the second pair of eyes."""
    return UserFactory(username="karin", role="coordinator", municipality=municipality)


def _approve(run, actor, capture):
    with capture(execute=True):
        retention.decide(run=run, actor=actor, approve=True)
    run.refresh_from_db()
    return run


def test_the_minimums_are_stated_once_and_are_longer_for_security_events():
    assert audit.AUDIT_MINIMUM_MONTHS == 24
    assert retention.RULES["audit"].minimum_months == audit.AUDIT_MINIMUM_MONTHS
    for action in ("denied", "login_failed", "locked_out", "export"):
        assert audit.AUDIT_MINIMUM_MONTHS_BY_ACTION[action] > audit.AUDIT_MINIMUM_MONTHS
    for object_type in ("reporting.retentionrun", "reporting.retentionpolicy"):
        assert audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT[object_type] > audit.AUDIT_MINIMUM_MONTHS


def test_the_page_refuses_a_log_time_below_the_minimum_even_with_the_box_ticked(
    client_for, coordinator
):
    client = client_for(coordinator)
    url = reverse("records:retention")
    page = client.get(url).content.decode()
    assert 'name="audit-below_minimum_ok"' not in page  # no override offered for the log
    assert 'name="notes-below_minimum_ok"' in page
    response = client.post(
        url,
        {
            "record_type": "audit",
            "audit-months": "3",
            "audit-decision": "DHP 2027 §9",
            "audit-below_minimum_ok": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Loggen över läsningar och ändringar ska sparas i minst 24 månader" in body
    assert "inte heller med ett eget gallringsbeslut" in body
    assert 'value="DHP 2027 §9"' in body  # the input is kept
    assert 'name="audit-months" value="3"' in body
    assert not RetentionPolicy.objects.exists()


def test_the_service_refuses_a_log_time_below_the_minimum(municipality, coordinator):
    with pytest.raises(ValidationError, match="minst 24 månader"):
        retention.policy_save(
            municipality=municipality,
            record_type="audit",
            months=12,
            decision="DHP",
            actor=coordinator,
        )
    assert not RetentionPolicy.objects.exists()


def test_a_log_rule_stored_below_the_minimum_before_is_applied_as_the_minimum(
    municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    RetentionPolicy.objects.create(
        municipality=municipality,
        record_type="audit",
        months=3,
        decision="DHP",
        below_minimum=True,
        updated_at=timezone.now(),
        updated_by=coordinator,
    )
    young = old_event(municipality, 12)
    old = old_event(municipality, 30)
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert run.counts == {"audit": 1}
    run = _approve(run, second_coordinator, django_capture_on_commit_callbacks)
    assert run.result == {"audit": 1}
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_security_events_and_the_log_s_own_history_outlive_the_rule(
    municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    retention.policy_save(
        municipality=municipality,
        record_type="audit",
        months=24,
        decision="DHP 2027 §9",
        actor=coordinator,
    )
    kept = [
        old_event(municipality, 30, action)
        for action in ("denied", "login_failed", "locked_out", "export")
    ]
    kept += [
        old_event(
            municipality,
            30,
            "update",
            object_type="reporting.retentionrun",
            detail="gallring:godkänd",
        ),
        old_event(
            municipality,
            30,
            "delete",
            object_type="reporting.retentionrun",
            detail="gallring youth=3",
        ),
        old_event(municipality, 30, "update", object_type="reporting.retentionpolicy"),
    ]
    gone = [
        old_event(municipality, 30, "read", youth_id=5),
        old_event(municipality, 66, "denied"),
        old_event(municipality, 66, "read"),
    ]
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert run.counts == {"audit": len(gone)}
    run = _approve(run, second_coordinator, django_capture_on_commit_callbacks)
    assert run.result == {"audit": len(gone)}
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert {e.pk for e in kept} <= left
    assert not {e.pk for e in gone} & left


def test_the_log_older_than_the_rule_is_deleted_but_not_about_youths_still_in_kaa(
    municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    from tests.factories import youth_make

    in_kaa = youth_make(municipality=municipality)
    gone = youth_make(municipality=municipality, open_period=False)
    restricted = youth_make(municipality=municipality, open_period=False)
    type(restricted).objects.filter(pk=restricted.pk).update(restricted_at=timezone.now())
    retention.policy_save(
        municipality=municipality,
        record_type="audit",
        months=24,
        decision="DHP 2027 §9",
        actor=coordinator,
    )
    kept = [
        old_event(municipality, 30, youth_id=in_kaa.pk),
        old_event(municipality, 30, youth_id=restricted.pk),
        old_event(municipality, 23, youth_id=gone.pk),
        old_event(municipality, 23),
    ]
    deleted = [old_event(municipality, 30, youth_id=gone.pk), old_event(municipality, 30)]
    other = old_event(None, 30)  # of no municipality: not this municipality's rule
    run = retention.propose(municipality=municipality, today=timezone.localdate())
    assert run.counts == {"audit": 2}
    run = _approve(run, second_coordinator, django_capture_on_commit_callbacks)
    assert run.result == {"audit": 2}
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert {e.pk for e in kept} | {other.pk} <= left
    assert not {e.pk for e in deleted} & left


# --- Four eyes ------------------------------------------------------------------------------


def _page(client) -> str:
    return client.get(reverse("records:retention")).content.decode()


APPROVE_BUTTON = "Godkänn och gallra"


def test_one_coordinator_alone_cannot_set_propose_and_approve_a_gallring(
    client_for, municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    from records.retention.models import RetentionRun

    events = [old_event(municipality, 30, youth_id=n) for n in range(1, 6)]
    sara = client_for(coordinator)
    sara.post(
        reverse("records:retention"),
        {"record_type": "audit", "audit-months": "24", "audit-decision": "DHP 2027 §9"},
    )
    sara.post(reverse("records:retention_propose"))
    run = RetentionRun.objects.get(status="proposed")
    assert run.proposed_by == coordinator
    page = _page(sara)
    assert APPROVE_BUTTON not in page
    assert "måste godkännas av en annan samordnare" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = sara.post(
            reverse("records:retention_decide", args=[run.pk]),
            {"decision": "approve", "reviewed": "on"},
            follow=True,
        )
    assert "måste godkännas av en annan samordnare" in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.decided_by) == ("proposed", None)
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events]).count() == 5
    refusal = AuditEvent.objects.get(action="denied", object_type="records.retentionrun")
    assert (refusal.user, refusal.object_id, refusal.flagged) == (coordinator, str(run.pk), True)
    # Another coordinator is offered the decision, and approves.
    karin = client_for(second_coordinator)
    assert APPROVE_BUTTON in _page(karin)
    with django_capture_on_commit_callbacks(execute=True):
        karin.post(
            reverse("records:retention_decide", args=[run.pk]),
            {"decision": "approve", "reviewed": "on"},
        )
    run.refresh_from_db()
    assert (run.status, run.decided_by) == ("done", second_coordinator)
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in events]).exists()
    # The refusal itself outlives any gallring of the log.
    assert AuditEvent.objects.filter(pk=refusal.pk).exists()


def test_who_set_the_rules_cannot_approve_the_weekly_proposal(
    municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    old_event(municipality, 30)
    retention.policy_save(
        municipality=municipality,
        record_type="audit",
        months=24,
        decision="DHP 2027 §9",
        actor=coordinator,
    )
    assert retention.propose_all(today=timezone.localdate()) == 1
    from records.retention.models import RetentionRun

    run = RetentionRun.objects.get(status="proposed")
    assert run.proposed_by is None  # the weekly job
    with pytest.raises(PermissionDenied):
        retention.decide(run=run, actor=coordinator, approve=True)
    run.refresh_from_db()
    assert run.status == "proposed"
    assert AuditEvent.objects.filter(
        action="denied", user=coordinator, object_id=str(run.pk), flagged=True
    ).exists()
    assert retention.may_approve(run, second_coordinator)
    run = _approve(run, second_coordinator, django_capture_on_commit_callbacks)
    assert run.status == "done"


def test_the_proposer_and_the_rule_setter_both_need_a_third_to_approve(
    client_for, municipality, coordinator, second_coordinator, django_capture_on_commit_callbacks
):
    from records.retention.models import RetentionRun

    old_event(municipality, 30)
    retention.policy_save(
        municipality=municipality,
        record_type="audit",
        months=24,
        decision="DHP 2027 §9",
        actor=second_coordinator,
    )
    client_for(coordinator).post(reverse("records:retention_propose"))
    run = RetentionRun.objects.get(status="proposed")
    for user in (coordinator, second_coordinator):
        assert APPROVE_BUTTON not in _page(client_for(user))
        client_for(user).post(
            reverse("records:retention_decide", args=[run.pk]),
            {"decision": "approve", "reviewed": "on"},
        )
        run.refresh_from_db()
        assert run.status == "proposed"
    third = UserFactory(username="lena", role="coordinator", municipality=municipality)
    assert APPROVE_BUTTON in _page(client_for(third))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(third).post(
            reverse("records:retention_decide", args=[run.pk]),
            {"decision": "approve", "reviewed": "on"},
        )
    run.refresh_from_db()
    assert (run.status, run.decided_by) == ("done", third)
