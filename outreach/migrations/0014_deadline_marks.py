"""Marks for the deadline job: every change to a fact the job reads marks the youth, in the
same transaction, by PostgreSQL triggers (docs/adr/0008-deadline-job-marks.md).

The facts and where they live:
- the youth: birth date, phone numbers, last day reached, restriction (GDPR art. 18),
  municipality;
- the KAA periods (opened, closed, corrected), the contact attempts (their time and outcome),
  the outreach cases (routine version, start, close), the tasks of a case (done, cancelled,
  added, removed);
- the routines: a new current version (periods still without a case get one on it) and any
  change to a version's settings or steps (the cases on it).

Statement-level triggers with transition tables, so that a bulk write (an import, the
20th-birthday batch, a reach-facts rebuild) marks each youth once in one statement. The job's
own writes do not mark: it sets `kaa.deadlines_job` for its transactions, and what it wrote is
what it would write again. Open cases get `recheck_on` = today, so the first incremental run
after this migration looks at every case once (and keeps the day the calendar next matters).
The SQLite demo has no triggers: there the incremental run is a full pass.
"""

from django.db import migrations, models

MARK = "outreach_deadline_mark"

MARK_FUNCTION = f"""
CREATE SEQUENCE IF NOT EXISTS outreach_deadlinemark_seq;
CREATE OR REPLACE FUNCTION {MARK}(youth_ids bigint[]) RETURNS void AS $$
    INSERT INTO outreach_deadlinemark (youth_id, seq)
    SELECT y, nextval('outreach_deadlinemark_seq')
    FROM (SELECT DISTINCT y FROM unnest(youth_ids) AS u(y) WHERE y IS NOT NULL ORDER BY y) s
    ON CONFLICT (youth_id) DO UPDATE SET seq = EXCLUDED.seq
$$ LANGUAGE sql;
"""

# table -> (youth ids of inserted rows, of deleted rows, of updated rows); None: not watched.
# Inserted rows are `new_rows`, deleted `old_rows`; updated rows are joined as n (new), o (old).
_CHANGED_TASK = "(n.status, n.done_at, n.case_id, n.step_id, n.kind, n.youth_id)"
_CHANGED_CASE = "(n.routine_id, n.started_on, n.closed_on, n.period_id, n.youth_id)"
_WITHOUT_CASE = """
    SELECT p.youth_id FROM youth_kaaperiod p JOIN youth_youth y ON y.id = p.youth_id
    WHERE p.end_date IS NULL AND y.municipality_id IN ({munis})
      AND NOT EXISTS (SELECT 1 FROM outreach_outreachcase c WHERE c.period_id = p.id)
"""
_ON_ROUTINES = """
    SELECT c.youth_id FROM outreach_outreachcase c
    WHERE c.closed_on IS NULL AND c.routine_id IN ({routines})
"""
_ROUTINE_UPDATED = "FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE"
WATCHED = {
    "youth_youth": (
        None,
        None,
        "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE "
        "(n.birth_date, n.phone, n.phone_alt, n.last_reached_on, n.restricted_at, "
        "n.municipality_id) IS DISTINCT FROM (o.birth_date, o.phone, o.phone_alt, "
        "o.last_reached_on, o.restricted_at, o.municipality_id)",
    ),
    "youth_kaaperiod": (
        "SELECT youth_id FROM new_rows",
        "SELECT youth_id FROM old_rows",
        "SELECT unnest(ARRAY[n.youth_id, o.youth_id]) FROM new_rows n JOIN old_rows o "
        "ON o.id = n.id WHERE (n.start_date, n.end_date, n.youth_id) "
        "IS DISTINCT FROM (o.start_date, o.end_date, o.youth_id)",
    ),
    "outreach_contactattempt": (
        "SELECT youth_id FROM new_rows",
        "SELECT youth_id FROM old_rows",
        "SELECT unnest(ARRAY[n.youth_id, o.youth_id]) FROM new_rows n JOIN old_rows o "
        "ON o.id = n.id WHERE (n.at, n.outcome, n.period_id, n.youth_id) "
        "IS DISTINCT FROM (o.at, o.outcome, o.period_id, o.youth_id)",
    ),
    "outreach_task": (
        "SELECT youth_id FROM new_rows WHERE case_id IS NOT NULL",
        "SELECT youth_id FROM old_rows WHERE case_id IS NOT NULL",
        "SELECT unnest(ARRAY[n.youth_id, o.youth_id]) FROM new_rows n JOIN old_rows o "
        "ON o.id = n.id WHERE (n.case_id IS NOT NULL OR o.case_id IS NOT NULL) AND "
        f"{_CHANGED_TASK} IS DISTINCT FROM {_CHANGED_TASK.replace('n.', 'o.')}",
    ),
    "outreach_outreachcase": (
        "SELECT youth_id FROM new_rows",
        "SELECT youth_id FROM old_rows",
        "SELECT unnest(ARRAY[n.youth_id, o.youth_id]) FROM new_rows n JOIN old_rows o "
        f"ON o.id = n.id WHERE {_CHANGED_CASE} IS DISTINCT FROM "
        f"{_CHANGED_CASE.replace('n.', 'o.')}",
    ),
    "outreach_routine": (
        # A new current version: the open periods still without a case get one on it.
        _WITHOUT_CASE.format(munis="SELECT municipality_id FROM new_rows WHERE is_current"),
        None,
        _WITHOUT_CASE.format(
            munis=f"SELECT n.municipality_id {_ROUTINE_UPDATED} n.is_current AND NOT o.is_current"
        )
        + " UNION ALL "
        + _ON_ROUTINES.format(
            routines=f"SELECT n.id {_ROUTINE_UPDATED} (n.retry_after_days, "
            "n.concern_after_attempts) IS DISTINCT FROM (o.retry_after_days, "
            "o.concern_after_attempts)"
        ),
    ),
    "outreach_routinestep": (
        _ON_ROUTINES.format(routines="SELECT routine_id FROM new_rows"),
        _ON_ROUTINES.format(routines="SELECT routine_id FROM old_rows"),
        _ON_ROUTINES.format(
            routines="SELECT routine_id FROM new_rows UNION SELECT routine_id FROM old_rows"
        ),
    ),
}
EVENTS = (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"))
UPDATE = ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")


def _forward_sql() -> str:
    parts = [MARK_FUNCTION]
    for table, (inserted, deleted, updated) in WATCHED.items():
        branches = []
        events = []
        for (event, referencing), select in zip((*EVENTS, UPDATE), (inserted, deleted, updated)):
            if select is None:
                continue
            branches.append(
                f"IF TG_OP = '{event}' THEN PERFORM {MARK}(ARRAY({select})); END IF;"
            )
            events.append((event, referencing))
        body = "\n    ".join(branches)
        parts.append(
            f"""
CREATE OR REPLACE FUNCTION {MARK}_{table}() RETURNS trigger AS $$
BEGIN
    -- The deadline job's own writes are what it would write again: nothing to mark.
    IF current_setting('kaa.deadlines_job', true) = 'on' THEN RETURN NULL; END IF;
    {body}
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""
        )
        for event, referencing in events:
            parts.append(
                f"CREATE TRIGGER {MARK}_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {MARK}_{table}();"
            )
    parts.append(
        "UPDATE outreach_outreachcase SET recheck_on = CURRENT_DATE WHERE closed_on IS NULL;"
    )
    return "\n".join(parts)


def _backward_sql() -> str:
    parts = []
    for table, (inserted, deleted, updated) in WATCHED.items():
        for event, select in (("insert", inserted), ("delete", deleted), ("update", updated)):
            if select is not None:
                parts.append(f"DROP TRIGGER IF EXISTS {MARK}_{event} ON {table};")
        parts.append(f"DROP FUNCTION IF EXISTS {MARK}_{table}();")
    parts.append(f"DROP FUNCTION IF EXISTS {MARK}(bigint[]);")
    parts.append("DROP SEQUENCE IF EXISTS outreach_deadlinemark_seq;")
    return "\n".join(parts)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_forward_sql())


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_backward_sql())


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0013_homevisit"),
        ("youth", "0015_import_partial_list_and_row_reasons"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeadlineMark",
            fields=[
                ("youth_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name="outreachcase",
            name="recheck_on",
            field=models.DateField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
