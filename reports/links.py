"""From a count to its households: the household list (households.filters.HouseholdFilter)
filtered exactly as a snapshot count counts (issue 17, finding 9).

A household count of the snapshot counts the approved reviews standing for their household
(`is_current`) of the year, filed in the unit or below; the list's `status=approved` and
`area` filters read the same review. Movements and programme coverage have no list filter
(yet): they get no link rather than a list that disagrees with the number.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from households.models.reviews import COLUMN_NUMBERS

from .indicators.households import GROUPS

_CLASSES = {"poor": "poor", "near": "near_poor"}


def _filters() -> dict[str, dict[str, str]]:
    approved = {"status": "approved"}
    result = {
        "reviewed_households": approved,
        "pending_reviews": {"status": "submitted"},
        "poor_households": {**approved, "classification": "poor"},
        "near_poor_households": {**approved, "classification": "near_poor"},
    }
    for prefix, klass in _CLASSES.items():
        for n in COLUMN_NUMBERS:
            result[f"{prefix}_d{n:02d}"] = {
                **approved,
                "classification": klass,
                "indicator": str(n),
            }
        for group, (field, _label) in GROUPS.items():
            result[f"{prefix}_{group}"] = {**approved, "classification": klass, "group": field}
    return result


FILTERS = _filters()


def household_list_params(code: str, *, area_code: str, year: int) -> dict[str, str] | None:
    """The list's query for the count `code` of `area_code` in `year`; None: no such list."""
    filters = FILTERS.get(code)
    if filters is None:
        return None
    return {"year": str(year), "area": area_code, **filters}


def household_list_url(code: str, *, area_code: str, year: int) -> str | None:
    params = household_list_params(code, area_code=area_code, year=year)
    if params is None:
        return None
    return f"{reverse('households:list')}?{urlencode(params)}"
