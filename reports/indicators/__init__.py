"""The indicator registry: families of indicators, each a module of this package.

A family module defines
    INDICATORS: tuple[Indicator, ...]
    def compute(year: int) -> Counts   # {(count indicator code, area id): int}
`compute` does its per-record work in set-based SQL and returns counts at the lowest level it
knows (normally communes, keyed by area id); the rebuild sums them up through every ancestor of
the area tree and then forms the RATIO and DERIVED indicators. To add a family (programmes,
targets), write `reports/indicators/<name>.py` and append its module path to FAMILY_MODULES.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from .base import Counts, Good, Indicator, Kind, Unit

FAMILY_MODULES: list[str] = [
    "reports.indicators.households",
    "reports.indicators.programs",
    "reports.indicators.targets",
]

__all__ = ["Counts", "Good", "Indicator", "Kind", "Unit", "families", "indicator_get", "registry"]


def families() -> list[ModuleType]:
    return [import_module(path) for path in FAMILY_MODULES]


@cache
def _registry() -> dict[str, Indicator]:
    result: dict[str, Indicator] = {}
    for module in families():
        for indicator in module.INDICATORS:
            if indicator.code in result:
                raise ValueError(f"duplicate indicator code {indicator.code}")
            result[indicator.code] = indicator
    return result


def registry() -> dict[str, Indicator]:
    """All indicators by code, in definition order (counts before what depends on them)."""
    return _registry()


def indicator_get(code: str) -> Indicator | None:
    return _registry().get(code)
