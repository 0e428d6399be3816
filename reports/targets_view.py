"""The dashboard's "targets: actual vs target" section, against a small interface.

The targets app provides, on its AppConfig:

    def dashboard_targets(self, *, user, year: int) -> list[dict]

returning the targets of the plan in force for `year` that `user` may see (provincial staff
and officers: all; agency staff: those their tasks serve), each a dict with
    code: str              e.g. "CT01"
    statement: str         e.g. "Giảm tỷ lệ hộ nghèo 1 điểm phần trăm"
    indicator_code: str    a reports indicator code ("poor_rate_change", "poor_rate", ...)
                           or "" when the figure is entered by hand
    direction: "down" | "up"  which way is good
    baseline: float | None
    target: float          the value to reach (e.g. -1.0 points, 3.0 %)
    unit: str              "percent", "points", "households", ...
    values: dict[str, float]  optional manual figures by area code (used when there is no
                              snapshot value for the indicator in that area)
    targets: dict[str, float]  optional per-area targets by area code (the plan's breakdown
                              for the province and each district)
    applies_everywhere: bool  the target is a rate that holds in every area: an area without
                              its own target takes its nearest ancestor's (else only the root
                              area, and the areas of `targets`, have one)
Actual values come from the snapshot; `rules.on_track` decides on track (True), not (False) or
cannot tell (None: no figure or no target for the area).
Without the targets app's provider this section is simply empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from . import rules
from .indicators import Unit, indicator_get


@dataclass(frozen=True)
class TargetSpec:
    code: str
    statement: str
    indicator_code: str
    direction: str
    target: float | None
    baseline: float | None = None
    unit: str = "percent"
    values: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=dict)
    applies_everywhere: bool = False

    def target_for(self, area) -> float | None:
        """The area's own target, else (rates) its nearest ancestor's, else the root's."""
        if area.code in self.targets:
            return self.targets[area.code]
        if self.applies_everywhere:
            for code in reversed([c for c in area.path.split("/") if c][:-1]):
                if code in self.targets:
                    return self.targets[code]
            return self.target
        return self.target if area.parent_id is None else None


# How a target's figures are shown (the indicator's unit when it is computed).
KINDS = {Unit.PERCENT: "pct", Unit.POINTS: "pts"}


def _kind(spec: TargetSpec) -> str:
    indicator = indicator_get(spec.indicator_code) if spec.indicator_code else None
    unit = indicator.unit if indicator is not None else spec.unit
    return KINDS.get(unit, "int")


def target_specs(*, user, year: int) -> list[TargetSpec]:
    try:
        apps.get_model("targets", "Target")
    except LookupError:
        return []
    provider = getattr(apps.get_app_config("targets"), "dashboard_targets", None)
    if provider is None:
        return []
    return [TargetSpec(**item) for item in provider(user=user, year=year)]


def target_rows(specs: list[TargetSpec], areas, values) -> list[dict]:
    """One row per target: actual and on-track for each of `areas` (the area, then children).

    `values` is selectors.value_map for those areas and the specs' indicator codes.
    """
    rows = []
    for spec in specs:
        cells = []
        for area in areas:
            found = values.get((area.pk, spec.indicator_code))
            actual = found.value if found is not None else spec.values.get(area.code)
            target = spec.target_for(area)
            cells.append(
                {
                    "area": area,
                    "actual": actual,
                    "target": target,
                    "ok": rules.on_track(spec.direction, actual, target),
                }
            )
        rows.append({"spec": spec, "kind": _kind(spec), "cells": cells})
    return rows
