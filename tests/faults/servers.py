"""Throw-away PostgreSQL and Redis servers the fault tests stop and start (never the shared
ones). Ports: FAULT_PG_PORT (55490), FAULT_REDIS_PORT (56390). The recipe is
scripts/services.sh's; a server that cannot be started makes its tests skip with the reason."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait(port: int, up: bool, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _free(port) != up:
            return True
        time.sleep(0.1)
    return False


class Unavailable(Exception):
    pass


def port_for(base: int) -> int:
    """A free port from `base` on, one range per xdist worker (gw0, gw1...), so that parallel
    test processes each start their own servers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start = base + 10 * int(worker[2:] or 0) if worker.startswith("gw") else base
    for port in range(start, start + 10):
        if _free(port):
            return port
    raise Unavailable(f"no free port in {start}-{start + 9}")


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise Unavailable("redis-server is not installed")
        if not _free(port):
            raise Unavailable(f"port {port} is taken")
        self.dir = tempfile.mkdtemp(prefix="fault-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not _wait(self.port, up=True):
            raise Unavailable("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
        _wait(self.port, up=False)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _pg_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return str(Path(initdb).parent)
    raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")


class PostgresServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = _pg_bin()
        if not _free(port):
            raise Unavailable(f"port {port} is taken")
        self.dir = tempfile.mkdtemp(prefix="fault-pg-")
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [f"{self.bin}/{tool}", *args]
        if self.root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise Unavailable(f"{tool} failed: {result.stderr.strip()[:300]}")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-w", "-l", f"{self.dir}/pg.log",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(Unavailable):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
