"""Run the reading of an untrusted file in a child process with memory and time limits.

The child is a fork of the caller (a web or worker process: Django already set up, the active
language inherited), limited by RLIMIT_AS (address space: the caller's plus `memory_mb`) and
RLIMIT_CPU, and killed at `seconds` of wall time. Whatever the file does to the reader — an
allocation of 512 GiB, a C or Rust abort, an endless loop — only the child dies; the caller
gets a `SandboxError` and answers the user.

A fork rather than multiprocessing: a Celery prefork child is daemonic and may not start
multiprocessing children, and a fork costs milliseconds where a fresh interpreter with Django
costs most of a second. The child touches no database connection and leaves by os._exit, so
the caller's connections are not closed under it.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Any

try:
    import resource
except ImportError:  # not on this platform: limits by time only
    resource = None  # type: ignore[assignment]


class SandboxError(Exception):
    """The child died, ran out of memory or of time; `reason` is "memory", "time" or "crash"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _apply_limits(memory_mb: int, seconds: int) -> None:
    if resource is None:
        return
    limit = _address_space_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = max(int(seconds) + 1, 2)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(write_fd: int, func, args, kwargs, memory_mb: int, seconds: int) -> None:
    status = 0
    try:
        # A native abort is expected here (the reader refused memory): no traceback dump.
        faulthandler.disable()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _apply_limits(memory_mb, seconds)
        try:
            outcome: tuple = ("ok", func(*args, **kwargs))
        except MemoryError:
            outcome = ("memory", "")
        except Exception as exc:  # handed to the caller, who re-raises it
            outcome = ("raised", exc)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", ""))
        except Exception as exc:  # an exception that does not pickle
            data = pickle.dumps(("crash", repr(exc)[:500]))
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)
    except BaseException:
        status = 70
    finally:
        os._exit(status)


def run_bounded(func: Callable[..., Any], *args, memory_mb: int, seconds: float, **kwargs) -> Any:
    """func(*args, **kwargs) in a limited child; its result, or its exception re-raised, or
    SandboxError when the child died, exceeded its memory or did not finish in time."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(write_fd, func, args, kwargs, memory_mb, int(seconds))
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _w, _x = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            _kill(pid)
        _pid, status = os.waitpid(pid, 0)
    if timed_out:
        raise SandboxError("time")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        # SIGKILL/SIGXCPU: the CPU limit; SIGABRT/SIGSEGV: an allocation refused in native code.
        reason = "time" if sig == signal.SIGXCPU else "memory"
        raise SandboxError(reason, f"signal {sig}")
    try:
        kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's output
    except Exception as exc:
        raise SandboxError("crash", f"exit {os.WEXITSTATUS(status)}") from exc
    if kind == "ok":
        return value
    if kind == "raised":
        raise value
    raise SandboxError(kind, str(value))


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
