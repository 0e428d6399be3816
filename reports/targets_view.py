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
Actual values come from the snapshot; `rules.on_track` decides on track or not.
Until the targets app has a `Target` model this section is simply empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from . import rules


@dataclass(frozen=True)
class TargetSpec:
    code: str
    statement: str
    indicator_code: str
    direction: str
    target: float
    baseline: float | None = None
    unit: str = "percent"
    values: dict[str, float] = field(default_factory=dict)


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
            cells.append(
                {
                    "area": area,
                    "actual": actual,
                    "ok": rules.on_track(spec.direction, actual, spec.target),
                }
            )
        rows.append({"spec": spec, "cells": cells})
    return rows
