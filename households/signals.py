"""Signals households sends so that higher apps react without being imported here.

`review_data_changed` is sent after the transaction that changed review data commits (an
approval, a reopening, an import, a population figure), with `years` (a list of ints) and
`area_paths` (the affected communes' paths). reports listens and schedules a debounced rebuild.
It goes through the outbox (households.outbox): recorded in the write's transaction, sent
after the commit, and sent again by the beat relay if a receiver failed (a broker down).
"""

from django.dispatch import Signal

review_data_changed = Signal()
REVIEW_DATA_CHANGED = "review_data_changed"


def announce_review_data_changed(*, years: set[int] | list[int], area_paths=()) -> None:
    """Send `review_data_changed` once the current transaction commits (via the outbox)."""
    from .outbox import outbox_signal

    outbox_signal(REVIEW_DATA_CHANGED, years=sorted(set(years)), area_paths=sorted(set(area_paths)))
