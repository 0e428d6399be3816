"""Pure rules of plans, targets and tasks: plain values in, plain values out (no ORM)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
BLOCKED = "blocked"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, BLOCKED)

AT_LEAST = "at_least"
AT_MOST = "at_most"
REDUCTION_BY = "reduction_by"

NO_RECURRENCE = ""
MONTHLY = "monthly"
QUARTERLY = "quarterly"
YEARLY = "yearly"

REMINDER_WINDOW_DAYS = 7


def is_overdue(due_date: date | None, status: str, today: date) -> bool:
    """A task past its due date and not done is overdue (the due date itself is still on time)."""
    return due_date is not None and status != DONE and due_date < today


def is_due_soon(
    due_date: date | None, status: str, today: date, days: int = REMINDER_WINDOW_DAYS
) -> bool:
    """Not done and due from today to `days` days ahead, inclusive (the reminder window)."""
    if due_date is None or status == DONE:
        return False
    return today <= due_date <= today + timedelta(days=days)


def percent_error(percent: int | None, status: str) -> str | None:
    """Why a (percent, status) pair is inconsistent, as a key; None when fine."""
    if percent is None or percent < 0 or percent > 100:
        return "range"
    if status == DONE and percent != 100:
        return "done_needs_100"
    return None


def on_track(
    direction: str,
    baseline: Decimal | float | None,
    target: Decimal | float,
    actual: Decimal | float | None,
) -> bool | None:
    """Whether an actual figure meets its target; None when it cannot be told (no figure).

    at_least: actual >= target; at_most: actual <= target;
    reduction_by: baseline - actual >= target (e.g. the poor rate down by 1 point).
    """
    if actual is None:
        return None
    actual, target = Decimal(str(actual)), Decimal(str(target))
    if direction == AT_LEAST:
        return actual >= target
    if direction == AT_MOST:
        return actual <= target
    if direction == REDUCTION_BY:
        if baseline is None:
            return None
        return Decimal(str(baseline)) - actual >= target
    raise ValueError(f"unknown direction {direction!r}")


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def next_due_date(recurrence: str, after: date, day: int = 5) -> date | None:
    """The first due date of a periodic task strictly after `after`; None if not periodic.

    monthly: day `day` of each month (e.g. the commune report on the 5th); quarterly: day `day`
    of the first month of each quarter (Jan, Apr, Jul, Oct); yearly: the same month as `after`
    next year, day `day`. A day past the month's end falls on its last day.
    """
    if recurrence == MONTHLY:
        candidate = _on_day(after.year, after.month, day)
        if candidate <= after:
            candidate = _on_day(*_add_months(after.year, after.month, 1), day)
        return candidate
    if recurrence == QUARTERLY:
        for months in range(13):
            year, month = _add_months(after.year, after.month, months)
            candidate = _on_day(year, month, day)
            if month in (1, 4, 7, 10) and candidate > after:
                return candidate
    if recurrence == YEARLY:
        candidate = _on_day(after.year, after.month, day)
        if candidate <= after:
            candidate = _on_day(after.year + 1, after.month, day)
        return candidate
    if recurrence == NO_RECURRENCE:
        return None
    raise ValueError(f"unknown recurrence {recurrence!r}")


def due_date_error(due_date: date, plan_year: int) -> str | None:
    """A task's due date may not fall before its plan's year."""
    if due_date.year < plan_year:
        return "before_plan_year"
    return None


# The reports dashboard compares an actual with a threshold in one direction ("up": actual >=
# threshold, "down": actual <= threshold); these turn a target into that pair, in agreement
# with on_track (tested).
UP, DOWN = "up", "down"


def measures_change(indicator_code: str) -> bool:
    """A change indicator (e.g. poor_rate_change, in points) is measured from 0: its baseline
    is the previous year's level, already taken off."""
    return indicator_code.endswith("_change")


def dashboard_rule(
    direction: str,
    target_value: Decimal | float,
    baseline: Decimal | float | None,
    *,
    change: bool = False,
) -> tuple[str, float | None]:
    """(good direction, threshold) equivalent to rules.on_track(direction, baseline, ...).

    at_least v: ("up", v); at_most v: ("down", v); reduction_by v: ("down", baseline - v),
    with baseline 0 for a change indicator; no baseline otherwise: ("down", None) (no data).
    """
    value = float(target_value)
    if direction == AT_LEAST:
        return UP, value
    if direction == AT_MOST:
        return DOWN, value
    if direction == REDUCTION_BY:
        base = 0.0 if change else (None if baseline is None else float(baseline))
        return DOWN, None if base is None else round(base - value, 2)
    raise ValueError(f"unknown direction {direction!r}")
