"""Sample reviews of the log (stickprov): every finding is kept as its own, audited entry (a
later one never overwrites an earlier), and nobody reviews their own reads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.models import AuditEvent
from records.log_review.models import AuditSample
from tests.factories import UserFactory, youth_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_coordinator(municipality):
    return UserFactory(username="karin", role="coordinator", municipality=municipality)


def _read(user, youth):
    return AuditEvent.objects.create(
        action="read",
        user=user,
        username=user.username,
        role=user.role,
        municipality=user.municipality,
        object_type="youth.youth",
        object_id=str(youth.pk),
        youth_id=youth.pk,
    )


def _draw(client) -> AuditSample:
    today = timezone.localdate().isoformat()
    response = client.post(reverse("records:access_sample_new"), {"start": today, "end": today})
    sample = AuditSample.objects.order_by("-pk").first()
    assert response["Location"] == reverse("records:access_sample", args=[sample.pk])
    return sample


def test_each_finding_is_kept_as_its_own_audited_entry(
    client_for, coordinator, second_coordinator, coach, municipality
):
    for _ in range(3):
        _read(coach, youth_make(municipality=municipality, coach=coach))
    sample = _draw(client_for(coordinator))
    url = reverse("records:access_sample", args=[sample.pk])
    client_for(coordinator).post(url, {"findings": "Omar läste tre ungdomar utan uppgift."})
    # A later finding, by someone else, must not replace the first.
    client_for(second_coordinator).post(url, {"findings": "Alla läsningar hade skäl."})
    findings = list(
        sample.findings_made.order_by("created_at", "pk").values_list(
            "text", "created_by__username"
        )
    )
    assert findings == [
        ("Omar läste tre ungdomar utan uppgift.", "sara"),
        ("Alla läsningar hade skäl.", "karin"),
    ]
    page = client_for(coordinator).get(url).content.decode()
    assert "Omar läste tre ungdomar utan uppgift." in page
    assert "Alla läsningar hade skäl." in page
    assert page.index("Omar läste tre") < page.index("Alla läsningar hade")  # the history
    assert "</textarea>" in page  # a new, empty finding is offered
    assert "Alla läsningar hade skäl.</textarea>" not in page
    logged = AuditEvent.objects.filter(action="create", object_type="records.auditsamplefinding")
    assert sorted(logged.values_list("username", flat=True)) == ["karin", "sara"]
    sample.refresh_from_db()
    assert sample.reviewed_by == coordinator  # the first review, not the latest


def test_a_finding_cannot_be_changed_or_removed():
    from records.log_review.models import AuditSampleFinding

    with pytest.raises(PermissionError):
        AuditSampleFinding.objects.all().update(text="x")
    with pytest.raises(PermissionError):
        AuditSampleFinding.objects.all().delete()


def test_a_sample_never_holds_the_drawer_s_own_reads(client_for, coordinator, coach, municipality):
    for _ in range(25):
        _read(coordinator, youth_make(municipality=municipality))
    theirs = {
        _read(coach, youth_make(municipality=municipality, coach=coach)).pk for _ in range(4)
    }
    sample = _draw(client_for(coordinator))
    assert set(sample.event_ids) == theirs


def test_nobody_reviews_a_sample_of_their_own_reads(
    client_for, coordinator, second_coordinator, coach, municipality
):
    _read(coordinator, youth_make(municipality=municipality))
    _read(coach, youth_make(municipality=municipality, coach=coach))
    sample = _draw(client_for(second_coordinator))  # holds a read by `coordinator`
    url = reverse("records:access_sample", args=[sample.pk])
    sara = client_for(coordinator)
    page = sara.get(url).content.decode()
    assert "Stickprovet innehåller dina egna läsningar" in page
    assert "<textarea" not in page
    response = sara.post(url, {"findings": "Inget att anmärka."}, follow=True)
    assert "Stickprovet innehåller dina egna läsningar" in response.content.decode()
    assert not sample.findings_made.exists()
    sample.refresh_from_db()
    assert sample.reviewed_at is None
    refusal = AuditEvent.objects.get(action="denied", object_type="records.auditsample")
    assert (refusal.user, refusal.object_id, refusal.flagged) == (
        coordinator,
        str(sample.pk),
        True,
    )
    # The one who drew it, whose reads it does not hold, reviews it.
    client_for(second_coordinator).post(url, {"findings": "Inget att anmärka."})
    assert sample.findings_made.get().created_by == second_coordinator
