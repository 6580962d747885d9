"""KAA periods as daily changes (reporting.stats.models.PeriodDay), kept by the database.

Triggers keep the rows right in the same transaction as every write that changes what a
period counts for: a period inserted, deleted or updated (dates, reason, first reached day,
youth), a youth moved to another team or municipality, a reason's "registered in error" flag
changed. Each takes away the old row's contribution and adds the new one with an atomic
upsert, so concurrent writers never lose or double an increment, whatever wrote the row (a
service, a bulk UPDATE, raw SQL). The days touched are upserted in day order, so two writers
lock shared rows in the same order. `kaa_period_days_rebuild()` rebuilds every row.
"""

from __future__ import annotations

from django.db import migrations, models

# A period counts in the sums when `kaa_period_counts` says so: a period of KAA, not one of
# another kind (extended responsibility after 20 is outside KAA's figures). It reads the kind
# by name, so that it holds both before periods have a kind (every period is then KAA) and
# after; the live side's filter is `reporting.stats.period_sums.counted_periods`.
CREATE = """
CREATE OR REPLACE FUNCTION kaa_period_counts(p youth_kaaperiod) RETURNS boolean AS $$
    SELECT coalesce(to_jsonb(p) ->> 'kind', 'kaa') = 'kaa';
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION kaa_period_days_apply(
    p youth_kaaperiod, m bigint, t bigint, err boolean, sign integer
) RETURNS void AS $$
BEGIN
    IF m IS NULL OR NOT kaa_period_counts(p) THEN
        RETURN;
    END IF;
    INSERT INTO reporting_periodday AS d
        (municipality_id, team_id, day, error, opened, closed, reached, reached_closed)
    SELECT m, t, x.day, err, sum(x.o), sum(x.c), sum(x.r), sum(x.rc)
    FROM (VALUES
        (p.start_date, sign, 0, 0, 0),
        (p.end_date + 1, 0, sign, 0, 0),
        (p.first_reached_on, 0, 0, sign, 0),
        (CASE WHEN p.first_reached_on IS NOT NULL THEN p.end_date + 1 END, 0, 0, 0, sign)
    ) AS x(day, o, c, r, rc)
    WHERE x.day IS NOT NULL
    GROUP BY x.day
    ORDER BY x.day
    ON CONFLICT (municipality_id, team_id, day, error) DO UPDATE SET
        opened = d.opened + excluded.opened,
        closed = d.closed + excluded.closed,
        reached = d.reached + excluded.reached,
        reached_closed = d.reached_closed + excluded.reached_closed;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kaa_period_error(reason_id bigint) RETURNS boolean AS $$
    SELECT coalesce((SELECT outside_target_group FROM youth_reason WHERE id = reason_id), false);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION kaa_period_days_row(p youth_kaaperiod, sign integer)
RETURNS void AS $$
DECLARE
    y record;
BEGIN
    SELECT municipality_id, team_id INTO y FROM youth_youth WHERE id = p.youth_id;
    IF FOUND THEN
        PERFORM kaa_period_days_apply(
            p, y.municipality_id, y.team_id, kaa_period_error(p.deregistration_reason_id), sign
        );
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kaa_period_days_period() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM kaa_period_days_row(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM kaa_period_days_row(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kaa_period_days_youth() RETURNS trigger AS $$
DECLARE
    p youth_kaaperiod;
BEGIN
    FOR p IN SELECT * FROM youth_kaaperiod WHERE youth_id = NEW.id ORDER BY id LOOP
        PERFORM kaa_period_days_apply(
            p, OLD.municipality_id, OLD.team_id, kaa_period_error(p.deregistration_reason_id), -1
        );
        PERFORM kaa_period_days_apply(
            p, NEW.municipality_id, NEW.team_id, kaa_period_error(p.deregistration_reason_id), 1
        );
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kaa_period_days_reason() RETURNS trigger AS $$
DECLARE
    p youth_kaaperiod;
    y record;
BEGIN
    FOR p IN SELECT * FROM youth_kaaperiod WHERE deregistration_reason_id = NEW.id ORDER BY id
    LOOP
        SELECT municipality_id, team_id INTO y FROM youth_youth WHERE id = p.youth_id;
        PERFORM kaa_period_days_apply(
            p, y.municipality_id, y.team_id, OLD.outside_target_group, -1
        );
        PERFORM kaa_period_days_apply(p, y.municipality_id, y.team_id, NEW.outside_target_group, 1);
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION kaa_period_days_rebuild() RETURNS void AS $$
BEGIN
    DELETE FROM reporting_periodday;
    INSERT INTO reporting_periodday
        (municipality_id, team_id, day, error, opened, closed, reached, reached_closed)
    SELECT y.municipality_id, y.team_id, x.day, kaa_period_error(p.deregistration_reason_id),
           sum(x.o), sum(x.c), sum(x.r), sum(x.rc)
    FROM youth_kaaperiod p
    JOIN youth_youth y ON y.id = p.youth_id
    CROSS JOIN LATERAL (VALUES
        (p.start_date, 1, 0, 0, 0),
        (p.end_date + 1, 0, 1, 0, 0),
        (p.first_reached_on, 0, 0, 1, 0),
        (CASE WHEN p.first_reached_on IS NOT NULL THEN p.end_date + 1 END, 0, 0, 0, 1)
    ) AS x(day, o, c, r, rc)
    WHERE x.day IS NOT NULL AND kaa_period_counts(p)
    GROUP BY 1, 2, 3, 4;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS kaa_period_days_write ON youth_kaaperiod;
CREATE TRIGGER kaa_period_days_write
    AFTER INSERT OR DELETE ON youth_kaaperiod
    FOR EACH ROW EXECUTE FUNCTION kaa_period_days_period();
DROP TRIGGER IF EXISTS kaa_period_days_change ON youth_kaaperiod;
CREATE TRIGGER kaa_period_days_change
    AFTER UPDATE ON youth_kaaperiod
    FOR EACH ROW
    WHEN ((OLD.youth_id, OLD.start_date, OLD.end_date, OLD.deregistration_reason_id,
           OLD.first_reached_on, to_jsonb(OLD) ->> 'kind')
          IS DISTINCT FROM
          (NEW.youth_id, NEW.start_date, NEW.end_date, NEW.deregistration_reason_id,
           NEW.first_reached_on, to_jsonb(NEW) ->> 'kind'))
    EXECUTE FUNCTION kaa_period_days_period();
DROP TRIGGER IF EXISTS kaa_period_days_youth ON youth_youth;
CREATE TRIGGER kaa_period_days_youth
    AFTER UPDATE ON youth_youth
    FOR EACH ROW
    WHEN ((OLD.municipality_id, OLD.team_id) IS DISTINCT FROM (NEW.municipality_id, NEW.team_id))
    EXECUTE FUNCTION kaa_period_days_youth();
DROP TRIGGER IF EXISTS kaa_period_days_reason ON youth_reason;
CREATE TRIGGER kaa_period_days_reason
    AFTER UPDATE ON youth_reason
    FOR EACH ROW
    WHEN (OLD.outside_target_group IS DISTINCT FROM NEW.outside_target_group)
    EXECUTE FUNCTION kaa_period_days_reason();

SELECT kaa_period_days_rebuild();
"""

DROP = """
DROP TRIGGER IF EXISTS kaa_period_days_write ON youth_kaaperiod;
DROP TRIGGER IF EXISTS kaa_period_days_change ON youth_kaaperiod;
DROP TRIGGER IF EXISTS kaa_period_days_youth ON youth_youth;
DROP TRIGGER IF EXISTS kaa_period_days_reason ON youth_reason;
DROP FUNCTION IF EXISTS kaa_period_days_rebuild();
DROP FUNCTION IF EXISTS kaa_period_days_reason();
DROP FUNCTION IF EXISTS kaa_period_days_youth();
DROP FUNCTION IF EXISTS kaa_period_days_period();
DROP FUNCTION IF EXISTS kaa_period_days_row(youth_kaaperiod, integer);
DROP FUNCTION IF EXISTS kaa_period_error(bigint);
DROP FUNCTION IF EXISTS kaa_period_days_apply(youth_kaaperiod, bigint, bigint, boolean, integer);
DROP FUNCTION IF EXISTS kaa_period_counts(youth_kaaperiod);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("kaa", "0018_user_mobile"),
        ("reporting", "0008_retention_and_extract_to_records"),
        ("youth", "0015_import_partial_list_and_row_reasons"),
    ]

    operations = [
        migrations.CreateModel(
            name="PeriodDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("team_id", models.IntegerField(null=True)),
                ("day", models.DateField()),
                ("error", models.BooleanField()),
                ("opened", models.IntegerField(default=0)),
                ("closed", models.IntegerField(default=0)),
                ("reached", models.IntegerField(default=0)),
                ("reached_closed", models.IntegerField(default=0)),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE, related_name="+", to="kaa.municipality"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "team_id", "day", "error"),
                        name="period_day_unique",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
