"""Pure rules of the reports: roll-up through the area tree, indicator values, staleness."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from households.rules import ancestor_paths, rate

from .indicators.base import Good, Indicator, Kind

# A snapshot older than this is stale even when nothing was marked dirty (the nightly job
# rebuilds every year, so more than a day means the schedule is not running).
MAX_SNAPSHOT_AGE = timedelta(hours=26)


def roll_up(
    counts: Mapping[tuple[str, int], int], area_paths: Mapping[int, str]
) -> dict[int, dict[str, int]]:
    """Sum counts keyed (code, area id) into the area and every ancestor: {area id: {code: n}}.

    Areas not in `area_paths` (e.g. a hamlet-level key) are skipped; every area of
    `area_paths` gets an entry, even with no counts.
    """
    id_by_path = {path: area_id for area_id, path in area_paths.items()}
    totals: dict[int, dict[str, int]] = {area_id: defaultdict(int) for area_id in area_paths}
    chains: dict[int, list[int]] = {}
    for (code, area_id), value in counts.items():
        if area_id not in area_paths:
            continue
        chain = chains.get(area_id)
        if chain is None:
            chain = [id_by_path[p] for p in ancestor_paths(area_paths[area_id]) if p in id_by_path]
            chains[area_id] = chain
        for target in chain:
            totals[target][code] += value
    return totals


def evaluate(
    indicators: Iterable[Indicator], counts: Mapping[str, int]
) -> dict[str, tuple[float | None, int | None, int | None]]:
    """Every indicator for one area from its rolled-up counts: {code: (value, num, den)}."""
    indicators = list(indicators)
    result: dict[str, tuple[float | None, int | None, int | None]] = {}
    for ind in indicators:
        if ind.kind == Kind.COUNT:
            n = int(counts.get(ind.code, 0))
            result[ind.code] = (float(n), n, None)
    for ind in indicators:
        if ind.kind == Kind.RATIO:
            num, den = int(counts.get(ind.numerator, 0)), int(counts.get(ind.denominator, 0))
            result[ind.code] = (rate(num, den), num, den)
    values = {code: v[0] for code, v in result.items()}
    for ind in indicators:
        if ind.kind == Kind.DERIVED and ind.formula is not None:
            value = ind.formula(values)
            values[ind.code] = value
            result[ind.code] = (value, None, None)
    return result


def on_track(good: str, actual: float | None, target: float | None) -> bool | None:
    """Whether an actual value meets its target, given which direction is good."""
    if actual is None or target is None:
        return None
    if good == Good.DOWN:
        return actual <= target
    if good == Good.UP:
        return actual >= target
    return actual == target


def is_stale(
    *,
    built_at: datetime | None,
    dirty_since: datetime | None,
    now: datetime,
    max_age: timedelta = MAX_SNAPSHOT_AGE,
) -> bool:
    """A snapshot is stale when data changed after it was built, or it is too old."""
    if built_at is None:
        return True
    if dirty_since is not None and dirty_since >= built_at:
        return True
    return now - built_at > max_age
