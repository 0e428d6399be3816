"""A covering index for "current review of year Y has classification C" (the list's
classification filter and its count): (year, classification, household_id) over current reviews
lets PostgreSQL answer with an index-only scan instead of visiting ~10,000 heap pages at 400,000
households.

PostgreSQL only, outside the model state (like 0002): on SQLite the existing
review_year_class index serves the few hundred demo households.
"""

from django.db import migrations

NAME = "review_current_class_household"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON households_householdreview "
        "(year, classification, household_id) WHERE is_current"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("households", "0004_importjob")]

    operations = [migrations.RunPython(forwards, backwards)]
