"""Background jobs that must never stay "running" after their worker died.

Each job kind (import, export, rebuild...) registers two functions here: `fail(job_id,
message)` marks one job failed with a message its user sees, `sweep(cutoff)` fails every job
of the kind still running since before `cutoff`. Two paths use them:

- Celery's `task_failure` signal, sent in the worker's main process when the child running a
  task was killed (WorkerLostError: out of memory, SIGKILL), hit its hard time limit, or
  raised: the job is failed at once;
- a beat sweep (`households.jobs_stale_sweep_task`, every 5 minutes) for a worker that
  died whole (nobody left to send the signal).

Higher apps register their kinds in their AppConfig.ready (households never imports them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    name: str
    # Celery task name -> the positional index (or keyword) of the job id in its call.
    tasks: dict[str, str | int]
    fail: Callable[[int, str], bool]
    sweep: Callable[[object, str], int]
    # For the readiness page: how many of the kind failed since a moment, its label and the
    # page (URL name) that lists them.
    failed_since: Callable[[datetime], int] | None = None
    label: str = ""
    list_url: str = ""
    # The most recent finished job of the kind, for "the last rebuild" (None when none).
    last_finished: Callable[[], object | None] | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


# Stored on the job for whoever opens it later: in the site's language, as the worker's other
# messages are, whatever language the failing process happens to have active.


def lost_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _lost_message()


def stale_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _stale_message()


def unexpected_message() -> str:
    """An error nobody foresaw: the details (which may hold personal data) go to the log only."""
    with translation.override(settings.LANGUAGE_CODE):
        return _unexpected_message()


def _unexpected_message() -> str:
    return _(
        "Có lỗi ngoài dự kiến nên việc này không hoàn thành. Không có dữ liệu nào bị ghi dở. "
        "Hãy thử lại; nếu lặp lại, hãy báo cho quản trị hệ thống (chi tiết đã được ghi vào "
        "nhật ký hệ thống)."
    )


def failure_message(exception: BaseException | None) -> str:
    """The message for a task that failed: a worker killed or out of time, or an error."""
    lost = type(exception).__name__ in {
        "WorkerLostError",
        "TimeLimitExceeded",
        "SoftTimeLimitExceeded",
        "MemoryError",
        "Terminated",
    }
    return lost_message() if lost or exception is None else unexpected_message()


def job_reason(stored: str) -> str:
    """A stored failure reason in the reader's language: the messages above are stored in the
    site's language (their msgids), so they translate back for a reader of another language;
    any other stored text is shown as it is."""
    return _(stored) if stored else ""


def _lost_message() -> str:
    return _(
        "Máy xử lý nền đã dừng đột ngột khi đang làm việc này (quá thời gian hoặc quá bộ nhớ "
        "cho phép). Không có dữ liệu nào bị ghi dở. Hãy thử lại; nếu lặp lại, hãy chia nhỏ tệp "
        "hoặc báo cho quản trị hệ thống."
    )


def _stale_message() -> str:
    return _(
        "Việc này không hoàn thành trong thời gian cho phép (máy xử lý nền có thể đã dừng). "
        "Không có dữ liệu nào bị ghi dở. Hãy thử lại."
    )


def _job_id(args, kwargs, where: str | int):
    if isinstance(where, int) and len(args or ()) > where:
        return args[where]
    return (kwargs or {}).get("job_id" if isinstance(where, int) else where)


def on_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, **_kw):
    """Celery task_failure receiver: fail the job the task was working on."""
    name = getattr(sender, "name", "")
    for kind in _KINDS.values():
        where = kind.tasks.get(name)
        if where is None:
            continue
        job_id = _job_id(args, kwargs, where)
        if job_id is None:
            return
        try:
            kind.fail(int(job_id), failure_message(exception))
        except Exception:  # the database may be what failed; the sweep will retry
            logger.exception("could not mark %s job %s failed", kind.name, job_id)
        return


def stale_job_ids(model, *, running: Iterable[str], waiting: Iterable[str], cutoff) -> list[int]:
    """The sweep's query for any job kind: ids of `model`'s jobs claimed before `cutoff` and
    still in a `running` status, and of those in a `waiting` status for a day."""
    stale = Q(status__in=list(running), started_at__lt=cutoff) | Q(
        status__in=list(waiting), created_at__lt=cutoff - timedelta(days=1)
    )
    return list(model.objects.filter(stale).order_by("pk").values_list("pk", flat=True))


def jobs_stale_sweep(*, now=None) -> dict[str, int]:
    """Fail every job running longer than JOB_STALE_AFTER_SECONDS; counts per kind."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    return {kind.name: kind.sweep(cutoff, stale_message()) for kind in _KINDS.values()}
