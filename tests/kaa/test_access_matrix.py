"""Role matrix over every personal-data URL (security.md S-01, S-03, S-04)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from kaa.models import AuditEvent
from tests.access_matrix import CASES, EXEMPT, PERSONAL_NAMESPACES, PERSONAS


def _personas(request) -> dict:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_personal_data_only_to_allowed_roles(db, request, client_for, case, persona):
    users = _personas(request)
    kwargs, marker = case.build(users)
    query = kwargs.pop("_query", "")
    url = reverse(case.url_name, kwargs=kwargs) + case.query + query
    response = client_for(users[persona]).get(url)
    body = response.content.decode()
    if persona in case.allowed:
        assert response.status_code == 200, (persona, response.status_code)
        assert marker in body
    else:
        allowed_statuses = {403, 404} | ({200} if case.list_page else set())
        assert response.status_code in allowed_statuses, (persona, response.status_code)
        assert marker not in body
        if response.status_code in (403, 404):
            assert AuditEvent.objects.filter(action="denied", user=users[persona]).exists()


def test_it_requires_login_for_every_case(client, db, request):
    users = _personas(request)
    for case in CASES:
        kwargs, marker = case.build(users)
        query = kwargs.pop("_query", "")
        response = client.get(reverse(case.url_name, kwargs=kwargs) + case.query + query)
        assert response.status_code == 302
        assert "/konto/logga-in/" in response["Location"]
        assert marker not in response.content.decode()


def _url_names(resolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            names |= _url_names(pattern, inner)
        elif pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_personal_url_is_covered():
    covered = {case.url_name for case in CASES} | set(EXEMPT)
    names = _url_names(get_resolver())
    personal = {n for n in names if n.split(":")[0] in PERSONAL_NAMESPACES}
    missing = sorted(personal - covered)
    assert not missing, f"Add these URLs to tests/access_matrix.py: {missing}"
    assert "records:audit_list" in covered
