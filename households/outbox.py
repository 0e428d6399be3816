"""A transactional outbox: the work a write owes survives a broker that is down.

A service records what it owes (`outbox_task`: a Celery task; `outbox_signal`: a signal of
households.signals that higher apps listen to) as an `OutboxMessage` row in its own
transaction. When the transaction commits the row is dispatched at once; if the broker (or the
cache, or a receiver) fails, the write still stands, the user is told "số liệu sẽ được cập
nhật" (config.middleware.DeferredWorkMiddleware), and the beat relay
(`households.outbox_relay_task`, every 30 s) sends the row when the broker is back.
Delivery is at least once: every task we queue is safe to run twice (job_claim, idempotent
rebuilds).

Why not a library: django-celery-outbox (0.4.x) is young and wraps only tasks; django-jaiminho
stores dill-pickled callables, which break when a module moves (issue 12 is moving ours) and
cannot be read back safely. The model and relay here are ~150 lines and carry signals too.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

_SIGNALS: dict[str, Signal] = {}
# Set when a dispatch failed during the current request (the middleware tells the user).
_deferred: ContextVar[bool] = ContextVar("outbox_deferred", default=False)


def outbox_signal_register(name: str, signal: Signal) -> None:
    _SIGNALS[name] = signal


def outbox_task(
    name: str, *, args=(), kwargs: dict | None = None, countdown: int = 0
) -> OutboxMessage:
    """Record a Celery task (by name) to queue once the current transaction commits."""
    payload = {"args": list(args), "kwargs": kwargs or {}, "countdown": countdown}
    return _record(OutboxMessage.Kind.TASK, name, payload)


def outbox_signal(name: str, **kwargs) -> OutboxMessage:
    """Record a registered signal to send (with JSON-able `kwargs`) once the transaction commits."""
    if name not in _SIGNALS:
        raise KeyError(f"outbox signal {name!r} is not registered")
    return _record(OutboxMessage.Kind.SIGNAL, name, {"kwargs": kwargs})


def _record(kind: str, name: str, payload: dict) -> OutboxMessage:
    message = OutboxMessage.objects.create(kind=kind, name=name, payload=payload)
    transaction.on_commit(lambda: outbox_dispatch(ids=[message.pk]))
    return message


def deferred_reset() -> None:
    _deferred.set(False)


def was_deferred() -> bool:
    return _deferred.get()


def outbox_pending():
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def outbox_dispatch(*, ids: list[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send pending messages (those of `ids`, or the oldest `limit`); (sent, failed)."""
    sent = failed = 0
    try:
        pending = list(_pending_ids(ids, limit))
    except Exception:  # the database itself is down: the relay will try again
        logger.exception("outbox: cannot read pending messages")
        _deferred.set(True)
        return 0, 0
    for pk in pending:
        if _dispatch_one(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _pending_ids(ids, limit):
    queryset = outbox_pending().order_by("id")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.values_list("pk", flat=True)[:limit]


def _dispatch_one(pk: int) -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return _dispatch_eager(pk)
    try:
        with transaction.atomic():
            locked = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True)
            if connection.vendor == "postgresql":
                locked = locked.select_for_update(skip_locked=True)
            message = locked.first()
            if message is None:  # sent meanwhile, or another relay holds it
                return True
            # A savepoint: a receiver that fails leaves none of its writes behind.
            with transaction.atomic():
                _send(message)
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["sent_at", "attempts"])
        return True
    except Exception as exc:
        _deferred.set(True)
        logger.warning("outbox: message %s not sent yet: %s", pk, exc)
        try:
            OutboxMessage.objects.filter(pk=pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        except Exception:  # the database is down too; the row is as it was
            logger.exception("outbox: cannot record the failure of %s", pk)
        return False


def _dispatch_eager(pk: int) -> bool:
    """No broker (the embedded default, the test suite): the work runs here and now, and its
    exceptions propagate as they did before the outbox."""
    claimed = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=1
    )
    if claimed:
        _send(OutboxMessage.objects.get(pk=pk))
    return True


def _send(message: OutboxMessage) -> None:
    payload = message.payload or {}
    if message.kind == OutboxMessage.Kind.SIGNAL:
        _SIGNALS[message.name].send(sender="households", **payload.get("kwargs", {}))
        return
    from celery import current_app

    task = current_app.tasks[message.name]
    options = {"countdown": payload["countdown"]} if payload.get("countdown") else {}
    task.apply_async(
        args=payload.get("args", []), kwargs=payload.get("kwargs", {}), retry=False, **options
    )


def quiet_cache(method: str, *args, default=None, **kwargs):
    """cache.<method>(...), or `default` when the cache (Redis) is down: progress counters and
    debounce marks are conveniences; a write must not fail for them."""
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as exc:
        logger.warning("cache %s failed: %s", method, exc)
        return default
