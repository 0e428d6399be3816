"""The state of the background: broker, worker and beat (last heartbeat), the outbox, and the
jobs that failed — for the health page (`system-health`) and for monitoring."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import ExportJob, Heartbeat, ImportJob, OutboxMessage

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
    week = now - timedelta(days=7)
    failed = {
        "import": ImportJob.objects.filter(status="failed", created_at__gte=week).count(),
        "export": ExportJob.objects.filter(status="failed", created_at__gte=week).count(),
    }
    return {
        "components": [
            broker_state(),
            heartbeat_state("worker", now),
            heartbeat_state("beat", now),
        ],
        "outbox_pending": pending.count(),
        "outbox_oldest": oldest,
        "failed_jobs": failed,
        "now": now,
    }


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
