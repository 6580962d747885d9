"""Trigram indexes for the register's name search (search by name scanned every
youth of the municipality).

The search matches each word anywhere in the first or last name, case-insensitively; Django
writes that as ``UPPER(name::text) LIKE UPPER('%word%')``, which a GIN trigram index on the
same expression answers. PostgreSQL only: the embedded SQLite of the demo has no pg_trgm and
its tables are small.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS youth_first_name_trgm ON youth_youth "
    "USING gin ((UPPER(first_name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS youth_last_name_trgm ON youth_youth "
    "USING gin ((UPPER(last_name::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS youth_first_name_trgm",
    "DROP INDEX IF EXISTS youth_last_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("youth", "0004_reached_facts"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
