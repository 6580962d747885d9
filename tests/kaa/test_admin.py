"""System administration at /system/: admins only, behind the second factor, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from kaa.models import AuditEvent


@pytest.mark.parametrize("persona", ["coach", "coordinator", "manager"])
def test_other_roles_cannot_reach_the_admin(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get("/system/")
    assert response.status_code == 302
    assert "/system/login/" in response["Location"]


def test_an_admin_without_the_second_factor_is_sent_to_it(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/system/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/")


def test_an_admin_asks_for_a_role_and_the_request_is_audited(client_for, admin_user, coach):
    from kaa.models import RoleGrant

    client = client_for(admin_user)
    url = f"/system/kaa/user/{coach.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"requested_role": "coordinator", "team": "", "is_active": "on"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    coach.refresh_from_db()
    assert coach.role == "coach"  # until a second person confirms (tests/kaa/test_accounts.py)
    assert coach.team_id is None
    assert RoleGrant.objects.get(user=coach, status="pending").role == "coordinator"
    event = AuditEvent.objects.get(action="update", object_type="kaa.user")
    assert event.user == admin_user
    assert "Roll" in event.detail or "role" in event.detail
    requested = AuditEvent.objects.get(action="create", object_type="kaa.rolegrant")
    assert requested.user == admin_user
    assert requested.detail == "role grant requested: coordinator"


def test_a_municipal_admin_sees_only_own_municipality_staff(
    client_for, admin_user, stranger_coordinator, coach
):
    body = client_for(admin_user).get("/system/kaa/user/").content.decode()
    assert coach.username in body
    assert stranger_coordinator.username not in body
    other = client_for(admin_user).get(f"/system/kaa/user/{stranger_coordinator.pk}/change/")
    assert other.status_code == 302  # the admin redirects unknown objects to the index


def test_staff_cannot_be_deleted(client_for, admin_user, coach):
    response = client_for(admin_user).post(f"/system/kaa/user/{coach.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(coach).objects.filter(pk=coach.pk).exists()
