"""A paginator whose count never reads the whole registry.

The household list of a province user filters up to a million households; an exact COUNT of
every match costs a read of all of them (and of their reviews) on every page view. The count
here is exact up to `cap` matches (COUNT over the first cap + 1 rows, unordered: the database
stops early), and beyond it the list says "more than cap" (`capped`), with pages up to the cap.
Exact where cheap, marked where not: a user narrowing a filter sees the exact number as soon
as it is within the cap, and the official figures come from the reports, never from this count.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

LIST_COUNT_CAP = 10_000  # settings.HOUSEHOLD_LIST_COUNT_CAP overrides it


class CappedPaginator(Paginator):
    def __init__(
        self, object_list: QuerySet, per_page: int, *, cap: int | None = None, **kwargs
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or getattr(settings, "HOUSEHOLD_LIST_COUNT_CAP", LIST_COUNT_CAP)
        self.capped = False

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)
