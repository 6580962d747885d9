"""Gallring of the audit log through one database function, and a trigger that trusts nothing
else (docs/adr/0003-database-roles-and-the-audit-log.md).

Before, the trigger let any session delete once it had run `SET LOCAL kaa.audit_purge = 'on'`,
which every role can do. Now:

- the trigger lets a DELETE through only while that setting is on *and* the current role is
  the table's owner (or a member of it); the application's role is neither;
- `kaa_audit_purge(municipality, before, keep_youth_ids)` is the one way to delete: it runs as
  its owner (SECURITY DEFINER), switches the setting on for its own statement, and never
  deletes an event younger than its minimum (kaa.audit), by the database's own clock. The
  application's role is allowed to call it (`manage.py db_roles`), and nothing more.
"""

from __future__ import annotations

from django.db import migrations

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.kaa_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('kaa.audit_purge', true) = 'on'
       AND pg_has_role(current_user,
                       (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
                       'USAGE') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'kaa_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

OLD_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.kaa_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kaa.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'kaa_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.quote_name(cursor.fetchone()[0])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kaa.audit import purge_function_sql

    schema = _schema(schema_editor)
    schema_editor.execute(TRIGGER_FUNCTION.format(schema=schema))
    schema_editor.execute(purge_function_sql(schema))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kaa.audit import PURGE_FUNCTION_SIGNATURE

    schema = _schema(schema_editor)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {schema}.{PURGE_FUNCTION_SIGNATURE}")
    schema_editor.execute(OLD_TRIGGER_FUNCTION.format(schema=schema))


class Migration(migrations.Migration):
    dependencies = [("kaa", "0010_auditevent_client_request_id")]

    operations = [migrations.RunPython(forwards, backwards)]
