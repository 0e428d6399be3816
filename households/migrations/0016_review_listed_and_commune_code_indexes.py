"""Two indexes for a province of a million households (issue 19), PostgreSQL only and outside
the model state (like 0005); built CONCURRENTLY, so a live registry keeps taking writes.

- review_listed_cover: the approved current reviews on the poor or near-poor list (a few percent
  of the reviews), keyed (year, classification, household_id) and carrying the unit they were
  filed in and the member count: the rebuild's movements, last year's count, the groups and
  programme coverage start from these rows with index-only scans instead of reading every
  review of the years.
- household_commune_code: the household list filtered by a commune, in code order, reads its
  first page straight from the index (the (area_path, code) index serves a scope, not a
  commune picked in the filter).
"""

from django.db import migrations

INDEXES = {
    "review_listed_cover": (
        "households_householdreview (year, classification, household_id)"
        " INCLUDE (area_id, member_count)"
        " WHERE is_current AND status = 'approved' AND classification IN ('poor', 'near_poor')"
    ),
    "household_commune_code": "households_household (commune_id, code)",
}
# The index of the review's local standard (the model's own db_index), left out of 0012 so that
# adding the column took no long lock; on SQLite built plainly.
LOCAL_STANDARD_INDEX = (
    "households_householdreview_local_standard_id_373d4c5d",
    "households_householdreview (local_standard_id)",
)


def forwards(apps, schema_editor):
    name, definition = LOCAL_STANDARD_INDEX
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
        return
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LOCAL_STANDARD_INDEX[0]}")
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {LOCAL_STANDARD_INDEX[0]}")
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("households", "0015_merge_procedure_standards")]

    operations = [migrations.RunPython(forwards, backwards)]
