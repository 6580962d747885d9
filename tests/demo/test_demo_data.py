"""The demo data: realistic, varied, valid and idempotent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.core.validators import validate_email
from django.utils import timezone

from plans.models import ActionPlan
from youth.models import CaseStatus, KaaPeriod, Youth
from youth.personnummer import parse


@pytest.mark.django_db
def test_the_demo_command_is_idempotent_and_varied(settings):
    settings.KAA_DEMO = True
    call_command("demo_data", youths=80)
    first = Youth.objects.count()
    plans = ActionPlan.objects.count()
    call_command("demo_data", youths=80)
    assert Youth.objects.count() == first >= 60
    assert ActionPlan.objects.count() == plans >= 6
    assert CaseStatus.IN_MEASURE in set(Youth.objects.values_list("status", flat=True))
    statuses = set(Youth.objects.values_list("status", flat=True))
    assert {
        CaseStatus.NOT_REACHED,
        CaseStatus.IN_CONTACT,
        CaseStatus.OCCUPIED,
        CaseStatus.ENDED,
    } <= statuses
    today = timezone.localdate()
    for youth in Youth.objects.all():
        if youth.email:
            validate_email(youth.email)  # the contact form must be able to save it again
        parsed = parse(youth.personnummer)
        assert parsed.birth_date == youth.birth_date
        assert 16 <= youth.age_on(today) <= 19
    assert KaaPeriod.objects.filter(end_date__isnull=True).count() <= first
    assert Youth.objects.filter(is_coordination_number=True).exists()
    assert Youth.objects.filter(protected_identity=True).exists()


@pytest.mark.django_db
def test_the_demo_has_school_notices_an_eservice_answer_and_a_code_to_try(settings):
    import io

    from outreach.eservice.services import Check, code_check
    from outreach.models import EserviceSubmission
    from plans.models import SchoolNotification

    settings.KAA_DEMO = True
    call_command("demo_data", youths=40)
    call_command("demo_data", youths=40)
    assert SchoolNotification.objects.filter(status="new").count() == 3
    assert EserviceSubmission.objects.count() == 1
    out = io.StringIO()
    call_command("demo_data", print_logins=True, stdout=out)
    printed = out.getvalue()
    link, birth = re.search(r"/e/([A-Z0-9]+)/\s+birth date (\d{8})", printed).groups()
    day = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    assert code_check(text=link, birth_date=day).status is Check.OK
    assert "/skola/anmalan/" in printed


@pytest.mark.django_db
def test_the_demo_command_refuses_outside_the_demo(settings):
    settings.KAA_DEMO = False
    with pytest.raises(CommandError, match="KAA_DEMO"):
        call_command("demo_data")


@pytest.mark.django_db
def test_the_demo_data_gives_a_meaningful_scb_report(settings):
    """The demo shows the SCB pages with real rows and a few things to fix, not an error."""
    from kaa.models import Municipality
    from reporting.scb.periods import HalfYear
    from reporting.scb.profile import profile_for
    from reporting.scb.writer import run

    settings.KAA_DEMO = True
    call_command("demo_data", youths=80)
    today = timezone.localdate()
    period = HalfYear.containing(today)
    municipality = Municipality.objects.get(code="1882")
    outcome = run(municipality, period, profile_for(period), today=today, verified=False)
    assert outcome.youths >= 40
    assert outcome.rows > outcome.youths  # contacts and measures, not block 1 alone
    assert outcome.findings.quality.with_contact > 0


@pytest.mark.django_db
def test_the_demo_has_retention_rules_and_a_proposal_to_review(settings):
    from kaa.models import Municipality
    from records.retention.models import RetentionPolicy, RetentionRun

    settings.KAA_DEMO = True
    call_command("demo_data", youths=80)
    askersund = Municipality.objects.get(code="1882")
    rules = dict(
        RetentionPolicy.objects.filter(municipality=askersund).values_list("record_type", "months")
    )
    assert rules["youth"] is None
    assert rules["audit"] == 36
    assert not RetentionPolicy.objects.filter(below_minimum=True).exists()
    run = RetentionRun.objects.get(municipality=askersund)
    assert run.status == RetentionRun.Status.PROPOSED
    assert sum(run.counts.values()) > 0
    # The demo coordinator did not set the rules: she may approve (four eyes).
    from kaa.models import User
    from records.retention.services import may_approve

    assert may_approve(run, User.objects.get(username="samordnare"))
    assert not may_approve(run, User.objects.get(username="samordnare.arkiv"))
    # Loading the demo again neither changes the rules nor makes a second proposal.
    call_command("demo_data", youths=80)
    assert RetentionRun.objects.filter(municipality=askersund).count() == 1
    assert not RetentionPolicy.objects.filter(
        municipality__code="1494"
    ).exists()  # the other demo municipality keeps everything


def test_the_demo_rules_are_refused_outside_the_demo(settings):
    settings.KAA_DEMO = False
    with pytest.raises(CommandError, match="KAA_DEMO"):
        call_command("demo_retention")


@pytest.mark.django_db
def test_the_demo_logins_work_and_a_role_waits_for_the_coordinator(settings):
    """The demo runs without the second factor (scripts/demo sets KAA_OTP_REQUIRED_ROLES to
    nothing), so its accounts log in with the printed password; a newcomer's role, asked for
    by the admin, waits for the coordinator."""
    from django.test import Client

    from demo.staff import DEMO_PASSWORD
    from kaa.models import RoleGrant, User

    settings.KAA_DEMO = True
    settings.KAA_OTP_REQUIRED_ROLES = []
    call_command("demo_data", youths=10)
    call_command("demo_data", youths=10)
    grant = RoleGrant.objects.get(user__username="ny.coach")
    assert grant.status == "pending"
    assert grant.requested_by.username == "admin"
    assert User.objects.get(username="ny.coach").role == "none"
    client = Client()
    client.post("/konto/logga-in/", {"username": "samordnare", "password": DEMO_PASSWORD})
    page = client.get("/personal/").content.decode()
    assert "Nora Nilsson" in page
    assert "Godkänn" in page
    client.post(f"/personal/behorighet/{grant.pk}/", {"decision": "confirm"})
    assert User.objects.get(username="ny.coach").role == "coach"


@pytest.mark.django_db
def test_the_demo_has_a_planned_and_a_done_home_visit_once(settings):
    from outreach.models import ContactAttempt, HomeVisit

    settings.KAA_DEMO = True
    call_command("demo_data", youths=40)
    call_command("demo_data", youths=40)
    visits = list(HomeVisit.objects.order_by("starts_at"))
    assert len(visits) == 2
    done, planned = visits
    assert planned.starts_at > timezone.now()
    assert planned.checked_in_at is None
    assert planned.staff.username == "coach.norr"
    assert planned.second_staff.username == "coach.norr2"
    assert done.checked_out_at is not None
    assert done.outcome == ContactAttempt.Outcome.NOBODY_HOME
    # The outcome is a contact by each of the two staff.
    logged = ContactAttempt.objects.filter(
        youth=done.youth, channel="home_visit", at=done.checked_out_at
    )
    assert sorted(logged.values_list("staff__username", flat=True)) == [
        "coach.norr",
        "coach.norr2",
    ]
    assert not any(v.youth.location_protected for v in visits)
