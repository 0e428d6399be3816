"""Existing reviews were made in their household's present unit: file them there; areas' GSO
code is their code (the 2023 tree)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Area = apps.get_model("households", "Area")
    Household = apps.get_model("households", "Household")
    HouseholdReview = apps.get_model("households", "HouseholdReview")
    for area in Area.objects.filter(gso_code="").only("id", "code"):
        Area.objects.filter(pk=area.pk).update(gso_code=area.code.split("-", 1)[0])
    households = Household.objects.filter(pk=OuterRef("household_id"))
    HouseholdReview.objects.filter(area__isnull=True).update(
        area_id=Subquery(households.values("commune_id")[:1]),
        area_path=Subquery(households.values("area_path")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0008_area_tree_reorganisations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
