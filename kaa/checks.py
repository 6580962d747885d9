"""System checks: production settings that `check --deploy` itself does not cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

AUDIT_MINIMUM_MONTHS = 24  # as reporting.retention.RULES for the audit log


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
        problems.append(Warning(
            f"AUDIT_UNATTRIBUTED_MONTHS={months} is below the log's minimum of "
            f"{AUDIT_MINIMUM_MONTHS} months (log review and register extracts need it).",
            id="kaa.W005"))
    if not settings.KAA_CLAMD_URL:  # only the setting is looked at: a check never connects
        problems.append(Warning(
            "KAA_CLAMD_URL is not set: uploaded files (register lists, consent scans) are not "
            "scanned for malware.",
            hint="Point it at the municipality's clamd: tcp://host:3310 or unix:///path.",
            id="kaa.W015"))
    return problems
