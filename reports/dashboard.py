"""What a dashboard shows for one area and year, built from snapshot values only.

Every table is a `Table` so that the page, its chart and its .xlsx download show the same
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households import rules as hrules
from households.models import Area, PovertyStandard
from households.models.reviews import COLUMN_NUMBERS
from households.organisation import roles as hroles
from households.organisation.selectors import area_in_scope

from . import charts, rules, selectors
from .indicators.households import DEPRIVATION_NAMES, LOW_INCOME_CODES
from .links import household_list_url
from .targets_view import target_rows, target_specs

SUMMARY_CODES = (
    "population_households", "population_persons", "poor_households", "poor_rate",
    "near_poor_households", "near_poor_rate", "poor_near_rate", "poor_rate_change",
    "poor_persons", "near_poor_persons", "pending_reviews", "reviewed_households",
)  # fmt: skip
# One row per list, the identity left to right: start - out + in = end (rules.MOVEMENT_IDENTITY).
# (column label, poor-list code, near-poor-list code); None where the flow does not exist.
MOVEMENT_COLUMNS = (
    (gettext_lazy("Đầu kỳ"), "poor_start", "near_start"),
    (gettext_lazy("(−) Thoát"), "poor_escaped", "near_escaped"),
    (gettext_lazy("(−) Sang diện kia"), "poor_to_near_poor", "near_to_poor"),
    (gettext_lazy("(+) Từ diện kia"), None, "near_from_poor"),
    (gettext_lazy("(+) Phát sinh mới"), "poor_newly", "near_newly"),
    (gettext_lazy("(+) Tái nghèo, tái cận nghèo"), "poor_reimpoverished", "near_returned"),
    (gettext_lazy("(+) Tăng khác"), "poor_other_in", "near_other_in"),
    (gettext_lazy("(−) Giảm khác"), "poor_other_out", "near_other_out"),
    (gettext_lazy("Cuối kỳ"), "poor_households", "near_poor_households"),
)
MOVEMENT_CODES = tuple(code for col in MOVEMENT_COLUMNS for code in col[1:] if code)
DEPRIVATION_CODES = tuple(
    f"{p}_d{n:02d}{s}" for p in ("poor", "near") for n in COLUMN_NUMBERS for s in ("", "_rate")
)
LOCAL_CODES = ("local_poor_households", "local_near_poor_households")
CHILD_CODES = (
    "population_households", "poor_households", "poor_rate", "near_poor_households",
    "near_poor_rate", "poor_rate_change",
)  # fmt: skip
TREND_CODES = ("poor_households", "poor_rate", "near_poor_households", "near_poor_rate")


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (label, kind: text | int | pct | pts)
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # area code to drill into, per row
    # (row, column) -> the household list behind that count (reports.links)
    cell_links: dict[tuple[int, int], str] = field(default_factory=dict)

    def link_count(self, row: int, column: int, code: str, *, area: Area, year: int) -> None:
        url = household_list_url(code, area_code=area.code, year=year)
        if url is not None and self.rows[row][column]:
            self.cell_links[(row, column)] = url

    @property
    def display_rows(self) -> list[dict]:
        kinds = [kind for _label, kind in self.columns]
        return [
            {
                "link": self.links[i] if i < len(self.links) else None,
                "cells": [
                    (value, kind, self.cell_links.get((i, j)))
                    for j, (value, kind) in enumerate(zip(row, kinds, strict=True))
                ],
            }
            for i, row in enumerate(self.rows)
        ]


def _v(values, area, code):
    found = values.get((area.pk, code))
    return found.value if found is not None else None


def _areas_table(values, areas) -> Table:
    table = Table(
        "areas",
        _("Hộ nghèo, hộ cận nghèo theo địa bàn"),
        [
            (_("Địa bàn"), "text"), (_("Tổng số hộ"), "int"), (_("Hộ nghèo"), "int"),
            (_("Tỷ lệ hộ nghèo (%)"), "pct"), (_("Hộ cận nghèo"), "int"),
            (_("Tỷ lệ hộ cận nghèo (%)"), "pct"), (_("Tăng/giảm tỷ lệ nghèo (điểm %)"), "pts"),
        ],
    )  # fmt: skip
    for area in areas:
        table.rows.append([area.name] + [_v(values, area, c) for c in CHILD_CODES])
        table.links.append(area.code)
    return table


TREND_NOTES = {
    selectors.FORMER_UNITS: _("tổng các đơn vị cũ"),
    selectors.NO_DATA_BEFORE: _("chưa có số liệu trước %(year)s"),
}


def _trend_note(point, area) -> str:
    note = TREND_NOTES.get(point.source, "")
    if point.source == selectors.NO_DATA_BEFORE:
        return note % {"year": area.valid_from.year}
    return str(note)


def _trend_table(points, area) -> Table:
    table = Table(
        "trend",
        _("Diễn biến qua các năm"),
        [(_("Năm"), "text"), (_("Hộ nghèo"), "int"), (_("Tỷ lệ hộ nghèo (%)"), "pct"),
         (_("Hộ cận nghèo"), "int"), (_("Tỷ lệ hộ cận nghèo (%)"), "pct"),
         (_("Ghi chú"), "text")],
    )  # fmt: skip
    for point in points:
        table.rows.append(
            [str(point.year)] + [point.values.get(c) for c in TREND_CODES]
            + [_trend_note(point, area)]
        )  # fmt: skip
    return table


def all_standards() -> list[PovertyStandard]:
    """Every standard (national and local) with its indicators: two queries for a whole page."""
    return list(PovertyStandard.objects.select_related("province").prefetch_related("indicators"))


def national_standards(standards=None) -> list[PovertyStandard]:
    standards = standards if standards is not None else all_standards()
    return [s for s in standards if s.scope == PovertyStandard.Scope.NATIONAL]


def local_standard_in(standards, area: Area, year: int) -> PovertyStandard | None:
    """The local standard in force for `area` in `year` (its province adopted one), or None."""
    paths = set(hrules.ancestor_paths(area.path))
    for s in standards:
        local = s.scope == PovertyStandard.Scope.LOCAL and s.province is not None
        if local and s.province.path in paths and s.year_from <= year <= s.year_to:
            return s
    return None


def year_standard(year: int, standards=None) -> PovertyStandard | None:
    for standard in standards if standards is not None else national_standards():
        if standard.year_from <= year <= standard.year_to:
            return standard
    return None


def year_indicators(year: int, standards=None) -> list[tuple[int, str]]:
    """(column, "CS12 Xử lý rác thải sinh hoạt") of the national standard of `year`, in order;
    the 12 of 2022-2025 when no standard covers the year."""
    standard = year_standard(year, standards)
    if standard is None:
        return [(n, f"CS{n:02d} {DEPRIVATION_NAMES[n]}") for n in range(1, 13)]
    ordered = sorted(standard.indicators.all(), key=lambda i: i.number)
    return [(i.column, f"{i.code} {i.name}") for i in ordered]


def standards_compared(years, standards=None) -> list[PovertyStandard]:
    """The distinct national standards of the years a page compares (more than one: say so)."""
    standards = standards if standards is not None else national_standards()
    found: dict[int, PovertyStandard] = {}
    for year in years:
        standard = year_standard(year, standards)
        if standard is not None:
            found.setdefault(standard.pk, standard)
    return list(found.values())


def _deprivation_table(values, area, indicators) -> Table:
    table = Table(
        "deprivations",
        _("Hộ nghèo, hộ cận nghèo thiếu hụt theo chỉ số"),
        [(_("Chỉ số"), "text"), (_("Hộ nghèo thiếu hụt"), "int"), (_("% hộ nghèo"), "pct"),
         (_("Hộ cận nghèo thiếu hụt"), "int"), (_("% hộ cận nghèo"), "pct")],
    )  # fmt: skip
    for n, label in indicators:
        table.rows.append(
            [label]
            + [
                _v(values, area, f"{p}_d{n:02d}{s}")
                for p in ("poor", "near")
                for s in ("", "_rate")
            ]
        )
    return table


def _low_income_table(values, areas) -> Table:
    labels = [
        _("Tổng số"), _("Nam"), _("Nữ"),
        *(f"{low}-{high}" if high else f"{low}+" for _c, low, high in hrules.LOW_INCOME_AGE_GROUPS),
    ]  # fmt: skip
    table = Table(
        "low_income",
        _("Người lao động có thu nhập thấp (Nghị định 30/2025/NĐ-CP)"),
        [(_("Địa bàn"), "text"), *((label, "int") for label in labels)],
    )
    for area in areas:
        table.rows.append([area.name] + [_v(values, area, c) for c in LOW_INCOME_CODES])
        table.links.append(area.code)
    return table


def _local_table(values, areas, standard) -> Table:
    table = Table(
        "local",
        _("Theo chuẩn địa phương: %(name)s") % {"name": standard.name},
        [(_("Địa bàn"), "text"), (_("Hộ nghèo"), "int"), (_("Hộ cận nghèo"), "int")],
    )
    for area in areas:
        table.rows.append([area.name] + [_v(values, area, c) for c in LOCAL_CODES])
        table.links.append(area.code)
    return table


def _movement_table(values, area) -> Table:
    """Poor and near-poor households: start, what left and joined each list, end. Near-poor
    households that became poor count as newly poor (or re-impoverished) on the poor list."""
    table = Table(
        "movements",
        _("Diễn biến hộ nghèo, hộ cận nghèo trong năm"),
        [(_("Danh sách"), "text"), *((str(label), "int") for label, _p, _n in MOVEMENT_COLUMNS)],
    )
    for name, column in ((_("Hộ nghèo"), 1), (_("Hộ cận nghèo"), 2)):
        table.rows.append(
            [name]
            + [_v(values, area, col[column]) if col[column] else None for col in MOVEMENT_COLUMNS]
        )
    return table


ON_TRACK = {
    True: gettext_lazy("Đạt"),
    False: gettext_lazy("Chưa đạt"),
    None: gettext_lazy("Chưa có số liệu"),
}


def _targets_table(rows, areas) -> Table:
    columns = [(_("Chỉ tiêu"), "text")]
    for a in areas:
        columns += [
            (f"{a.name}: " + _("kế hoạch"), "pct"),
            (f"{a.name}: " + _("thực hiện"), "pct"),
            (f"{a.name}: " + _("đánh giá"), "text"),
        ]
    table = Table("targets", _("Chỉ tiêu: thực hiện so với kế hoạch"), columns)
    for row in rows:
        spec = row["spec"]
        cells = [f"{spec.code} {spec.statement}"]
        for c in row["cells"]:
            cells += [c["target"], c["actual"], str(ON_TRACK[c["ok"]])]
        table.rows.append(cells)
    return table


def _link_counts(
    tables: dict, *, area: Area, children: list[Area], year: int, indicators: list[tuple[int, str]]
) -> None:
    """Every household count of the tables opens the households it counts (reports.links)."""
    for i, child in enumerate(children):
        tables["areas"].link_count(i, 2, "poor_households", area=child, year=year)
        tables["areas"].link_count(i, 4, "near_poor_households", area=child, year=year)
    for i, (n, _name) in enumerate(indicators):
        tables["deprivations"].link_count(i, 1, f"poor_d{n:02d}", area=area, year=year)
        tables["deprivations"].link_count(i, 3, f"near_d{n:02d}", area=area, year=year)
    last = len(MOVEMENT_COLUMNS)
    tables["movements"].link_count(0, last, "poor_households", area=area, year=year)
    tables["movements"].link_count(1, last, "near_poor_households", area=area, year=year)


def dashboard_get(user, *, area: Area, year: int | None, snapshots=None) -> dict:
    if snapshots is None:
        snapshots = selectors.snapshot_list_active()
    snapshot = selectors.snapshot_pick(snapshots, year)
    context = {
        "area": area, "snapshot": snapshot, "years": [s.year for s in snapshots],
        "only_targets": selectors.dashboard_only_targets(user), "tables": {},
        "is_provincial": hroles.is_provincial(user),
    }  # fmt: skip
    if snapshot is None:
        return context
    children = [] if context["only_targets"] else selectors.child_areas(area, snapshot)
    areas = [area, *children]
    specs = target_specs(user=user, year=snapshot.year)
    target_codes = {s.indicator_code for s in specs if s.indicator_code}
    values = selectors.value_map(
        snapshot,
        [area],
        {
            *SUMMARY_CODES,
            *MOVEMENT_CODES,
            *DEPRIVATION_CODES,
            *target_codes,
            *LOW_INCOME_CODES,
            *LOCAL_CODES,
        },
        more_areas=children,
        more_codes={*CHILD_CODES, *target_codes, *LOW_INCOME_CODES, *LOCAL_CODES},
    )
    state = selectors.year_state_get(snapshot.year)
    job = selectors.job_last_for_year(snapshot.year)
    tables = context["tables"]
    rows_of_targets = target_rows(specs, areas, values)
    tables["targets"] = _targets_table(rows_of_targets, areas)
    context.update(
        summary={code: _v(values, area, code) for code in SUMMARY_CODES},
        target_rows=rows_of_targets,
        pending=int(_v(values, area, "pending_reviews") or 0),
        stale=rules.is_stale(
            built_at=snapshot.built_at,
            dirty_since=state.dirty_since if state else None,
            now=timezone.now(),
        ),
        last_job=job,
        failed=job is not None and job.status == job.Status.FAILED,
    )
    if context["only_targets"]:
        return context
    context["breadcrumbs"] = [
        a
        for a in Area.objects.filter(path__in=rules.ancestor_paths(area.path)[:-1]).order_by(
            "depth"
        )
        if area_in_scope(user, a)
    ]
    trend_years = selectors.trend_years(snapshots)
    points = selectors.trend_points(area, TREND_CODES, trend_years)
    trend = {(p.year, c): v for p in points for c, v in p.values.items()}
    tables["areas"] = _areas_table(values, children)
    tables["trend"] = _trend_table(points, area)
    every = all_standards()
    standards = national_standards(every)
    indicators = year_indicators(snapshot.year, standards)
    standard = year_standard(snapshot.year, standards)
    compared = standards_compared(context["years"], standards)
    context["standard"] = standard
    # The notice of unconfirmed parameters is for provincial staff (who can get them confirmed).
    context["provisional_count"] = (
        sum(1 for i in standard.indicators.all() if i.provisional)
        if standard is not None and context["is_provincial"]
        else 0
    )
    context["compared_standards"] = compared if len(compared) > 1 else []
    tables["deprivations"] = _deprivation_table(values, area, indicators)
    tables["movements"] = _movement_table(values, area)
    if standard is not None and standard.low_income_rule(snapshot.year) is not None:
        tables["low_income"] = _low_income_table(values, [area, *children])
    local = local_standard_in(every, area, snapshot.year)
    context["local_standard"] = local
    if local is not None and context.get("standard_view") != "national":
        tables["local"] = _local_table(values, [area, *children], local)
    _link_counts(tables, area=area, children=children, year=snapshot.year, indicators=indicators)
    context["count_links"] = {
        code: household_list_url(code, area_code=area.code, year=snapshot.year)
        for code in ("poor_households", "near_poor_households", "pending_reviews")
    }
    poor, near = _("Tỷ lệ hộ nghèo"), _("Tỷ lệ hộ cận nghèo")
    context["charts"] = {
        "areas": charts.bar_chart(
            [a.name for a in children],
            [
                charts.Series(poor, "bar-poor", [_v(values, a, "poor_rate") for a in children]),
                charts.Series(near, "bar-near", [_v(values, a, "near_poor_rate") for a in children]),
            ],
        ),
        "trend": charts.line_chart(
            [str(y) for y in trend_years],
            [
                charts.Series(poor, "line-poor", [trend.get((y, "poor_rate")) for y in trend_years]),
                charts.Series(near, "line-near", [trend.get((y, "near_poor_rate")) for y in trend_years]),
            ],
        ),
        "deprivations": charts.bar_chart(
            [label for _n, label in indicators],
            [
                charts.Series(_("% hộ nghèo"), "bar-poor", [r[2] for r in tables["deprivations"].rows]),
                charts.Series(_("% hộ cận nghèo"), "bar-near", [r[4] for r in tables["deprivations"].rows]),
            ],
        ),
    }  # fmt: skip
    return context
