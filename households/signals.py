"""Signals households sends so that higher apps react without being imported here.

`review_data_changed` is sent after the transaction that changed review data commits (an
approval, a reopening, an import, a population figure), with `years` (a set of ints) and
`area_paths` (the affected communes' paths). reports listens and schedules a debounced rebuild.
"""

from django.db import transaction
from django.dispatch import Signal

review_data_changed = Signal()


def announce_review_data_changed(*, years: set[int] | list[int], area_paths=()) -> None:
    """Send `review_data_changed` once the current transaction commits."""
    years = sorted(set(years))
    paths = sorted(set(area_paths))

    def send() -> None:
        review_data_changed.send(sender="households", years=years, area_paths=paths)

    transaction.on_commit(send)
