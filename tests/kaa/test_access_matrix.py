"""Role matrix over every personal-data URL (security.md S-01, S-03, S-04)."""

from __future__ import annotations

import pytest
from django.db.models import Max
from django.urls import get_resolver, reverse

from kaa.models import AuditEvent
from tests.access_matrix import (
    CASE_YOUTH_LAST_NAME,
    CASES,
    EXEMPT,
    PERSONAL_NAMESPACES,
    PERSONAS,
    Read,
)

READS = ("read", "search")


def _personas(request) -> dict:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


def _written_during(user, get):
    """The response to `get()` and the audit events `user` wrote while it ran."""
    last = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    response = get()
    return response, list(AuditEvent.objects.filter(pk__gt=last, user=user).order_by("pk"))


def _case_youths() -> set[int]:
    from youth.models import Youth

    return set(Youth.objects.filter(last_name=CASE_YOUTH_LAST_NAME).values_list("pk", flat=True))


def _names_case_youth(event: AuditEvent, youths: set[int]) -> bool:
    return event.youth_id in youths or bool(youths & set(event.youth_ids))


def _reads_match(expected: tuple[Read, ...], events: list[AuditEvent], youths: set[int]) -> None:
    """The request wrote exactly the expected reads (what, object and whose), in order."""
    reads = [e for e in events if e.action in READS]
    written = [(e.detail, e.object_type, e.youth_id, e.youth_ids) for e in reads]
    assert len(reads) == len(expected), (expected, written)
    for want, event in zip(expected, reads, strict=True):
        assert (event.detail, event.object_type) == (want.what, want.object_type), (
            want,
            written,
        )
        if want.names == "record":
            assert event.youth_id in youths, (want, written)
        elif want.names == "list":
            assert youths <= set(event.youth_ids), (want, written)
        else:
            assert not _names_case_youth(event, youths), (want, written)


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_personal_data_only_to_allowed_roles(db, request, client_for, case, persona):
    users = _personas(request)
    kwargs, marker = case.build(users)
    query = kwargs.pop("_query", "")
    url = reverse(case.url_name, kwargs=kwargs) + case.query + query
    client = client_for(users[persona])
    response, events = _written_during(users[persona], lambda: client.get(url))
    body = response.content.decode()
    youths = _case_youths()
    if persona in case.allowed:
        assert response.status_code == 200, (persona, response.status_code)
        assert marker in body
        _reads_match(case.reads, events, youths)
        assert not [e for e in events if e.action == "denied"]
    else:
        allowed_statuses = {403, 404} | ({200} if case.list_page else set())
        assert response.status_code in allowed_statuses, (persona, response.status_code)
        assert marker not in body
        if response.status_code in (403, 404):
            # A refusal writes one `denied` event and no read.
            assert [e.action for e in events] == ["denied"], [(e.action, e.detail) for e in events]
        else:
            # A list page shown without the case: no event names its youth.
            assert not [e for e in events if _names_case_youth(e, youths)]


def test_every_case_declares_its_reads():
    """`reads` is required: a new URL says what it reads, or NO_READ for a page naming no
    youth."""
    for case in CASES:
        assert isinstance(case.reads, tuple), case.url_name
        assert all(isinstance(read, Read) and read.what for read in case.reads), case.url_name


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
