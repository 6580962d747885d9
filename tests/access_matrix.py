"""The access harness: every URL that shows personal data, tried as every persona.

Each later issue adds its URLs to CASES. `test_every_personal_url_is_covered` fails when a URL
in a personal-data namespace is neither here nor in EXEMPT, so no page escapes the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "coach",
    "colleague",
    "other_team_coach",
    "coordinator",
    "stranger_coordinator",
    "manager",
    "admin_user",
)

# Namespaces whose every URL must be listed in CASES or EXEMPT.
PERSONAL_NAMESPACES = ("youth", "outreach", "plans", "reporting")


@dataclass(frozen=True)
class UrlCase:
    """One URL: how to build its data, who may see it, and a marker only the data contains."""

    url_name: str
    # Builds the objects (given the persona users) and returns (url kwargs, secret marker).
    build: Callable[[dict[str, Any]], tuple[dict[str, Any], str]]
    allowed: frozenset[str]
    # A list page may answer 200 to other personas, as long as the marker is absent.
    list_page: bool = False
    query: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _audit_case(users: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from kaa.models import AuditEvent

    marker = "4242424242"
    AuditEvent.objects.create(action="read", user=users["coach"], username="omar",
                              municipality=users["coach"].municipality,
                              object_type="youth.youth", object_id=marker, youth_id=int(marker))
    return {}, marker


CASES: list[UrlCase] = [
    UrlCase("kaa:audit_list", _audit_case, frozenset({"coordinator"}), list_page=True),
]

# URLs in the personal namespaces that show no personal data, with the reason.
EXEMPT: dict[str, str] = {}
