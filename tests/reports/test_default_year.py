"""Issue 17 finding 2: every page opens on the latest year with approved data (or, for entry,
the open round), from one rule (households.rules.default_year_pick), never on an empty year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from households.models import Area, HouseholdReview, ReviewRound
from households.rules import default_year_pick
from households.selectors import default_year
from reports.services import snapshot_rebuild
from tests.conftest import login
from tests.reports.conftest import AN_DUC, make_review


@pytest.fixture
def empty_2024(rebuilt):
    """A 2024 snapshot with nothing approved (built because 2023 changed) and an open 2024
    round with one draft: the situation the issue found."""
    snapshot_rebuild(year=2024)
    make_review(rebuilt["H1"], 2024, "poor", status="draft")
    return rebuilt


def test_the_rule():
    assert default_year_pick(approved=[2022, 2023], opened=[2024]) == 2023
    assert default_year_pick(approved=[2022, 2023], opened=[2024], for_entry=True) == 2024
    assert default_year_pick(approved=[2022, 2023], opened=[2023], for_entry=True) == 2023
    assert default_year_pick(approved=[], opened=[2024]) == 2024
    assert default_year_pick(approved=[], opened=[]) is None


def test_the_selector(empty_2024):
    assert default_year() == 2023
    assert default_year(for_entry=True) == 2024
    ReviewRound.objects.filter(year=2024).update(status=ReviewRound.Status.LOCKED)
    assert default_year(for_entry=True) == 2023


def test_dashboard_opens_on_the_latest_year_with_data(client, pat, empty_2024):
    response = login(client, pat).get(reverse("reports:dashboard"))
    assert response.context["snapshot"].year == 2023
    html = response.content.decode()
    assert "năm 2023" in html
    # 2024 can still be chosen, but the trend stops at the last year with data.
    assert response.context["years"] == [2022, 2023, 2024]
    trend_years = [row[0] for row in response.context["tables"]["trend"].rows]
    assert trend_years == ["2022", "2023"]
    area = login(client, pat).get(reverse("reports:area-dashboard", args=["836"]))
    assert area.context["snapshot"].year == 2023
    asked = client.get(reverse("reports:dashboard") + "?year=2024")
    assert asked.context["snapshot"].year == 2024


def test_official_tables_open_on_the_latest_year_with_data(client, pat, empty_2024):
    response = login(client, pat).get(reverse("reports:official"))
    html = response.content.decode()
    assert '<option value="2023" selected>' in html
    assert '<option value="2024">' in html


def test_household_list_opens_on_the_latest_year_with_data(client, bob, empty_2024):
    response = login(client, bob).get(reverse("households:list"))
    assert response.context["year"] == 2023


def test_import_form_opens_on_the_open_round(client, alice, empty_2024):
    response = login(client, alice).get(reverse("households:import"))
    assert response.context["form"]["year"].value() == 2024


def test_nothing_approved_yet_opens_on_the_open_round(client, alice, db):
    commune = Area.objects.get(code=AN_DUC)
    ReviewRound.objects.create(
        area=commune, year=2026, kind="periodic", month=0, reference_date=dt.date(2026, 9, 1)
    )
    assert not HouseholdReview.objects.exists()
    assert default_year() == 2026
    response = login(client, alice).get(reverse("households:list"))
    assert response.context["year"] == 2026
