"""`make run` loads the demo data: every app's demo loader must work on a fresh database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from households.models import Household, HouseholdReview

pytestmark = pytest.mark.django_db


def test_load_demo_data_fills_every_app(capsys):
    call_command("load_demo_data", households=400, password="demo-password-for-tests")
    out = capsys.readouterr().out
    for username in ("province", "district-batri", "commune-anduc", "agency-syte", "admin"):
        assert get_user_model().objects.filter(username=username).exists()
        assert username in out
    assert Household.objects.filter(commune__code="29173").count() >= 30
    assert HouseholdReview.objects.filter(year=2023, status="submitted").exists()
    from programs.models import SupportRecord
    from reports.models import Snapshot
    from targets.models import Task

    assert SupportRecord.objects.exists()
    assert Task.objects.filter(lead_agency__code="SYT").exists()
    assert Snapshot.objects.filter(year=2023).exists()
