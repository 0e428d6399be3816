"""Snapshot refreshes after the response on the embedded default (no broker).

With `CELERY_TASK_ALWAYS_EAGER` a task runs where it is queued: inside the request that
approved a review. Here the refreshes wait in a queue of this process instead, and one worker
thread runs them once the requests have gone quiet for `REPORTS_REFRESH_DELAY` seconds
(debounced: a burst of approvals makes one refresh per year and area set), at the latest
`REPORTS_REFRESH_MAX_WAIT` seconds after the first. A process that stops with work queued
loses nothing for long: the years stay marked dirty and the periodic rebuild catches up.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

_cond = threading.Condition()
# {year: area paths, or None for the whole year}
_pending: dict[int, set[str] | None] = {}
_first_at = 0.0
_last_at = 0.0
_busy = False
_flush = False
_worker: threading.Thread | None = None


def refresh_later(*, year: int, area_paths) -> None:
    """Queue a refresh of `year` for the reviews filed in `area_paths` (all when empty)."""
    global _first_at, _last_at, _worker
    paths = {p for p in area_paths if p}
    with _cond:
        now = time.monotonic()
        if not _pending:
            _first_at = now
        _last_at = now
        if not paths or (year in _pending and _pending[year] is None):
            _pending[year] = None
        else:
            _pending.setdefault(year, set()).update(paths)  # type: ignore[union-attr]
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_run, name="snapshot-refresh", daemon=True)
            _worker.start()
        _cond.notify_all()


def _due(now: float) -> float:
    """Seconds until the queued work is due (0: now)."""
    if _flush:
        return 0.0
    delay = getattr(settings, "REPORTS_REFRESH_DELAY", 1.0)
    max_wait = getattr(settings, "REPORTS_REFRESH_MAX_WAIT", 5.0)
    return max(0.0, min(_last_at + delay, _first_at + max_wait) - now)


def _run() -> None:
    global _busy, _flush
    while True:
        with _cond:
            while not _pending:
                _cond.wait()
            wait = _due(time.monotonic())
            while wait > 0:
                _cond.wait(wait)
                wait = _due(time.monotonic())
            work = dict(_pending)
            _pending.clear()
            _busy, _flush = True, False
        try:
            _refresh(work)
        finally:
            with _cond:
                _busy = False
                _cond.notify_all()


def _refresh(work: dict[int, set[str] | None]) -> None:
    close_old_connections()
    try:
        _refresh_work(work)
    finally:
        connections.close_all()  # this thread's connections only


def _refresh_work(work: dict[int, set[str] | None]) -> None:
    from .services import snapshot_refresh

    for year, paths in sorted(work.items()):
        try:
            snapshot_refresh(year=year, area_paths=sorted(paths or ()))
        except Exception:  # recorded on the job; the periodic rebuild catches up
            logger.exception("background refresh of %s failed", year)


def pending_take_and_run() -> None:
    """Run the queued refreshes here and now, in the caller's thread and connection."""
    with _cond:
        work = dict(_pending)
        _pending.clear()
    _refresh_work(work)


def wait_idle(timeout: float = 30.0, *, now: bool = True) -> bool:
    """Wait until the queue is empty and no refresh runs (tests, the benchmark); with `now`,
    run the queued work without waiting for the debounce. Returns whether it became idle."""
    global _flush
    deadline = time.monotonic() + timeout
    with _cond:
        if now and _pending:
            _flush = True
            _cond.notify_all()
        while _pending or _busy:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _cond.wait(left)
    return True


def pending() -> dict[int, set[str] | None]:
    with _cond:
        return {
            year: (set(paths) if paths is not None else None) for year, paths in _pending.items()
        }
