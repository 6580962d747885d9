"""The audit log's pages in Chromium, axe on each: a log rule below the minimum refused with
the input kept, a proposal the coordinator may not approve, and a sample's finding history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from records.log_review.models import AuditSample, AuditSampleFinding
from tests.browser.conftest import axe_violations, describe
from tests.browser.test_register_pages import _login_with_totp
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_log_s_gallring_and_sample_pages(page, coordinator, municipality, coach):
    from records.retention.models import RetentionRun

    _login_with_totp(page, coordinator)
    page.goto(reverse("records:retention"))
    audit = page.locator("section", has=page.get_by_role("heading", name="Loggen över läsningar"))
    audit.locator("summary").click()
    assert audit.get_by_label("Kommunens gallringsbeslut medger", exact=False).count() == 0
    audit.get_by_label("Gallras efter (månader)").fill("6")
    audit.get_by_label("Gallringsbeslut", exact=True).fill("DHP §9")
    audit.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    audit = page.locator("section", has=page.get_by_role("heading", name="Loggen över läsningar"))
    assert "ska sparas i minst 24 månader" in audit.inner_text()
    assert audit.get_by_label("Gallras efter (månader)").input_value() == "6"
    assert audit.get_by_label("Gallringsbeslut", exact=True).input_value() == "DHP §9"
    violations = axe_violations(page)
    assert not violations, ("log rule refused", describe(violations))

    RetentionRun.objects.create(
        municipality=municipality,
        proposed_at=timezone.now(),
        proposed_by=coordinator,
        counts={"notes": 1},
        cutoffs={"notes": "2020-01-01"},
    )
    page.goto(reverse("records:retention"))
    assert "måste godkännas av en annan samordnare" in page.content()
    assert page.get_by_role("button", name="Godkänn och gallra").count() == 0
    violations = axe_violations(page)
    assert not violations, ("proposal of one's own", describe(violations))

    read = AuditEvent.objects.create(
        action="read", user=coach, username=coach.username, municipality=municipality, youth_id=1
    )
    sample = AuditSample.objects.create(
        municipality=municipality,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        event_ids=[read.pk],
        created_by=coordinator,
    )
    colleague = UserFactory(username="karin", role="coordinator", municipality=municipality)
    AuditSampleFinding.objects.create(
        sample=sample, text="Omar saknade skäl.", created_by=colleague
    )
    page.goto(reverse("records:access_sample", args=[sample.pk]))
    page.get_by_role("textbox", name="Din iakttagelse").fill("Omar hade en uppgift om ungdomen.")
    page.get_by_role("button", name="Spara iakttagelsen").click()
    page.wait_for_load_state()
    history = page.locator("section", has=page.get_by_role("heading", name="Iakttagelser"))
    text = history.inner_text()
    assert text.index("Omar saknade skäl.") < text.index("Omar hade en uppgift om ungdomen.")
    violations = axe_violations(page)
    assert not violations, ("sample history", describe(violations))
