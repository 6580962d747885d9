"""Failed logins and lockouts of real staff reach their municipality's log review; denials are
flagged for review."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kaa.models import AuditEvent
from tests.factories import youth_make

PASSWORD = "ett-langt-testlosenord-123"
LOGIN = "/konto/logga-in/"


def _fail(username: str, times: int = 1) -> None:
    client = Client()
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "fel-losenord-helt"})


def _flagged_section(page: str) -> str:
    return page.split('id="flagged-heading"')[1].split("</section>")[0]


def test_a_coordinator_sees_a_failed_login_of_their_staff_in_loggkontroll(
    client_for, coordinator, coach, stranger_coordinator
):
    _fail("omar")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.municipality_id == coach.municipality_id
    assert (event.object_type, event.object_id) == ("kaa.user", str(coach.pk))
    assert event.user is None  # who typed it is not known
    body = (
        client_for(coordinator)
        .get(reverse("records:audit_list"), {"action": "login_failed"})
        .content.decode()
    )
    assert "1 händelse" in body
    assert "Misslyckad inloggning" in body
    assert "<td>omar</td>" in body
    # Another municipality's coordinator does not.
    body = (
        client_for(stranger_coordinator)
        .get(reverse("records:audit_list"), {"action": "login_failed"})
        .content.decode()
    )
    assert "0 händelser" in body


def test_a_lockout_of_their_staff_is_flagged_for_the_coordinator(
    client_for, coordinator, coach, settings
):
    _fail("omar", settings.AXES_FAILURE_LIMIT + 1)
    locked = AuditEvent.objects.filter(action="locked_out")
    assert locked.exists()
    assert all(e.municipality_id == coach.municipality_id and e.flagged for e in locked)
    client = client_for(coordinator)
    body = client.get(reverse("records:audit_list"), {"action": "locked_out"}).content.decode()
    assert "Kontot spärrat" in body
    assert "<td>omar</td>" in body
    section = _flagged_section(client.get(reverse("records:access_review")).content.decode())
    assert "Kontot spärrat" in section
    assert "<td>omar</td>" in section


def test_failed_logins_with_unknown_usernames_stay_without_municipality(db, coach):
    _fail("finns-inte")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.municipality_id is None
    assert event.object_id == ""
    assert event.username == "finns-inte"


def test_a_denial_is_flagged_and_listed_on_the_review_page(
    client_for, coordinator, coach, other_municipality
):
    foreign = youth_make(municipality=other_municipality)
    response = client_for(coach).get(reverse("youth:detail", args=[foreign.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="denied")
    assert denied.flagged
    assert denied.municipality_id == coach.municipality_id
    section = _flagged_section(
        client_for(coordinator).get(reverse("records:access_review")).content.decode()
    )
    assert "Nekad åtkomst" in section
    assert f"<td>{coach.username}</td>" in section
