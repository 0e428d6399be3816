"""Backups of the whole installation: the database and the media directory, and their restore.

A backup is a folder `giamngheo-YYYYmmdd-HHMMSS/` holding
- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite's
  online backup API: a consistent copy while the server runs);
- `media.tar.gz`: every uploaded evidence file, imported workbook and export;
- `manifest.json`: when, which database engine, the row count of every table and a SHA-256 of
  each file, so a restore can prove it brought everything back.
The folder is complete only once its manifest is written (written last, then renamed into
place), so a backup cut short by a power loss is never mistaken for a good one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
PREFIX = "giamngheo-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    seconds: float


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (the figures a restore must match)."""
    counts: dict[str, int] = {}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN_DIR when set, else Debian's newest, else the PATH."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"Không tìm thấy {name} (cài gói postgresql-client).")
    return found


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _pg_run(tool: str, *options: str, last: str = "") -> None:
    """Run pg_dump or pg_restore against the default database; its error as a BackupError."""
    env, args = _pg_env_args()
    result = subprocess.run(  # noqa: S603
        [_pg_tool(tool), *options, *args, *([last] if last else [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise BackupError(f"{tool} thất bại: {result.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> str:
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        _pg_run("pg_dump", "--format=custom", "--no-owner", "--file", str(target))
        return target.name
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target.name
    raise BackupError(f"Chưa hỗ trợ sao lưu CSDL {connection.vendor}.")


def _archive_media(folder: Path) -> str:
    target = folder / "media.tar.gz"
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w:gz") as tar:
        if media.is_dir():
            for item in sorted(media.rglob("*")):
                if item.is_file():
                    tar.add(item, arcname=str(item.relative_to(media)))
    return target.name


def backup_create(*, root: Path | None = None, now: datetime | None = None) -> BackupResult:
    """Write one complete backup under `root` (settings.BACKUP_ROOT); returns where and what."""
    started = timezone.now()
    root = Path(root or settings.BACKUP_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime(now or started).strftime("%Y%m%d-%H%M%S")
    final = root / f"{PREFIX}{stamp}"
    partial = root / f".partial-{PREFIX}{stamp}"
    if final.exists():
        raise BackupError(f"Bản sao lưu {final.name} đã có.")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        counts = table_counts()
        files = [_dump_database(partial), _archive_media(partial)]
        manifest = {
            "created_at": started.isoformat(),
            "engine": connection.vendor,
            "counts": counts,
            "files": {name: _sha256(partial / name) for name in files},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(final, counts, (timezone.now() - started).total_seconds())


def backup_list(root: Path | None = None) -> list[Path]:
    """Complete backups (with a manifest), newest first."""
    root = Path(root or settings.BACKUP_ROOT)
    if not root.is_dir():
        return []
    found = [p for p in root.glob(f"{PREFIX}*") if (p / MANIFEST).is_file()]
    return sorted(found, reverse=True)


def backups_prune(
    *, root: Path | None = None, keep_days: int | None = None, now: datetime | None = None
) -> list[Path]:
    """Remove backups older than keep_days, always keeping the newest one."""
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    removed = []
    for path in backup_list(root)[1:]:
        created = datetime.fromisoformat(json.loads((path / MANIFEST).read_text())["created_at"])
        if created < cutoff:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def _verified_manifest(path: Path) -> dict:
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise BackupError(f"{path} không phải bản sao lưu hoàn chỉnh (thiếu {MANIFEST}).")
    manifest = json.loads(manifest_file.read_text())
    for name, digest in manifest["files"].items():
        if not (path / name).is_file() or _sha256(path / name) != digest:
            raise BackupError(f"Tệp {name} của bản sao lưu bị hỏng hoặc thiếu (sai mã SHA-256).")
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"Bản sao lưu của CSDL {manifest['engine']}, không khôi phục vào {connection.vendor}."
        )
    return manifest


def _restore_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        connections.close_all()
        _pg_run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            last=str(path / "database.dump"),
        )
        return
    source = sqlite3.connect(path / "database.sqlite3")
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_media(path: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    staging = media.with_name(media.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(path / "media.tar.gz", "r:gz") as tar:
        # "data" refuses absolute paths, links out of the folder and device files.
        tar.extractall(staging, filter="data")
    if media.exists():
        shutil.rmtree(media)
    staging.rename(media)


def backup_restore(*, path: Path) -> dict[str, int]:
    """Replace the database and the media directory with a backup's; returns the counts.

    Checks every file's checksum first, and the table counts afterwards: a restore that does not
    bring back exactly what was saved raises BackupError.
    """
    manifest = _verified_manifest(path)
    _restore_database(path)
    _restore_media(path)
    counts = table_counts()
    missing = {
        table: (expected, counts.get(table))
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    }
    if missing:
        raise BackupError(f"Số bản ghi sau khôi phục không khớp: {missing}")
    return counts
