"""Programme coverage and task families in the snapshot; the plan's targets on the dashboard."""

from datetime import date
from itertools import product

import pytest
from django.urls import reverse

from households.models import Agency, Area
from reports import rules as report_rules
from reports.indicators.targets import overdue_reference_date
from reports.models import IndicatorValue
from reports.services import snapshot_rebuild
from targets import rules as target_rules
from targets.models import Plan, Target, TargetBreakdown, Task
from targets.reference_data import PLAN_CODE
from targets.rules import dashboard_rule
from targets.services import task_create
from tests.conftest import login

# --- rules (no database) ----------------------------------------------------------------------


def test_ct01_poor_rate_down_one_point_is_a_change_of_at_most_minus_one():
    assert dashboard_rule("reduction_by", 1, None, change=True) == ("down", -1.0)
    assert report_rules.on_track("down", -1.0, -1.0) is True
    assert report_rules.on_track("down", -0.99, -1.0) is False


def test_coverage_at_least_100_and_reduction_of_a_level():
    assert dashboard_rule("at_least", 100, None) == ("up", 100.0)
    assert dashboard_rule("at_most", 3, None) == ("down", 3.0)
    assert dashboard_rule("reduction_by", 1, 5.2) == ("down", 4.2)
    assert dashboard_rule("reduction_by", 1, None) == ("down", None)  # no baseline: no data
    with pytest.raises(ValueError, match="unknown direction"):
        dashboard_rule("sideways", 1, None)


@pytest.mark.parametrize(
    ("direction", "baseline"),
    [("at_least", None), ("at_most", None), ("reduction_by", 5.2), ("reduction_by", 2.0)],
)
def test_dashboard_rule_agrees_with_targets_on_track(direction, baseline):
    for target, actual in product((0, 1, 1.5, 100), (-2, -1, 0, 0.7, 1, 1.5, 3.2, 4.2, 99, 100)):
        good, threshold = dashboard_rule(direction, target, baseline)
        expected = target_rules.on_track(direction, baseline, target, actual)
        assert report_rules.on_track(good, actual, threshold) is expected, (target, actual)


def test_overdue_is_judged_on_the_rebuild_day_but_at_most_on_31_december():
    assert overdue_reference_date(2023, date(2025, 3, 1)) == date(2023, 12, 31)
    assert overdue_reference_date(2025, date(2025, 3, 1)) == date(2025, 3, 1)


# --- snapshot families ------------------------------------------------------------------------


def _plan() -> Plan:
    return Plan.objects.get(code=PLAN_CODE)


def _task(agency: str, due: date, *, targets=(), supporting=(), status="not_started") -> Task:
    plan = _plan()
    task = task_create(
        plan=plan,
        title=f"Nhiệm vụ {agency}",
        lead_agency=Agency.objects.get(code=agency),
        due_date=due,
        targets=list(plan.targets.filter(code__in=targets)),
        supporting_agencies=list(Agency.objects.filter(code__in=supporting)),
    )
    Task.objects.filter(pk=task.pk).update(status=status)
    return task


def _value(code: str, area: str, year: int = 2023) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator=code, area__code=area, year=year, snapshot__status="active"
    )


def test_snapshot_holds_programme_coverage(rebuilt):
    # No member lacks a card: every approved poor or near-poor household of 2023 is covered.
    province = _value("health_insurance_coverage", "83")
    assert (province.value, province.numerator, province.denominator) == (100.0, 7, 7)
    ba_tri = _value("health_insurance_coverage", "836")
    assert (ba_tri.numerator, ba_tri.denominator) == (6, 6)
    assert _value("health_insurance_coverage_den", "29173").value == 4.0
    assert _value("credit_coverage", "83").value is None  # nobody wants a loan: no rate
    assert _value("workers_abroad", "83").value == 0.0


def test_snapshot_counts_tasks_at_the_province_and_the_district_committee(rebuilt):
    _task("SYT", date(2023, 11, 30), status="done")
    _task("SGDDT", date(2023, 6, 30), status="in_progress")  # overdue on 31/12/2023
    _task("UBND-836", date(2023, 12, 31))  # due on the reference day: still on time
    _task("UBND-836", date(2023, 3, 5), status="blocked")  # overdue
    snapshot_rebuild(year=2023)
    assert _value("tasks_total", "83").value == 4.0
    assert _value("tasks_done", "83").value == 1.0
    assert _value("tasks_overdue", "83").value == 2.0
    assert _value("task_completion_rate", "83").value == 25.0
    assert _value("tasks_total", "836").value == 2.0
    assert _value("tasks_overdue", "836").value == 1.0
    assert _value("task_completion_rate", "836").value == 0.0
    assert _value("tasks_total", "837").value == 0.0
    assert _value("task_completion_rate", "837").value is None


# --- the dashboard ----------------------------------------------------------------------------


def _row(response, code: str) -> dict:
    return next(r for r in response.context["target_rows"] if r["spec"].code == code)


def _cells(row) -> dict:
    return {c["area"].code: (c["target"], c["actual"], c["ok"]) for c in row["cells"]}


def test_dashboard_shows_ct01_for_the_province_and_ba_tri(client, pat, rebuilt):
    # Ba Tri's share of the cut set to 0: its unchanged rate (0 points) is then on track.
    TargetBreakdown.objects.filter(target__code="CT01", area__code="836").update(value=0)
    response = login(client, pat).get(reverse("reports:dashboard") + "?year=2023")
    assert response.status_code == 200
    cells = _cells(_row(response, "CT01"))
    assert cells["83"] == (-1.0, 0.0, False)  # 1,74 % both years: not down by 1 point
    assert cells["836"] == (0.0, 0.0, True)
    assert cells["837"] == (-1.4, 0.0, False)
    assert cells["835"][2] is None  # Bình Đại: no figure in the snapshot
    html = response.content.decode()
    assert "CT01 Giảm 1% tỷ lệ hộ nghèo" in html
    assert "KH: -1,00" in html
    assert "Chưa đạt" in html
    assert "Đạt" in html
    assert "Chưa có số liệu" in html
    assert {r["spec"].code for r in response.context["target_rows"]} == {
        f"CT{n:02d}" for n in range(1, 10)
    }


def test_dashboard_coverage_target_applies_in_every_district(client, pat, rebuilt):
    response = login(client, pat).get(reverse("reports:dashboard") + "?year=2023")
    cells = _cells(_row(response, "CT04"))
    assert cells["83"] == (100.0, 100.0, True)
    assert cells["836"] == (100.0, 100.0, True)
    workers = _cells(_row(response, "CT07"))
    assert workers["83"] == (30.0, 0.0, False)
    assert workers["836"] == (None, 0.0, None)  # a count target is the province's


def test_district_officer_sees_the_targets_of_the_district_and_its_communes(client, bob, rebuilt):
    response = login(client, bob).get(reverse("reports:dashboard") + "?year=2023")
    cells = _cells(_row(response, "CT01"))
    assert cells["836"][0] == -1.6
    assert cells["29173"][0] == -1.6  # a commune takes its district's share


def test_agency_staff_see_only_the_targets_their_tasks_serve(client, agnes, olga, rebuilt):
    _task("SYT", date(2023, 12, 15), targets=("CT04",))
    _task("BHXH", date(2023, 11, 30), targets=("CT02",), supporting=("SYT",))
    _task("SGDDT", date(2023, 10, 31), targets=("CT05",))
    response = login(client, agnes).get(reverse("reports:dashboard") + "?year=2023")
    assert [r["spec"].code for r in response.context["target_rows"]] == ["CT02", "CT04"]
    assert _cells(_row(response, "CT04")) == {"83": (100.0, 100.0, True)}
    html = response.content.decode()
    assert "CT04 Phấn đấu 100% hộ nghèo" in html
    assert "CT01" not in html
    response = login(client, olga).get(reverse("reports:dashboard") + "?year=2023")
    assert [r["spec"].code for r in response.context["target_rows"]] == ["CT05"]


def test_agency_without_tasks_sees_no_target(client, agnes, rebuilt):
    response = login(client, agnes).get(reverse("reports:dashboard") + "?year=2023")
    assert response.context["target_rows"] == []
    assert "Chưa có chỉ tiêu kế hoạch cho năm này." in response.content.decode()


def test_manual_target_shows_the_latest_reported_figure(client, pat, rebuilt):
    from targets.models import ManualFigure

    target = Target.objects.get(plan__code=PLAN_CODE, code="CT06")
    province = Area.objects.get(code="83")
    agency = Agency.objects.get(code="SLDTBXH")
    for end, value in ((date(2023, 6, 30), 60), (date(2023, 12, 31), 100)):
        ManualFigure.objects.create(
            target=target, area=province, year=2023, period_start=date(2023, 1, 1),
            period_end=end, value=value, agency=agency,
        )  # fmt: skip
    response = login(client, pat).get(reverse("reports:dashboard") + "?year=2023")
    assert _cells(_row(response, "CT06"))["83"] == (100.0, 100.0, True)


def test_no_targets_for_a_year_without_a_plan(client, pat, rebuilt):
    response = login(client, pat).get(reverse("reports:dashboard") + "?year=2022")
    assert response.context["target_rows"] == []


def test_dashboard_targets_turn_round_past_twelve_units(client, pat, rebuilt, monkeypatch):
    """Issue 17: the 2026 province has 124 communes; past TARGET_COLUMNS_MAX units the section
    lists units as rows and targets (codes, full text on hover) as columns, and can show only
    the units with a target not met."""
    from reports import dashboard

    c = login(client, pat)
    url = reverse("reports:dashboard") + "?year=2023"
    html = c.get(url).content.decode()
    assert "targets-by-area" not in html  # province + 9 districts: targets as rows
    assert '<abbr title="Giảm 1% tỷ lệ hộ nghèo' in html
    monkeypatch.setattr(dashboard, "TARGET_COLUMNS_MAX", 3)
    response = c.get(url)
    html = response.content.decode()
    assert "targets-by-area" in html
    units = response.context["targets_by_area"]
    assert [u["area"].code for u in units][:2] == ["83", "836"]  # the province, then by name
    assert len(units) == 10
    assert all(len(u["cells"]) == 9 for u in units)
    missed = c.get(url + "&chi_tieu=chua-dat").context["targets_by_area"]
    assert missed[0]["area"].code == "83"
    assert [u["area"].code for u in missed[1:]] == [
        u["area"].code for u in units[1:] if u["missed"]
    ]
    assert len(missed) < len(units)
