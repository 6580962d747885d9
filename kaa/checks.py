"""System checks: production settings that `check --deploy` itself does not cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from kaa.audit import AUDIT_MINIMUM_MONTHS

# Roles that read personal data or statistics, or manage accounts: all need a second factor.
READING_ROLES = ("coordinator", "coach", "manager", "admin")
# A bearer token shorter than this could be guessed by trying (secrets.token_urlsafe(32) is 43).
METRICS_TOKEN_MINIMUM = 32


@register(Tags.security, deploy=True)
def kaa_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.SESSION_ENGINE.endswith("cache"):
        problems.append(Warning("Sessions must not live only in the cache (R-09).", id="kaa.W001"))
    if "'unsafe-inline'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("script-src", []):
        problems.append(Warning("CSP allows inline scripts.", id="kaa.W002"))
    if settings.KAA_DEMO:
        problems.append(Warning("KAA_DEMO is on: demo accounts may exist.", id="kaa.W003"))
    if settings.KAA_SESSION_IDLE_MINUTES > 30:
        problems.append(Warning("Idle timeout above 30 minutes (ASVS 7.3.1).", id="kaa.W004"))
    months = settings.KAA_AUDIT_UNATTRIBUTED_MONTHS
    if 0 < months < AUDIT_MINIMUM_MONTHS:
        problems.append(
            Warning(
                f"AUDIT_UNATTRIBUTED_MONTHS={months} is below the log's minimum of "
                f"{AUDIT_MINIMUM_MONTHS} months (log review and register extracts need it).",
                id="kaa.W005",
            )
        )
    left_out = sorted(set(READING_ROLES) - set(settings.KAA_OTP_REQUIRED_ROLES))
    if left_out:
        problems.append(
            Warning(
                f"KAA_OTP_REQUIRED_ROLES leaves out {', '.join(left_out)}: these roles read "
                "personal data or statistics, or manage accounts, with a password alone.",
                id="kaa.W016",
            )
        )
    if settings.HTTPS and settings.TRUSTED_PROXY_COUNT == 0:
        problems.append(
            Warning(
                "HTTPS is on but TRUSTED_PROXY_COUNT=0: behind a reverse proxy every request then "
                "has the proxy's address, in the audit log and for the login limits.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of KAA that "
                "append to X-Forwarded-For (usually 1).",
                id="kaa.W006",
            )
        )
    if "ip_address" in settings.AXES_LOCKOUT_PARAMETERS:
        problems.append(
            Warning(
                "AXES_LOCKOUT_PARAMETERS locks an address alone: failed logins with made-up "
                "usernames lock out every account behind that address (a proxy, a shared NAT).",
                hint="Use username,username+ip_address (the default); guessing from one address "
                "is slowed down by KAA_LOGIN_ADDRESS_LIMIT.",
                id="kaa.W007",
            )
        )
    if settings.KAA_OIDC_ISSUER and not settings.KAA_OIDC_ISSUER.startswith("https://"):
        problems.append(
            Warning(
                "KAA_OIDC_ISSUER is not an https:// address: the identity provider's keys, "
                "tokens and the person's claims would travel unprotected.",
                hint=(
                    "Use the provider's https issuer, exactly as its discovery document names it."
                ),
                id="kaa.W040",
            )
        )
    return problems + _services_missing() + _monitoring()


def _services_missing() -> list[Warning]:
    """The municipality's services production relies on; only the settings are looked at, a
    check never connects."""
    problems = []
    if not settings.KAA_CLAMD_URL:
        problems.append(
            Warning(
                "KAA_CLAMD_URL is not set: uploaded files (register lists, consent scans) are not "
                "scanned for malware.",
                hint="Point it at the municipality's clamd: tcp://host:3310 or unix:///path.",
                id="kaa.W015",
            )
        )
    if not settings.KAA_AUDIT_SINK:
        problems.append(
            Warning(
                "KAA_AUDIT_SINK is not set: the audit log exists only in the database, where a "
                "compromise of the database could rewrite it.",
                hint="Point it at the municipality's log server (syslog+tls://host:6514) or at an "
                "append-only JSON-lines file a log agent forwards (file:///path/audit.jsonl).",
                id="kaa.W017",
            )
        )
    return problems


def _monitoring() -> list[Warning]:
    token = settings.KAA_METRICS_TOKEN
    if token and len(token) < METRICS_TOKEN_MINIMUM:
        return [
            Warning(
                f"KAA_METRICS_TOKEN has {len(token)} characters: /metrics answers to whoever "
                "guesses it.",
                hint=f"Use at least {METRICS_TOKEN_MINIMUM} random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
                id="kaa.W041",
            )
        ]
    return []
