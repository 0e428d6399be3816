"""Pure rules of the targets app: no database."""

from datetime import date
from decimal import Decimal

import pytest

from targets import rules

D = date


@pytest.mark.parametrize(
    ("due", "status", "today", "expected"),
    [
        (D(2023, 6, 30), "in_progress", D(2023, 7, 1), True),
        (D(2023, 6, 30), "in_progress", D(2023, 6, 30), False),  # the due day itself is on time
        (D(2023, 6, 30), "not_started", D(2023, 6, 29), False),
        (D(2023, 6, 30), "done", D(2024, 1, 1), False),
        (D(2023, 6, 30), "blocked", D(2023, 7, 1), True),
        (None, "in_progress", D(2023, 7, 1), False),
    ],
)
def test_is_overdue(due, status, today, expected):
    assert rules.is_overdue(due, status, today) is expected


@pytest.mark.parametrize(
    ("due", "status", "expected"),
    [
        (D(2023, 6, 1), "in_progress", True),  # today
        (D(2023, 6, 8), "not_started", True),  # 7 days ahead
        (D(2023, 6, 9), "not_started", False),  # 8 days ahead
        (D(2023, 5, 31), "in_progress", False),  # overdue, not "due soon"
        (D(2023, 6, 3), "done", False),
    ],
)
def test_is_due_soon(due, status, expected):
    assert rules.is_due_soon(due, status, D(2023, 6, 1)) is expected


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "expected"),
    [
        ("at_least", None, 100, 100, True),
        ("at_least", None, 100, Decimal("99.99"), False),
        ("at_most", None, 3, Decimal("2.63"), True),
        ("at_most", None, 3, Decimal("3.01"), False),
        ("reduction_by", Decimal("4.26"), 1, Decimal("3.26"), True),  # exactly 1 point
        ("reduction_by", Decimal("4.26"), 1, Decimal("3.27"), False),
        ("reduction_by", None, 1, Decimal("3.00"), None),  # no baseline, cannot tell
        ("at_least", None, 100, None, None),  # no figure yet
    ],
)
def test_on_track(direction, baseline, target, actual, expected):
    assert rules.on_track(direction, baseline, target, actual) is expected


def test_on_track_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        rules.on_track("sideways", None, 1, 1)


@pytest.mark.parametrize(
    ("recurrence", "after", "day", "expected"),
    [
        ("monthly", D(2023, 2, 5), 5, D(2023, 3, 5)),
        ("monthly", D(2023, 2, 4), 5, D(2023, 2, 5)),
        ("monthly", D(2023, 12, 5), 5, D(2024, 1, 5)),
        ("monthly", D(2023, 1, 31), 31, D(2023, 2, 28)),  # short month: its last day
        ("quarterly", D(2023, 1, 5), 5, D(2023, 4, 5)),
        ("quarterly", D(2023, 2, 10), 15, D(2023, 4, 15)),
        ("quarterly", D(2023, 11, 1), 5, D(2024, 1, 5)),
        ("quarterly", D(2023, 1, 4), 5, D(2023, 1, 5)),
        ("yearly", D(2023, 12, 20), 20, D(2024, 12, 20)),
        ("", D(2023, 1, 1), 5, None),
    ],
)
def test_next_due_date(recurrence, after, day, expected):
    assert rules.next_due_date(recurrence, after, day) == expected


@pytest.mark.parametrize(
    ("percent", "status", "expected"),
    [
        (0, "not_started", None),
        (100, "done", None),
        (140, "in_progress", "range"),
        (-1, "in_progress", "range"),
        (90, "done", "done_needs_100"),
    ],
)
def test_percent_error(percent, status, expected):
    assert rules.percent_error(percent, status) == expected


@pytest.mark.parametrize(
    ("due", "year", "expected"),
    [(D(2022, 12, 31), 2023, "before_plan_year"), (D(2023, 1, 1), 2023, None)],
)
def test_due_date_error(due, year, expected):
    assert rules.due_date_error(due, year) == expected
