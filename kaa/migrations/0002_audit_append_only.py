"""The database itself refuses UPDATE and DELETE on the audit log (security.md S-08).

Retention (gallring) may delete old events only inside a transaction that first runs
`SET LOCAL kaa.audit_purge = 'on'`; nothing else can change the log, whatever the ORM does.
TRUNCATE is not covered here (the test runner empties tables with it): the production database
role of the application is granted no TRUNCATE on any table (README, "Production").
"""

from __future__ import annotations

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kaa_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kaa.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'kaa_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS kaa_auditevent_append_only ON kaa_auditevent;
CREATE TRIGGER kaa_auditevent_append_only
    BEFORE UPDATE OR DELETE ON kaa_auditevent
    FOR EACH ROW EXECUTE FUNCTION kaa_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS kaa_auditevent_append_only ON kaa_auditevent;
DROP FUNCTION IF EXISTS kaa_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kaa", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
