"""The one way a service writes an audited row (django-simple-history).

zulip writes its audit row inside the action; here the history row is written by
simple-history, and these helpers make the user part of every write, so that no write of a
service can be anonymous, whether it runs in a request, a management command or a Celery task
(HistoryRequestMiddleware only knows the request's user).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

M = TypeVar("M", bound=models.Model)


def require_user(user) -> None:
    """Refuse a write without a user (the raw COPY path of the import asks here too)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ValueError("an audited write needs the user who makes it")


def save_audited(obj: M, *, user, update_fields: Iterable[str] | None = None) -> M:
    """Save `obj` with `user` on its history row; only `update_fields` when given."""
    require_user(user)
    obj._history_user = user
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)
    return obj


def bulk_create_audited(objs: Sequence[M], model: type[M], *, user, **kwargs) -> list[M]:
    require_user(user)
    return bulk_create_with_history(objs, model, default_user=user, **kwargs)


def bulk_update_audited(
    objs: Sequence[M], model: type[M], fields: Sequence[str], *, user, **kwargs
) -> int:
    require_user(user)
    return bulk_update_with_history(objs, model, list(fields), default_user=user, **kwargs)
