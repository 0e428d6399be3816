import pytest

from households import rules
from households.models import HouseholdReview
from reports.models import IndicatorValue, RebuildJob, Snapshot
from reports.services import snapshot_rebuild


def values(year, code):
    return dict(
        IndicatorValue.objects.filter(
            snapshot__status="active", year=year, indicator=code
        ).values_list("area__code", "value")
    )


def test_rebuild_counts_and_rates_roll_up(province_data):
    job = snapshot_rebuild(year=2023)
    assert job.status == RebuildJob.Status.DONE
    poor = values(2023, "poor_households")
    assert (poor["29173"], poor["29113"], poor["29185"]) == (2, 1, 1)
    assert (poor["836"], poor["837"], poor["83"]) == (3, 1, 4)
    assert values(2023, "poor_rate")["83"] == pytest.approx(1.74)
    assert values(2023, "poor_rate")["29185"] == pytest.approx(1.25)
    assert values(2023, "near_poor_households")["83"] == 3
    assert values(2023, "poor_persons")["83"] == 4 + 5 + 6 + 4
    assert values(2023, "pending_reviews")["29173"] == 1
    assert values(2023, "poor_d04")["83"] == 4
    assert values(2023, "poor_d04_rate")["83"] == 100.0
    assert values(2023, "poor_meritorious")["836"] == 1
    assert values(2023, "population_households")["83"] == 230


def test_poor_rate_change_in_points(province_data):
    snapshot_rebuild(year=2023)
    change = values(2023, "poor_rate_change")
    assert change["29173"] == pytest.approx(-1.0)
    assert change["29113"] == pytest.approx(2.0)
    assert change["83"] == pytest.approx(0.0)


def test_movement_identities_hold_everywhere(province_data):
    snapshot_rebuild(year=2022)
    snapshot_rebuild(year=2023)
    codes = [c for terms in rules.MOVEMENT_IDENTITY.values() for c in (terms["start"],
             *terms["out"], *terms["in"], terms["end"])]  # fmt: skip
    v = {code: values(2023, code) for code in codes}
    province = {code: v[code]["83"] for code in codes}
    assert province == {
        "poor_start": 4, "poor_escaped": 1, "poor_to_near_poor": 1, "poor_other_out": 0,
        "poor_newly": 2, "poor_reimpoverished": 0, "poor_other_in": 0, "poor_households": 4,
        "near_start": 3, "near_escaped": 1, "near_to_poor": 1, "near_other_out": 0,
        "near_from_poor": 1, "near_newly": 1, "near_returned": 0, "near_other_in": 0,
        "near_poor_households": 3,
    }  # fmt: skip
    end_2022 = values(2022, "poor_households")
    near_2022 = values(2022, "near_poor_households")
    for area in v["poor_start"]:
        counts = {code: v[code][area] for code in codes}
        previous = {"poor_households": end_2022[area], "near_poor_households": near_2022[area]}
        assert rules.movement_identity_failures(counts, previous) == [], area


def test_rebuild_twice_gives_the_same_numbers_and_one_active_snapshot(province_data):
    snapshot_rebuild(year=2023)
    first = sorted(
        IndicatorValue.objects.filter(snapshot__status="active").values_list(
            "indicator", "area_id", "value", "numerator", "denominator"
        )
    )
    snapshot_rebuild(year=2023)
    second = sorted(
        IndicatorValue.objects.filter(snapshot__status="active").values_list(
            "indicator", "area_id", "value", "numerator", "denominator"
        )
    )
    assert first == second
    assert Snapshot.objects.filter(year=2023).count() == 1
    assert IndicatorValue.objects.count() == len(second)


def test_failed_rebuild_leaves_the_previous_snapshot(province_data, monkeypatch):
    good = snapshot_rebuild(year=2023)
    before = Snapshot.objects.get(year=2023, status="active")
    HouseholdReview.objects.filter(household__code="H3", year=2023).update(classification="poor")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fail after the new values were written, at the swap: nothing of it may remain.
    monkeypatch.setattr(Snapshot, "save", explode)
    job = snapshot_rebuild(year=2023)
    assert job.status == RebuildJob.Status.FAILED
    # The job stores a plain message (the exception's text is in the log only).
    assert "disk full" not in job.error
    assert job.error.startswith("Có lỗi ngoài dự kiến")
    assert list(Snapshot.objects.filter(year=2023)) == [before]
    assert values(2023, "poor_households")["83"] == 4
    assert IndicatorValue.objects.filter(snapshot=before).count() == good.rows


def test_every_area_of_the_tree_gets_values(province_data):
    """Every unit of the year's tree (2023: Bến Tre's 167), none of the 2025 tree."""
    from households.organisation.selectors import area_tree_for_year

    snapshot_rebuild(year=2023)
    areas = area_tree_for_year(2023).exclude(level="hamlet")
    assert areas.count() == 167
    assert set(values(2023, "poor_households")) == set(areas.values_list("code", flat=True))
