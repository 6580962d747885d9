"""The database itself keeps the audit log: the application's runtime role (set up by
`manage.py db_roles`) may read it and append to it, and delete from it only through the
gallring function, which keeps every event its minimum. The suite runs as the superuser
`postgres`, which owns the tables here; each test becomes the runtime role with SET ROLE.

On SQLite (the demo) there are no roles: these tests are skipped."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kaa import audit
from kaa.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL"),
]
APP_ROLE = "kaa_app_test"


@pytest.fixture
def app_role():
    """The runtime role, set up in the test's transaction (rolled back with it)."""
    from kaa.dbroles import roles_apply

    with transaction.atomic(), connection.cursor() as cursor:
        roles_apply(cursor, app_role=APP_ROLE)
    return APP_ROLE


@contextmanager
def as_role(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def months_ago(months: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(months * 30.44))


def _event(months: float = 0, action: str = "read", **extra) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action, at=months_ago(months), detail="original", **extra
    )


def _trigger_enabled() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'kaa_auditevent_append_only'"
        )
        return cursor.fetchone()[0] == "O"


ATTACKS = [
    "DELETE FROM kaa_auditevent WHERE id = {pk}",
    "UPDATE kaa_auditevent SET detail = 'forged' WHERE id = {pk}",
    "TRUNCATE kaa_auditevent",
    "ALTER TABLE kaa_auditevent DISABLE TRIGGER kaa_auditevent_append_only",
    "ALTER TABLE kaa_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER kaa_auditevent_append_only ON kaa_auditevent",
    "ALTER TABLE kaa_auditevent OWNER TO kaa_app_test",
    "DROP TABLE kaa_auditevent",
    "CREATE OR REPLACE FUNCTION kaa_audit_append_only() RETURNS trigger "
    "AS $$ BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
    "SET session_replication_role = replica",
    "SET kaa.audit_purge = 'on'; DELETE FROM kaa_auditevent WHERE id = {pk}",
]


def _run(*statements: str, params: list | None = None) -> None:
    """The statements in one savepoint (rolled back if one fails)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params if "%s" in statement else None)


@pytest.mark.parametrize("sql", ATTACKS)
def test_the_runtime_role_cannot_change_erase_or_unprotect_the_log(app_role, sql):
    event = _event(70, "denied")
    with as_role(app_role), pytest.raises(DatabaseError):
        _run(*sql.format(pk=event.pk).split("; "))
    event.refresh_from_db()
    assert event.detail == "original"
    assert _trigger_enabled()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM kaa_auditsamplefinding",
        "UPDATE kaa_auditsamplefinding SET text = 'Inget att anmärka.'",
        "TRUNCATE kaa_auditsamplefinding CASCADE",
    ],
)
def test_the_runtime_role_only_adds_findings_of_a_log_review(app_role, coordinator, sql):
    from django.utils import timezone as tz

    from records.log_review.models import AuditSample, AuditSampleFinding

    sample = AuditSample.objects.create(
        municipality=coordinator.municipality,
        period_start=tz.localdate(),
        period_end=tz.localdate(),
        created_by=coordinator,
    )
    with as_role(app_role):
        AuditSampleFinding.objects.create(
            sample=sample, text="Omar saknade skäl.", created_by=coordinator
        )
        with pytest.raises(DatabaseError):
            _run(sql)
    assert AuditSampleFinding.objects.get().text == "Omar saknade skäl."


def test_even_given_delete_the_runtime_role_is_refused_by_the_trigger(app_role):
    """A role granted DELETE by mistake, that switches the trigger's exception on, is still
    not the table's owner."""
    event = _event(70)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT DELETE ON kaa_auditevent TO {app_role}")
    with as_role(app_role), pytest.raises(DatabaseError, match="append-only"):
        _run(
            "SET LOCAL kaa.audit_purge = 'on'",
            "DELETE FROM kaa_auditevent WHERE id = %s",
            params=[event.pk],
        )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_runtime_role_appends_and_runs_the_sanctioned_gallring(app_role, municipality, coach):
    old_read = _event(30, municipality=municipality)
    old_denied = _event(30, "denied", municipality=municipality)
    recent = _event(1, municipality=municipality)
    older_denied = _event(62, "denied", municipality=municipality)
    about_kept_youth = _event(30, municipality=municipality, youth_id=77)
    with as_role(app_role):
        written = audit.audit_event(
            action="read", user=coach, object_type="youth.youth", object_id=5, youth_id=5
        )
        # Even asked to delete everything up to next year, the function keeps each event
        # its minimum.
        deleted = audit.audit_purge(
            municipality_id=municipality.pk,
            before=timezone.now() + dt.timedelta(days=365),
            keep_youth_ids=[77],
        )
        # Normal work on the other tables goes on.
        from kaa.models import OutboxItem

        item = OutboxItem.objects.create(task="kaa.tasks.outbox_sweep")
        OutboxItem.objects.filter(pk=item.pk).update(attempts=1)
        OutboxItem.objects.filter(pk=item.pk).delete()
    assert deleted == 2
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not {old_read.pk, older_denied.pk} & left
    assert {old_denied.pk, recent.pk, about_kept_youth.pk, written.pk} <= left


def test_a_list_page_that_showed_a_youth_still_in_kaa_is_kept_like_the_youth_s_own_reads(
    app_role, municipality
):
    """A list page's event names the youths it showed in youth_ids, not in youth_id: it is a
    read of each of them and stays as long as a read of one of them would."""
    listed_kept = _event(30, "read", municipality=municipality, youth_ids=[12, 77, 40])
    listed_gone = _event(30, "read", municipality=municipality, youth_ids=[12, 40])
    before = timezone.now() - dt.timedelta(days=1)
    proposed = audit.audit_purgeable(
        municipality_id=municipality.pk, before=before, keep_youth_ids=[77]
    )
    assert set(proposed.values_list("pk", flat=True)) == {listed_gone.pk}
    with as_role(app_role):
        deleted = audit.audit_purge(
            municipality_id=municipality.pk, before=before, keep_youth_ids=[77]
        )
    assert deleted == 1
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert listed_kept.pk in left
    assert listed_gone.pk not in left


def _minimums() -> list[tuple[str, str, int]]:
    rows = [("base", "", audit.AUDIT_MINIMUM_MONTHS)]
    rows += [("action", a, m) for a, m in audit.AUDIT_MINIMUM_MONTHS_BY_ACTION.items()]
    rows += [("object", o, m) for o, m in audit.AUDIT_MINIMUM_MONTHS_BY_OBJECT.items()]
    return rows


@pytest.mark.parametrize(("kind", "value", "months"), _minimums())
def test_the_database_function_keeps_each_minimum_stated_in_kaa_audit(
    app_role, kind, value, months
):
    """The function was written from kaa.audit by a migration: a minimum changed since, and
    not written into the database by a new migration, fails here."""
    fields = {"action": value} if kind == "action" else {}
    if kind == "object":
        fields = {"action": "update", "object_type": value}
    younger = _event(months - 0.5, **fields)
    older = _event(months + 0.5, **fields)
    with as_role(app_role):
        audit.audit_purge(municipality_id=None, before=timezone.now())
    assert AuditEvent.objects.filter(pk=younger.pk).exists()
    assert not AuditEvent.objects.filter(pk=older.pk).exists()


def test_the_check_names_what_a_careless_role_could_do(app_role):
    from kaa.dbroles import roles_check

    with connection.cursor() as cursor:
        assert roles_check(cursor, app_role=app_role) == []
        cursor.execute(f"GRANT DELETE, TRUNCATE ON kaa_auditevent TO {app_role}")
        problems = roles_check(cursor, app_role=app_role)
    assert f"{app_role} has DELETE on kaa_auditevent" in problems
    assert f"{app_role} has TRUNCATE on kaa_auditevent" in problems
    # The superuser that owns everything here is no application role.
    with connection.cursor() as cursor:
        owner_problems = roles_check(cursor, app_role="postgres")
    assert "postgres is a superuser" in owner_problems
    assert any("owns kaa_auditevent" in p for p in owner_problems)


def test_the_command_applies_idempotently_checks_and_refuses_one_role_for_both(app_role, capsys):
    call_command("db_roles", "--app-role", app_role)
    call_command("db_roles", "--app-role", app_role)  # a second run changes nothing
    call_command("db_roles", "--check", "--app-role", app_role)
    assert capsys.readouterr().out.count(f"ok: {app_role} may read and append") == 3
    with pytest.raises(CommandError, match="could change the audit log"):
        call_command("db_roles", "--check", "--app-role", "postgres")
    # The suite connects as postgres and runs the command as postgres: one role for both.
    with pytest.raises(CommandError, match="DATABASE_MIGRATE_URL"):
        call_command("db_roles", "--app-role", "postgres")
