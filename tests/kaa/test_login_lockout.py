"""Login lockout: accounts are locked by username, guessing from one address is slowed down,
and one address full of made-up usernames never locks out the real staff behind it."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from kaa.checks import kaa_deploy_checks
from kaa.models import AuditEvent

PASSWORD = "ett-langt-testlosenord-123"
LOGIN = "/konto/logga-in/"
PROXY = "10.0.0.1"  # the reverse proxy every request arrives from when it is not trusted


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _guess(client: Client, n: int, **extra) -> None:
    for i in range(n):
        response = _login(client, f"gissning{i}", "fel-losenord-helt", **extra)
        assert response.status_code in (200, 429)


def _logged_in_as(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _text(response) -> str:
    """The page without its per-request tokens, to compare two answers."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", body)


def test_made_up_usernames_from_one_address_do_not_lock_a_real_user_there(db, coach, settings):
    # The attack: behind a proxy that is not trusted every request has the proxy's address,
    # and a handful of made-up usernames used to lock the whole site for 15 minutes.
    _guess(Client(REMOTE_ADDR=PROXY), settings.AXES_FAILURE_LIMIT * 2)
    staff = Client(REMOTE_ADDR=PROXY)
    response = _login(staff, "omar")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_as(staff, coach)


def test_a_real_user_who_logged_in_here_before_is_never_held_up_by_the_guessing(
    db, coach, settings
):
    staff = Client(REMOTE_ADDR=PROXY)
    assert _login(staff, "omar").status_code == 302
    staff.post("/konto/logga-ut/")
    _guess(Client(REMOTE_ADDR=PROXY), settings.KAA_LOGIN_ADDRESS_LIMIT + 5)
    response = _login(staff, "omar")
    assert response.status_code == 302
    assert _logged_in_as(staff, coach)


def test_a_real_username_is_locked_after_the_limit_from_any_address(db, coach, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=f"192.0.2.{i + 1}"), "omar", "fel-losenord-helt")
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = _login(elsewhere, "omar")  # the right password, from a new address
    assert response.status_code == 429
    assert "Kontot är tillfälligt spärrat" in response.content.decode()
    assert not _logged_in_as(elsewhere, coach)


def test_unknown_usernames_from_one_address_are_slowed_down(db, coach, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _guess(attacker, settings.KAA_LOGIN_ADDRESS_LIMIT)
    failed = AuditEvent.objects.filter(action="login_failed").count()
    response = _login(attacker, "gissning-ny", "fel-losenord-helt")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= settings.AXES_COOLOFF_TIME * 3600
    body = response.content.decode()
    assert "För många misslyckade inloggningar från din adress" in body
    # Refused before any password was checked.
    assert AuditEvent.objects.filter(action="login_failed").count() == failed + 1
    assert AuditEvent.objects.filter(action="login_failed").first().detail == "throttled"
    # Only that address: the same user elsewhere is not held up.
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert _login(other, "omar").status_code == 302
    # The moment the address was slowed down is in the log, for the operator.
    assert (
        AuditEvent.objects.filter(
            action="locked_out", detail__startswith="address", flagged=True
        ).count()
        == 1
    )


def test_the_slowed_down_answer_does_not_say_whether_a_username_exists(db, coach, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _guess(attacker, settings.KAA_LOGIN_ADDRESS_LIMIT)
    known = _login(attacker, "omar", "fel-losenord-helt")
    unknown = _login(attacker, "finns-inte", "fel-losenord-helt")
    right = _login(attacker, "omar")  # not even the right password gets a verdict
    assert known.status_code == unknown.status_code == right.status_code == 429
    assert _text(known) == _text(unknown) == _text(right)
    assert not _logged_in_as(attacker, coach)


def test_failures_with_real_usernames_count_too_so_the_limit_reveals_nothing(
    db, coach, colleague, settings
):
    # If only unknown usernames counted, the moment the address is slowed down would tell
    # whether the last username tried exists.
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _guess(attacker, settings.KAA_LOGIN_ADDRESS_LIMIT - 1)
    _login(attacker, "elin", "fel-losenord-helt")
    assert _login(attacker, "gissning-x", "fel-losenord-helt").status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_lockout_sees_the_client_address(db, coach, settings):
    _guess(
        Client(REMOTE_ADDR=PROXY),
        settings.KAA_LOGIN_ADDRESS_LIMIT + 1,
        headers={"X-Forwarded-For": "203.0.113.50"},
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}
    staff = Client(REMOTE_ADDR=PROXY)
    response = _login(staff, "omar", headers={"X-Forwarded-For": "198.51.100.20"})
    assert response.status_code == 302
    assert _logged_in_as(staff, coach)


def test_the_admin_login_is_slowed_down_the_same_way(db, admin_user, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _guess(attacker, settings.KAA_LOGIN_ADDRESS_LIMIT)
    attacker.post("/system/login/", {"username": "anders", "password": PASSWORD})
    assert not _logged_in_as(attacker, admin_user)


@pytest.mark.parametrize(
    ("https", "proxies", "warned"), [(True, 0, True), (True, 1, False), (False, 0, False)]
)
def test_the_deploy_check_warns_when_https_is_on_and_no_proxy_is_trusted(https, proxies, warned):
    with override_settings(HTTPS=https, TRUSTED_PROXY_COUNT=proxies):
        ids = [problem.id for problem in kaa_deploy_checks()]
    assert ("kaa.W006" in ids) is warned


def test_the_deploy_check_warns_when_an_address_alone_locks():
    with override_settings(AXES_LOCKOUT_PARAMETERS=["username", "ip_address"]):
        assert "kaa.W007" in [problem.id for problem in kaa_deploy_checks()]
    with override_settings(AXES_LOCKOUT_PARAMETERS=["username", ["username", "ip_address"]]):
        assert "kaa.W007" not in [problem.id for problem in kaa_deploy_checks()]
