"""Reacting to households: review data changed -> mark the years dirty, rebuild (debounced)."""

from __future__ import annotations

from django.conf import settings

from . import services, tasks
from .models import RebuildJob


def on_review_data_changed(sender, *, years, area_paths=(), **kwargs) -> None:
    countdown = 0 if settings.CELERY_TASK_ALWAYS_EAGER else tasks.REBUILD_DEBOUNCE_SECONDS
    for year in services.years_mark_dirty(years=years):
        tasks.snapshot_rebuild_schedule(
            year=year, trigger=RebuildJob.Trigger.SIGNAL, countdown=countdown
        )
