import datetime as dt

from reports import charts, rules
from reports.indicators import Indicator, Kind, Unit, registry


def test_ancestor_paths_any_depth():
    assert rules.ancestor_paths("83/836/29173/") == ["83/", "83/836/", "83/836/29173/"]
    assert rules.ancestor_paths("86/29173/") == ["86/", "86/29173/"]


def test_roll_up_sums_into_every_ancestor():
    paths = {1: "83/", 2: "83/836/", 3: "83/836/1/", 4: "83/836/2/", 5: "83/837/", 6: "83/837/3/"}
    counts = {("poor", 3): 2, ("poor", 4): 1, ("poor", 6): 5, ("poor", 99): 7}
    totals = rules.roll_up(counts, paths)
    assert totals[1]["poor"] == 8
    assert totals[2]["poor"] == 3
    assert totals[5]["poor"] == 5
    assert totals[4]["poor"] == 1
    assert dict(totals[6]) == {"poor": 5}


def test_evaluate_forms_rates_from_rolled_up_counts():
    indicators = [
        Indicator("poor", "p", Unit.HOUSEHOLDS),
        Indicator("pop", "n", Unit.HOUSEHOLDS),
        Indicator("rate", "r", Unit.PERCENT, kind=Kind.RATIO, numerator="poor", denominator="pop"),
        Indicator("twice", "t", Unit.PERCENT, kind=Kind.DERIVED, formula=lambda v: v["rate"] * 2),
    ]
    result = rules.evaluate(indicators, {"poor": 3, "pop": 150})
    assert result["rate"] == (2.0, 3, 150)
    assert result["twice"] == (4.0, None, None)
    assert rules.evaluate(indicators[:3], {"poor": 3})["rate"] == (None, 3, 0)


def test_on_track_by_direction():
    assert rules.on_track("down", 2.63, 3.0) is True
    assert rules.on_track("down", 3.01, 3.0) is False
    assert rules.on_track("down", -1.0, -1.0) is True
    assert rules.on_track("up", 99.0, 100.0) is False
    assert rules.on_track("up", None, 100.0) is None


def test_staleness():
    built = dt.datetime(2023, 12, 1, 2, 0, tzinfo=dt.UTC)
    now = built + dt.timedelta(hours=1)
    assert rules.is_stale(built_at=built, dirty_since=None, now=now) is False
    assert rules.is_stale(built_at=built, dirty_since=built + dt.timedelta(minutes=5), now=now)
    assert (
        rules.is_stale(built_at=built, dirty_since=built - dt.timedelta(minutes=5), now=now)
        is False
    )
    assert rules.is_stale(built_at=built, dirty_since=None, now=built + dt.timedelta(hours=27))
    assert rules.is_stale(built_at=None, dirty_since=None, now=now)


def test_registry_has_the_required_indicators():
    codes = set(registry())
    for code in ("population_households", "poor_households", "poor_rate", "near_poor_rate",
                 "poor_persons", "poor_rate_change", "poor_escaped", "poor_newly",
                 "poor_reimpoverished", "poor_d01_rate", "near_d12", "poor_meritorious",
                 "near_ethnic", "poor_no_labour"):  # fmt: skip
        assert code in codes
    ratios = [i for i in registry().values() if i.kind == Kind.RATIO]
    assert all(i.numerator in codes and i.denominator in codes for i in ratios)


def test_chart_geometry():
    assert charts.nice_max(4.26) == 5.0
    assert charts.nice_max(17) == 20.0
    assert charts.nice_max(0) == 1.0
    chart = charts.bar_chart(["A", "B"], [charts.Series("x", "bar-poor", [2.5, None])])
    assert [b["w"] for b in chart["bars"]] == [420.0, 0]
    assert chart["bars"][0]["text"] == "2,50%"
    line = charts.line_chart(["2022", "2023"], [charts.Series("x", "line-poor", [4.0, 2.0])])
    assert line["lines"][0]["points"].count(",") == 2
