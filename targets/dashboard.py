"""The targets of a year's plan as the reports dashboard reads them (see reports.targets_view).

`dashboard_targets(user=..., year=...)` returns one dict per target the user may see:
provincial staff and area officers see every target of the plans of the year; agency staff
only the targets their agency's tasks serve (Task.targets, as lead or supporting agency).

The dashboard compares an actual value with a threshold in one direction ("up": actual >=
threshold, "down": actual <= threshold). `dashboard_rule` turns a target (direction,
target_value, baseline) into that pair so that the comparison agrees with
`targets.rules.on_track` (tested), e.g. CT01 "poor rate down 1 point", measured by
poor_rate_change with direction reduction_by and target 1.00, becomes ("down", -1.0): on track
when the rate fell by at least one point.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import FilteredRelation, Q

from . import rules, selectors
from .models import MANUAL, ManualFigure

# Target.unit (free text) -> the reports' unit names, for how figures are shown.
UNITS = {"%": "percent", "điểm phần trăm": "points", "người": "persons", "hộ": "households"}
RATE_UNITS = ("percent", "points")


FIELDS = ("pk", "code", "statement", "indicator_code", "unit", "direction", "target_value",
          "baseline")  # fmt: skip


def dashboard_targets(*, user, year: int) -> list[dict]:
    """The dashboard's targets for `year`: two queries, whatever the number of targets (the
    targets joined with their breakdowns of the year, then the manual figures)."""
    rows = (
        selectors.visible_targets(user, year=year)
        .annotate(
            year_breakdowns=FilteredRelation("breakdowns", condition=Q(breakdowns__year=year))
        )
        .values_list(
            *FIELDS,
            "year_breakdowns__area__code",
            "year_breakdowns__value",
            "year_breakdowns__baseline",
        )
    )
    targets: dict[int, dict] = {}
    breakdowns: dict[int, dict[str, tuple]] = {}
    for *fields, area_code, value, baseline in rows:
        target = targets.setdefault(fields[0], dict(zip(FIELDS, fields, strict=True)))
        if area_code is not None:
            breakdowns.setdefault(target["pk"], {})[area_code] = (value, baseline)
    if not targets:
        return []
    figures: dict[int, dict[str, float]] = {}
    # Figures are cumulative over the year: the latest period reported wins.
    for target_id, area_code, value in (
        ManualFigure.objects.filter(target_id__in=list(targets), year=year)
        .order_by("period_end", "id")
        .values_list("target_id", "area__code", "value")
    ):
        figures.setdefault(target_id, {})[area_code] = float(value)
    return [_spec(t, breakdowns.get(pk, {}), figures.get(pk, {})) for pk, t in targets.items()]


def _spec(target: dict, breakdowns: dict[str, tuple], figures: dict[str, float]) -> dict:
    """One dashboard dict from a target's fields (FIELDS), breakdowns and manual figures."""
    change = rules.measures_change(target["indicator_code"])
    good, threshold = rules.dashboard_rule(
        target["direction"], target["target_value"], target["baseline"], change=change
    )
    thresholds = {}
    for area_code, (value, baseline) in breakdowns.items():
        thresholds[area_code] = rules.dashboard_rule(
            target["direction"], value, target["baseline"] if baseline is None else baseline,
            change=change,
        )[1]  # fmt: skip
    province = thresholds.get(settings.PROVINCE_CODE)
    unit = UNITS.get(target["unit"].strip(), "items")
    code = target["indicator_code"]
    return {
        "code": target["code"],
        "statement": target["statement"],
        "indicator_code": "" if code == MANUAL else code,
        "direction": good,
        "baseline": None if target["baseline"] is None else float(target["baseline"]),
        "target": province if province is not None else threshold,
        "unit": unit,
        "values": figures,
        "targets": thresholds,
        "applies_everywhere": unit in RATE_UNITS,
    }
