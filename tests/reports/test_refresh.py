"""Issue 17 finding 1: an approval, a return or a reopening refreshes only the snapshot rows of
the areas it touched, and those rows are exactly what a full rebuild computes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from households import services as hh_services
from households.models import Area, Household, HouseholdReview
from reports.models import IndicatorValue, RebuildJob, Snapshot
from reports.services import snapshot_rebuild, snapshot_refresh
from tests.reports.conftest import AN_DUC, PHU_KHANH, TAN_MY, make_review


@pytest.fixture
def reference_reloaded(django_db_blocker):
    from households.reference_data import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()
    yield
    with django_db_blocker.unblock():
        reference_data_load()


def _rows(year: int) -> dict[tuple[int, str], tuple]:
    snapshot = Snapshot.objects.get(year=year, status="active")
    return {
        (area_id, code): (None if value is None else round(value, 6), num, den)
        for area_id, code, value, num, den in IndicatorValue.objects.filter(
            snapshot=snapshot
        ).values_list("area_id", "indicator", "value", "numerator", "denominator")
    }


def _same_as_full_rebuild(year: int) -> None:
    partial = _rows(year)
    snapshot_rebuild(year=year)
    full = _rows(year)
    assert partial.keys() == full.keys()
    differing = {key: (partial[key], full[key]) for key in full if partial[key] != full[key]}
    assert differing == {}


def _poor(year: int, code: str) -> float | None:
    return IndicatorValue.objects.get(
        snapshot__status="active", year=year, indicator="poor_households", area__code=code
    ).value


def test_approval_refreshes_its_commune_and_ancestors_like_a_full_rebuild(
    rebuilt, bob, django_capture_on_commit_callbacks
):
    review = HouseholdReview.objects.get(household=rebuilt["H6"], year=2023)
    assert _poor(2023, AN_DUC) == 2
    assert _poor(2023, "836") == 3
    before = _rows(2023)
    with django_capture_on_commit_callbacks(execute=True):
        hh_services.review_approve(review=review, user=bob)
    # The commune, its district and the province moved; nothing else was rewritten.
    assert _poor(2023, AN_DUC) == 3
    assert _poor(2023, "836") == 4
    job = RebuildJob.objects.filter(year=2023, trigger="signal").latest("pk")
    assert job.status == "done"
    areas = {a for a, _code in before}
    assert job.rows < len(before)  # a few areas' rows, not the year's
    assert job.rows == len(before) // len(areas) * 3  # An Đức, Ba Tri, the province
    assert Snapshot.objects.filter(year=2024).count() == 0  # no empty year built
    _same_as_full_rebuild(2023)


def test_a_burst_of_approvals_in_the_embedded_default_waits_for_the_response(
    rebuilt, bob, client, settings, django_capture_on_commit_callbacks
):
    """Background mode: the request only queues; the queue runs after it, once per area set."""
    from reports import background

    settings.REPORTS_REFRESH_IN_BACKGROUND = True
    settings.REPORTS_REFRESH_DELAY = 3600  # nothing runs until flushed
    settings.REPORTS_REFRESH_MAX_WAIT = 3600
    HouseholdReview.objects.filter(household=rebuilt["H8"], year=2023).delete()
    second = make_review(rebuilt["H8"], 2023, "poor", status="submitted", deprivations=(1, 2))
    reviews = [HouseholdReview.objects.get(household=rebuilt["H6"], year=2023), second]
    jobs_before = RebuildJob.objects.count()
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        for review in reviews:
            response = client.post(reverse("households:review-approve", args=[review.pk]))
            assert response.status_code == 302
    assert (
        HouseholdReview.objects.filter(pk__in=[r.pk for r in reviews], status="approved").count()
        == 2
    )
    # Answered without refreshing: the snapshot still shows the old figures.
    assert RebuildJob.objects.count() == jobs_before
    assert _poor(2023, "836") == 3
    queued = background.pending()
    assert set(queued) == {2023}
    assert {Area.objects.get(code=AN_DUC).path, Area.objects.get(code=TAN_MY).path} <= set(
        queued[2023]
    )
    # The thread shares the test's connection only on a transactional test; here run it inline.
    background.pending_take_and_run()
    assert _poor(2023, "836") == 5
    assert RebuildJob.objects.filter(trigger="signal").count() == 1  # one refresh for the burst
    _same_as_full_rebuild(2023)


def test_return_and_reopen_refresh_both_years_exactly(
    rebuilt, bob, django_capture_on_commit_callbacks
):
    submitted = HouseholdReview.objects.get(household=rebuilt["H6"], year=2023)
    with django_capture_on_commit_callbacks(execute=True):
        hh_services.review_return(review=submitted, user=bob, reason="Thiếu thu nhập")
    pending = IndicatorValue.objects.get(
        snapshot__status="active", year=2023, indicator="pending_reviews", area__code=AN_DUC
    )
    assert pending.value == 0
    _same_as_full_rebuild(2023)
    approved = HouseholdReview.objects.get(household=rebuilt["H9"], year=2022)
    with django_capture_on_commit_callbacks(execute=True):
        hh_services.review_reopen(review=approved, user=bob, reason="Sai thu nhập")
    assert _poor(2022, PHU_KHANH) == 0
    _same_as_full_rebuild(2022)
    _same_as_full_rebuild(2023)  # its movements start from 2022's end


def test_a_household_that_moved_is_refreshed_where_it_counts(rebuilt, bob):
    """Filed in An Đức in 2022, in Phú Khánh in 2023: approving 2023 moves both communes'
    movements (An Đức's 'other out', Phú Khánh's 'other in'), in two districts."""
    an_duc, phu_khanh = Area.objects.get(code=AN_DUC), Area.objects.get(code=PHU_KHANH)
    household = Household.objects.create(code="H11", commune=an_duc, head_name="Chủ hộ H11")
    make_review(household, 2022, "poor")
    snapshot_rebuild(year=2022)
    Household.objects.filter(pk=household.pk).update(commune=phu_khanh, area_path=phu_khanh.path)
    household.refresh_from_db()
    review = make_review(household, 2023, "poor", status="submitted")
    snapshot_rebuild(year=2023)
    job = snapshot_refresh(year=2023, area_paths=[phu_khanh.path])
    assert job.status == "done"
    assert job.rows > 0
    _same_as_full_rebuild(2023)  # nothing changed yet: the refresh kept every figure
    HouseholdReview.objects.filter(pk=review.pk).update(status="approved")
    job = snapshot_refresh(year=2023, area_paths=[phu_khanh.path])
    assert _poor(2023, PHU_KHANH) == 2
    _same_as_full_rebuild(2023)


def test_refresh_without_a_snapshot_or_paths_is_a_full_rebuild(province_data):
    job = snapshot_refresh(year=2023, area_paths=[])
    assert job.status == "done"
    assert Snapshot.objects.filter(year=2023, status="active").exists()
    total = job.rows
    job = snapshot_refresh(year=2023, area_paths=[Area.objects.get(code="836").path])
    # A district is not a leaf of 2023's tree: the whole year again.
    assert job.rows == total


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_refreshes_after_the_response(reference_reloaded, settings):
    from reports import background
    from tests.conftest import make_user
    from tests.reports.conftest import build_province_data

    settings.REPORTS_REFRESH_IN_BACKGROUND = True
    settings.REPORTS_REFRESH_DELAY = 0.2
    data = build_province_data()
    snapshot_rebuild(year=2023)
    user = make_user("bob-bg", "area_officer", areas=["836"])
    review = HouseholdReview.objects.get(household=data["H6"], year=2023)
    hh_services.review_approve(review=review, user=user)
    assert background.wait_idle(60)
    assert _poor(2023, AN_DUC) == 3
    _same_as_full_rebuild(2023)


def test_an_import_commit_refreshes_its_communes_exactly(
    rebuilt, alice, tmp_path, django_capture_on_commit_callbacks
):
    from households.excel import services as excel
    from tests.households.test_excel_support import build_workbook, household_row

    path = tmp_path / "in.xlsx"
    build_workbook([household_row(f"HB-{i}") for i in range(3)], path=path)
    full_rows = IndicatorValue.objects.filter(snapshot__status="active", year=2023).count()
    jobs = set(RebuildJob.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        excel.workbook_import(path=path, user=alice, year=2023)
    (job,) = RebuildJob.objects.exclude(pk__in=jobs).filter(year=2023)
    assert job.status == "done"
    assert 0 < job.rows < full_rows  # An Đức, Ba Tri and the province only
    assert not Snapshot.objects.filter(year=2024).exists()  # 2024 has no review: not built
    _same_as_full_rebuild(2023)
