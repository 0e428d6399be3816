"""What an indicator is. Families (one module each) define indicators and compute their counts.

Three kinds:
- COUNT: a family computes it per area (normally per commune) in SQL; it is summed up the tree.
- RATIO: a percentage of two COUNT indicators of the same area, formed after the roll-up, so
  that a district's rate is its communes' numerators over their denominators (never an average
  of rates).
- DERIVED: any function of the area's other values (e.g. a change in percentage points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    COUNT = "count"
    RATIO = "ratio"
    DERIVED = "derived"


class Unit(StrEnum):
    HOUSEHOLDS = "households"
    PERSONS = "persons"
    ITEMS = "items"
    PERCENT = "percent"
    POINTS = "points"


class Good(StrEnum):
    """Which direction of change is good."""

    DOWN = "down"
    UP = "up"
    NEUTRAL = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: Unit
    good: Good = Good.NEUTRAL
    kind: Kind = Kind.COUNT
    numerator: str = ""  # RATIO: the count indicator over...
    denominator: str = ""  # ...this one
    formula: Callable[[Mapping[str, float | None]], float | None] | None = None  # DERIVED
    description: str = ""
    internal: bool = False  # an input of other indicators, not shown as such


# {(indicator code, area id): count}: what a family's `compute(year)` returns.
Counts = dict[tuple[str, int], int]
