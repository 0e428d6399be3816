"""`make run` loads the demo data: every app's demo loader must work on a fresh database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from households.models import Household, HouseholdReview

pytestmark = pytest.mark.django_db


def test_load_demo_data_fills_every_app(capsys):
    call_command("load_demo_data", households=400, password="demo-password-for-tests")
    out = capsys.readouterr().out
    users = ("province", "district-batri", "commune-anduc", "commune-phukhuong", "agency-syte",
             "admin")  # fmt: skip
    for username in users:
        assert get_user_model().objects.filter(username=username).exists()
        assert username in out
    # The merged Vĩnh Long of 2026: An Đức's households are Xã Ba Tri's, their 2023 reviews
    # stay filed under Xã An Đức; the 2026 round is in progress there.
    assert Household.objects.filter(commune__code="29110-2025").count() >= 30
    assert HouseholdReview.objects.filter(year=2023, area__code="29173").count() >= 30
    assert HouseholdReview.objects.filter(
        year=2026, status="submitted", area__code="29110-2025"
    ).exists()
    assert not Household.objects.filter(commune__valid_to__isnull=False).exists()
    anduc = get_user_model().objects.get(username="commune-anduc")
    assert [a.code for a in anduc.profile.areas.all()] == ["29110-2025"]
    assert get_user_model().objects.get(username="province").profile.agency.code == "SNNMT"
    # households from 2025 in units of the former Trà Vinh and Vĩnh Long
    assert Household.objects.filter(transfers__isnull=True).exists()
    assert snapshot_years() == [2022, 2023, 2024, 2025, 2026]
    from programs.models import SupportRecord
    from reports.models import Snapshot
    from targets.models import Task

    assert SupportRecord.objects.exists()
    assert Task.objects.filter(lead_agency__code="SYT").exists()
    assert Snapshot.objects.filter(year=2023).exists()


def snapshot_years() -> list[int]:
    from reports.models import Snapshot

    return sorted(Snapshot.objects.filter(status="active").values_list("year", flat=True))
