"""The state of the background: broker, worker and beat (last heartbeat), the outbox, and the
jobs that failed — for the health page (`system-health`) and for monitoring."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import jobs
from .models import Heartbeat, OutboxMessage

logger = logging.getLogger(__name__)
# A heartbeat older than this is a process that stopped (beat sends one every 60 s).
HEARTBEAT_LATE = timedelta(minutes=3)


def heartbeat_record(name: str, detail: str = "") -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail[:200]}
    )


@dataclass(frozen=True)
class Component:
    key: str
    ok: bool | None  # None: not used in this installation
    last_seen: datetime | None = None
    detail: str = ""


def broker_state() -> Component:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Component("broker", None, detail="eager")
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return Component("broker", True, timezone.now())
    except Exception as exc:
        return Component("broker", False, detail=f"{type(exc).__name__}: {exc}"[:200])


def heartbeat_state(name: str, now: datetime) -> Component:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Component(name, None, detail="eager")
    beat = Heartbeat.objects.filter(name=name).first()
    if beat is None:
        return Component(name, False)
    return Component(name, now - beat.at <= HEARTBEAT_LATE, beat.at, beat.detail)


def system_health(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = pending.order_by("created_at").first()
    return {
        "components": [
            broker_state(),
            heartbeat_state("worker", now),
            heartbeat_state("beat", now),
        ],
        "outbox_pending": pending.count(),
        "outbox_oldest": oldest,
        "failed_jobs": failed_jobs(now - FAILED_JOBS_WINDOW),
        "last_rebuild": last_rebuild(),
        "media": media_disk(),
        "now": now,
    }


FAILED_JOBS_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class FailedJobs:
    key: str
    label: str
    count: int
    list_url: str = ""


def failed_jobs(since: datetime) -> list[FailedJobs]:
    """For every job kind (households.jobs), how many failed since `since`."""
    return [
        FailedJobs(kind.name, str(kind.label), kind.failed_since(since), kind.list_url)
        for kind in jobs.job_kinds()
        if kind.failed_since is not None
    ]


def last_rebuild() -> object | None:
    for kind in jobs.job_kinds():
        if kind.last_finished is not None:
            return kind.last_finished()
    return None


@dataclass(frozen=True)
class Disk:
    path: str
    free: int | None  # bytes; None when the folder cannot be read
    total: int | None
    warn_below: int

    @property
    def low(self) -> bool:
        return self.free is None or self.free < self.warn_below

    @property
    def free_percent(self) -> int | None:
        if not self.total or self.free is None:
            return None
        return round(100 * self.free / self.total)


def media_disk() -> Disk:
    """Free and total space where uploads, exports and evidence are kept (MEDIA_ROOT), with
    the warning threshold MEDIA_FREE_WARN_MB."""
    path = Path(settings.MEDIA_ROOT)
    warn = settings.MEDIA_FREE_WARN_MB * 1024**2
    probe = path
    while not probe.exists() and probe != probe.parent:  # not made yet: its disk all the same
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError:
        logger.warning("media disk usage not readable", exc_info=True)
        return Disk(str(path), None, None, warn)
    return Disk(str(path), usage.free, usage.total, warn)


# --- the beat process records its own heartbeat each time it publishes a task ---------------

_in_beat = False


def on_beat_init(**_kwargs) -> None:
    global _in_beat
    _in_beat = True


def on_before_task_publish(sender=None, **_kwargs) -> None:
    if not _in_beat:
        return
    try:
        heartbeat_record("beat", str(sender or ""))
    except Exception:  # beat keeps scheduling even when the database is away
        logger.warning("beat heartbeat not recorded", exc_info=True)
