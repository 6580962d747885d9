"""Reads are audited by construction: only kaa.audit writes a READ or SEARCH event.

Every view, PDF, file and fragment that shows a youth's data goes through kaa.audit's read
functions (`get_for_display`, `shown`, `listed`, `shown_each`, `shown_fragment`, `shown_page`,
or `youth.register.permissions.youth_for_display`), which take a required `what`. A module that
writes a READ event itself (through `audit_event`, the model, or its manager) fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kaa", "youth", "outreach", "plans", "records", "reporting", "demo")
# The one module allowed to write a READ event.
WRITER = Path("kaa/audit.py")
# Calls that write an event: the low-level writers, the model and its manager's inserts.
WRITING_CALLS = frozenset(
    {"audit_event", "_event", "_bulk_events", "AuditEvent", "create", "bulk_create"}
)
READ_ACTIONS = frozenset({"READ", "SEARCH", "read", "search"})


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_read_action(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return value.value in READ_ACTIONS
    if isinstance(value, ast.Attribute):
        return value.attr in READ_ACTIONS
    if isinstance(value, ast.IfExp):  # SEARCH if text else READ
        return _is_read_action(value.body) or _is_read_action(value.orelse)
    return False


def read_writes(source: str) -> list[int]:
    """The lines of `source` that write a READ or SEARCH event by hand."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) not in WRITING_CALLS:
            continue
        if any(kw.arg == "action" and _is_read_action(kw.value) for kw in node.keywords):
            lines.append(node.lineno)
    return lines


def _app_modules() -> list[Path]:
    return sorted(
        path.relative_to(ROOT)
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_no_module_but_the_audit_log_writes_a_read_event():
    offenders = {
        str(path): lines
        for path in _app_modules()
        if path != WRITER and (lines := read_writes((ROOT / path).read_text()))
    }
    assert not offenders, (
        "Write reads through kaa.audit's read functions (get_for_display, shown, listed, "
        f"shown_each, shown_fragment, shown_page), not by hand: {offenders}"
    )


def test_the_writers_of_reads_are_gone():
    import kaa.audit

    for name in ("audit_read", "audit_list_read", "audit_bulk_read", "audit_read_fragment"):
        assert not hasattr(kaa.audit, name), name


@pytest.mark.parametrize(
    "source",
    [
        "audit_event(request=request, action=Action.READ, obj=youth)",
        "audit_event(request=request, action=AuditEvent.Action.SEARCH, object_type='x')",
        "AuditEvent.objects.create(action='read', user=user)",
        "AuditEvent(action=Action.SEARCH if text else Action.READ)",
        "AuditEvent.objects.bulk_create([AuditEvent(action='read')])",
    ],
)
def test_the_check_finds_a_read_written_by_hand(source):
    assert read_writes(source) == [1]


@pytest.mark.parametrize(
    "source",
    [
        "audit_event(request=request, action=Action.DENIED, obj=youth)",
        "AuditEvent.objects.filter(action=AuditEvent.Action.READ)",
        "shown(request, youth, what='ungdom')",
    ],
)
def test_the_check_lets_other_events_and_queries_pass(source):
    assert read_writes(source) == []
