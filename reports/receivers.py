"""Reacting to households: review data changed -> mark the years dirty, then refresh what the
change touched (the communes of `area_paths` and their ancestors), debounced and after the
response (reports.tasks.snapshot_refresh_schedule)."""

from __future__ import annotations

from . import services, tasks
from .models import RebuildJob, Snapshot


def on_review_data_changed(sender, *, years, area_paths=(), **kwargs) -> None:
    from households.models import HouseholdReview

    # A year with no review and no snapshot has nothing to show: no empty year is built.
    years = [
        year
        for year in years
        if Snapshot.objects.filter(year=year, status=Snapshot.Status.ACTIVE).exists()
        or HouseholdReview.objects.filter(year=year).exists()
    ]
    for year in services.years_mark_dirty(years=years):
        tasks.snapshot_refresh_schedule(
            year=year, area_paths=area_paths, trigger=RebuildJob.Trigger.SIGNAL
        )
