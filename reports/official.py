"""The official review-result tables (Circular 07/2021, Phụ lục VII) from the snapshot.

Approved reviews only (the snapshot counts nothing else). Rows: the chosen area, then every
unit below it down to communes in tree order, so communes sum to their district and districts
to the province (the snapshot is one roll-up).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from households import rules
from households.models import Area

from . import selectors
from .indicators.households import DEPRIVATION_NAMES, GROUPS
from .xlsx import official_workbook


@dataclass(frozen=True)
class OfficialTable:
    key: str
    title: str
    columns: tuple[tuple[str, str, str], ...]  # (label, kind, indicator code)


DEFAULT_INDICATORS = tuple((n, f"CS{n:02d}", DEPRIVATION_NAMES[n]) for n in range(1, 13))


def _deprivation_columns(prefix: str, total: str, label: str, indicators=DEFAULT_INDICATORS):
    """`indicators`: (column, code, name) of the year's standard, in order."""
    cols = [(label, "int", total)]
    for n, code, name in indicators:
        cols.append((f"{code} {name}: {_('số hộ')}", "int", f"{prefix}_d{n:02d}"))
        cols.append((f"{code}: %", "pct", f"{prefix}_d{n:02d}_rate"))
    return tuple(cols)


def _low_income_columns():
    cols = [
        (_("Tổng số người lao động có thu nhập thấp"), "int", "low_income_workers"),
        (_("Nam"), "int", "low_income_male"),
        (_("Nữ"), "int", "low_income_female"),
    ]
    for code, low, high in rules.LOW_INCOME_AGE_GROUPS:
        label = f"{low}-{high}" if high else f"{low}+"
        cols.append((f"{_('Từ')} {label} {_('tuổi')}", "int", f"low_income_age_{code}"))
    return tuple(cols)


def _group_columns():
    cols = [(_("Tổng số hộ nghèo"), "int", "poor_households")]
    cols += [(f"{_('Hộ nghèo')}: {label}", "int", f"poor_{g}") for g, (_f, label) in GROUPS.items()]
    cols.append((_("Tổng số hộ cận nghèo"), "int", "near_poor_households"))
    cols += [
        (f"{_('Hộ cận nghèo')}: {label}", "int", f"near_{g}") for g, (_f, label) in GROUPS.items()
    ]
    return tuple(cols)


TABLES = {
    t.key: t
    for t in (
        OfficialTable("summary", _("Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo"), (
            (_("Tổng số hộ dân cư"), "int", "population_households"),
            (_("Tổng số nhân khẩu"), "int", "population_persons"),
            (_("Số hộ nghèo"), "int", "poor_households"),
            (_("Tỷ lệ hộ nghèo (%)"), "pct", "poor_rate"),
            (_("Số nhân khẩu hộ nghèo"), "int", "poor_persons"),
            (_("Số hộ cận nghèo"), "int", "near_poor_households"),
            (_("Tỷ lệ hộ cận nghèo (%)"), "pct", "near_poor_rate"),
            (_("Số nhân khẩu hộ cận nghèo"), "int", "near_poor_persons"),
        )),
        # start - outflows + inflows = end (households.rules.MOVEMENT_IDENTITY), every row.
        OfficialTable("poor_movements", _("Diễn biến hộ nghèo"), (
            (_("Hộ nghèo đầu kỳ (cuối kỳ năm trước)"), "int", "poor_start"),
            (_("(−) Thoát nghèo, lên trên chuẩn cận nghèo"), "int", "poor_escaped"),
            (_("(−) Thoát nghèo, thành hộ cận nghèo"), "int", "poor_to_near_poor"),
            (_("(+) Hộ nghèo phát sinh mới"), "int", "poor_newly"),
            (_("(+) Hộ tái nghèo"), "int", "poor_reimpoverished"),
            (_("(+) Tăng khác"), "int", "poor_other_in"),
            (_("(−) Giảm khác"), "int", "poor_other_out"),
            (_("Hộ nghèo cuối kỳ"), "int", "poor_households"),
            (_("Tỷ lệ hộ nghèo cuối kỳ (%)"), "pct", "poor_rate"),
        )),
        OfficialTable("near_movements", _("Diễn biến hộ cận nghèo"), (
            (_("Hộ cận nghèo đầu kỳ (cuối kỳ năm trước)"), "int", "near_start"),
            (_("(−) Thoát cận nghèo"), "int", "near_escaped"),
            (_("(−) Cận nghèo thành hộ nghèo"), "int", "near_to_poor"),
            (_("(+) Hộ nghèo thành hộ cận nghèo"), "int", "near_from_poor"),
            (_("(+) Hộ cận nghèo phát sinh mới"), "int", "near_newly"),
            (_("(+) Hộ tái cận nghèo"), "int", "near_returned"),
            (_("(+) Tăng khác"), "int", "near_other_in"),
            (_("(−) Giảm khác"), "int", "near_other_out"),
            (_("Hộ cận nghèo cuối kỳ"), "int", "near_poor_households"),
            (_("Tỷ lệ hộ cận nghèo cuối kỳ (%)"), "pct", "near_poor_rate"),
        )),
        OfficialTable("poor_deprivations", _("Hộ nghèo thiếu hụt các chỉ số đo lường"),
                      _deprivation_columns("poor", "poor_households", _("Tổng số hộ nghèo"))),
        OfficialTable("near_deprivations", _("Hộ cận nghèo thiếu hụt các chỉ số đo lường"),
                      _deprivation_columns("near", "near_poor_households", _("Tổng số hộ cận nghèo"))),
        OfficialTable("groups", _("Hộ nghèo, hộ cận nghèo theo nhóm đối tượng"), _group_columns()),
        OfficialTable("low_income", _("Người lao động có thu nhập thấp theo giới tính và nhóm tuổi"),
                      _low_income_columns()),
        OfficialTable("local", _("Hộ nghèo, hộ cận nghèo theo chuẩn địa phương"), (
            (_("Số hộ nghèo (chuẩn địa phương)"), "int", "local_poor_households"),
            (_("Số hộ cận nghèo (chuẩn địa phương)"), "int", "local_near_poor_households"),
        )),
    )
}  # fmt: skip


def table_for_year(key: str, year: int) -> OfficialTable:
    """The table as the year's standard has it: the deprivation tables list that standard's
    indicators (the 2027-2030 one has no information-means column and has waste treatment)."""
    from .dashboard import year_standard

    table = TABLES[key]
    standard = year_standard(year)
    if key not in ("poor_deprivations", "near_deprivations") or standard is None:
        return table
    indicators = tuple((i.column, i.code, i.name) for i in standard.indicators.order_by("number"))
    prefix, total, label = (
        ("poor", "poor_households", _("Tổng số hộ nghèo"))
        if key == "poor_deprivations"
        else ("near", "near_poor_households", _("Tổng số hộ cận nghèo"))
    )
    return OfficialTable(key, table.title, _deprivation_columns(prefix, total, label, indicators))


def official_rows(
    table: OfficialTable, *, area: Area, snapshot
) -> tuple[list, list[list], set[int]]:
    """(columns, rows, indices of bold rows) of one table for `area` and everything below."""
    areas = selectors.area_tree_below(area, snapshot)
    values = selectors.value_map(snapshot, areas, [c[2] for c in table.columns])
    columns = [(_("STT"), "text"), (_("Đơn vị"), "text")] + [(c[0], c[1]) for c in table.columns]
    rows, bold, indents = [], set(), []
    number = 0
    for i, unit in enumerate(areas):
        if unit.level == Area.Level.COMMUNE and unit != area:
            number += 1
            label = str(number)
        else:
            label, number = "", 0
            bold.add(i)
        indents.append(unit.depth - area.depth)
        cells = []
        for _label, kind, code in table.columns:
            found = values.get((unit.pk, code))
            value = found.value if found is not None else None
            cells.append(int(value) if kind == "int" and value is not None else value)
        rows.append([label, unit.name, *cells])
    return columns, rows, bold, indents


def official_preview(*, key: str, area: Area, snapshot) -> dict:
    """The table as the page shows it: the workbook's title, columns and rows (the indicators
    of the year's standard, as in the workbook)."""
    from .links import household_list_url

    table = table_for_year(key, snapshot.year)
    columns, rows, bold, indents = official_rows(table, area=area, snapshot=snapshot)
    units = selectors.area_tree_below(area, snapshot)
    kinds = [kind for _l, kind in columns]
    codes = ["", ""] + [c[2] for c in table.columns]  # STT, Đơn vị, then the indicators

    def link(unit: Area, code: str, value) -> str | None:
        if not value or not code:
            return None
        return household_list_url(code, area_code=unit.code, year=snapshot.year)

    return {
        "title": f"{table.title} {_('năm')} {snapshot.year}",
        "columns": columns,
        "rows": [
            {"cells": [(value, kind, link(units[i], code, value))
                       for value, kind, code in zip(row, kinds, codes, strict=True)],
             "bold": i in bold, "indent": indents[i]}
            for i, row in enumerate(rows)
        ],
    }  # fmt: skip


def official_workbook_build(*, key: str, area: Area, snapshot, unit: str) -> bytes:
    table = table_for_year(key, snapshot.year)
    columns, rows, bold, indents = official_rows(table, area=area, snapshot=snapshot)
    return official_workbook(
        title=f"{table.title} {_('năm')} {snapshot.year}", unit=unit, area=area,
        snapshot=snapshot, columns=columns, rows=rows, bold_rows=bold, indents=indents,
    )  # fmt: skip
