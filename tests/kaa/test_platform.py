"""Headers, health, error pages, language, log scrubbing and production settings."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from kaa.logging import MASK, ScrubPersonalDataFilter, scrub

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_the_security_headers(client, db):
    response = client.get("/konto/logga-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store, private"
    assert len(response["X-Request-ID"]) == 32


def test_no_page_uses_an_external_asset(client, db):
    body = client.get("/konto/logga-in/").content.decode()
    assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in body
    assert "<script>" not in body  # no inline scripts (the CSP would block them anyway)


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https(db):
    response = Client().get("/konto/logga-in/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


@override_settings(KAA_HEALTHZ_TOKEN="monitoring-token")
def test_healthz_reports_ok_without_personal_data(client, db):
    response = client.get("/healthz", headers={"Authorization": "Bearer monitoring-token"})
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "outbox_waiting": 0,
        "outbox_failed": 0,
    }


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", KAA_HEALTHZ_TOKEN="monitoring-token")
def test_healthz_says_degraded_when_the_broker_is_down(client, db):
    response = client.get("/healthz", headers={"Authorization": "Bearer monitoring-token"})
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "down"


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from kaa import health

    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_404_is_swedish_and_reveals_nothing(client, db):
    response = client.get("/finns/inte/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Sidan finns inte" in body
    assert "Traceback" not in body
    assert "urlpatterns" not in body


def test_500_is_swedish_and_reveals_nothing(db, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret detail 19900101-1234")

    urlconf = type(
        "Urls", (), {"urlpatterns": [path("boom/", boom)], "handler500": "kaa.views.error_500"}
    )
    settings.ROOT_URLCONF = urlconf
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Tekniskt fel" in body
    assert "secret detail" not in body
    assert "19900101" not in body


def test_english_is_the_second_language(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/konto/logga-in/"})
    body = client.get("/konto/logga-in/").content.decode()
    assert '<html lang="en">' in body
    assert "Log in to KAA" in body
    assert "Skip to main content" in body


@pytest.mark.parametrize(
    "text",
    [
        "Youth 199001011234 opened",
        "pnr 19900101-1234",
        "pnr 900101-1234",
        "pnr 900101+1234",
        "mail anna.svensson@example.se",
        "tel 070-123 45 67",
    ],
)
def test_log_lines_never_carry_identifiers(text):
    assert MASK in scrub(text)
    assert "1234" not in scrub(text) or "@" in text
    assert "anna.svensson" not in scrub(text)


def test_the_log_filter_scrubs_arguments_and_exceptions():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "failed for %s", ("199001011234",), None
    )
    ScrubPersonalDataFilter().filter(record)
    assert record.getMessage() == f"failed for {MASK}"
    try:
        raise ValueError("Key (personnummer)=(199001011234) already exists")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    ScrubPersonalDataFilter().filter(record)
    assert "199001011234" not in record.exc_text


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = (
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "SECRET_KEY",
        "HTTPS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "KAA_OTP_REQUIRED_ROLES",
    )
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "Q9!x" * 10 + "abcdefghijkl",
        ALLOWED_HOSTS="kaa.example.se",
        TRUSTED_PROXY_COUNT="1",
        KAA_CLAMD_URL="tcp://127.0.0.1:3310",
        KAA_AUDIT_SINK="syslog+tcp://127.0.0.1:6514",
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_fails_behind_https_without_a_trusted_proxy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "Q9!x" * 10 + "abcdefghijkl",
        ALLOWED_HOSTS="kaa.example.se",
        TRUSTED_PROXY_COUNT="0",
    )
    assert result.returncode != 0
    assert "kaa.W006" in result.stderr


def test_production_settings_are_strict():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_ENGINE,"
        " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = _manage("shell", "-c", code, DEBUG="false", SECRET_KEY="z" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "31536000",
        "True",
        "django.contrib.sessions.backends.db",
        "Argon2PasswordHasher",
        "sv",
        "Europe/Stockholm",
    ]


def test_a_missing_secret_key_stops_production_with_a_clear_message():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "Environment variable SECRET_KEY: must be set when DEBUG is off" in result.stderr


def test_a_malformed_env_var_is_named_in_the_error():
    result = _manage("check", DEBUG="false", SECRET_KEY="z" * 60, DATABASE_URL="nonsense://x")
    assert result.returncode != 0
    assert "nonsense" in result.stderr or "DATABASE_URL" in result.stderr


def test_every_ui_string_has_an_english_translation():
    import re

    text = (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    untranslated = [
        e.split("\n")[-1]
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.M)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not untranslated, untranslated[:5]
    assert not fuzzy, fuzzy[:2]


def test_the_accessibility_statement_is_public_and_complete(client, db, settings):
    settings.KAA_ACCESSIBILITY_CONTACT = "tillganglighet@askersund.se"
    settings.KAA_ACCESSIBILITY_REVIEWED = "2026-11-23"
    response = client.get("/tillganglighet/")  # nobody logged in
    body = response.content.decode()
    assert response.status_code == 200
    assert "delvis förenligt" in body  # the compliance status
    assert "Kända brister" in body
    assert 'href="mailto:tillganglighet@askersund.se"' in body  # where to report
    assert 'href="https://www.digg.se/tdosanmalan"' in body  # the supervisory authority
    assert "granskades senast den 2026-11-23" in body
    # Linked from every page's footer, the login page too.
    assert 'href="/tillganglighet/"' in client.get("/konto/logga-in/").content.decode()
