"""Trigram (pg_trgm) GIN indexes so that substring search stays fast on 400,000 households.

PostgreSQL only: on SQLite the migration does nothing (the btree index serves prefix search).
"""

from django.db import migrations

INDEXES = (
    ("household_search_trgm", "households_household", "search_text"),
    ("member_search_trgm", "households_member", "search_name"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
