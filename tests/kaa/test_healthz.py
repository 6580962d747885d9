"""/healthz tells the public only "ok" or "degraded" (503 when the database is down); the
counts and the parts are for monitoring that presents the token."""

from __future__ import annotations

import pytest
from django.test import override_settings

TOKEN = "overvakning-" + "t" * 40


@pytest.fixture
def token(settings):
    settings.KAA_HEALTHZ_TOKEN = TOKEN
    return TOKEN


def _bearer(value: str) -> dict[str, dict[str, str]]:
    return {"headers": {"Authorization": f"Bearer {value}"}}


def test_the_public_sees_only_the_status(client, db, token):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_monitoring_with_the_token_sees_the_counts(client, db, token):
    response = client.get("/healthz", **_bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "outbox_waiting": 0,
        "outbox_failed": 0,
    }


@pytest.mark.parametrize("presented", ["wrong", TOKEN[:-1], TOKEN + "x", ""])
def test_a_wrong_token_gets_the_public_answer(client, db, token, presented):
    assert client.get("/healthz", **_bearer(presented)).json() == {"status": "ok"}
    assert client.get("/healthz", headers={"Authorization": TOKEN}).json() == {"status": "ok"}


def test_without_a_configured_token_nobody_sees_the_counts(client, db, settings):
    settings.KAA_HEALTHZ_TOKEN = ""
    assert client.get("/healthz", **_bearer("")).json() == {"status": "ok"}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_the_public_learns_degraded_and_nothing_more(client, db, token):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}


def test_the_public_gets_503_when_the_database_is_down(client, db, token, monkeypatch):
    from kaa import health

    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
