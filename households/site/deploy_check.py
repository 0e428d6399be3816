"""What a provincial IT officer must have right before serving: each check says, in plain words,
what is wrong and how to fix it (`make deploy-check`, `manage.py deploy_check`)."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MIN_FREE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    message: str


def _secret() -> Finding:
    key = settings.SECRET_KEY or ""
    if len(key) < 50 or len(set(key)) < 5 or key.startswith(("dev-", "test-", "django-insecure")):
        return Finding(
            "DJANGO_SECRET_KEY",
            False,
            "chưa đặt khóa bí mật thật: tạo bằng `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(64))'` và ghi vào tệp môi trường",
        )
    return Finding("DJANGO_SECRET_KEY", True, "đã đặt")


def _hosts() -> Finding:
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    if not hosts or "*" in hosts:
        return Finding(
            "DJANGO_ALLOWED_HOSTS",
            False,
            "phải liệt kê tên miền của máy chủ (ví dụ giamngheo.vinhlong.gov.vn), không dùng *",
        )
    if settings.DEBUG:
        return Finding("DJANGO_DEBUG", False, "DEBUG đang bật: tắt (DJANGO_DEBUG=false)")
    return Finding("DJANGO_ALLOWED_HOSTS", True, ", ".join(hosts))


def _database() -> Finding:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # any failure is reported, in words
        return Finding("DATABASE_URL", False, f"không kết nối được CSDL: {error}".strip())
    if connection.vendor != "postgresql":
        return Finding(
            "DATABASE_URL", False, f"đang dùng {connection.vendor}; môi trường thật cần PostgreSQL"
        )
    if pending:
        return Finding(
            "DATABASE_URL", False, f"còn {len(pending)} migration chưa chạy: chạy `make upgrade`"
        )
    return Finding("DATABASE_URL", True, f"PostgreSQL {connection.settings_dict.get('HOST')}")


def _broker() -> Finding:
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return Finding(
            "CELERY_BROKER_URL",
            False,
            "chưa đặt Redis: đặt CELERY_BROKER_URL=redis://127.0.0.1:6379/0",
        )
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 3
        ) as s:
            s.sendall(b"PING\r\n")
            answer = s.recv(64)
    except OSError as error:
        return Finding("CELERY_BROKER_URL", False, f"không kết nối được Redis {url}: {error}")
    if not answer.startswith((b"+PONG", b"-NOAUTH")):
        return Finding("CELERY_BROKER_URL", False, f"{url} không trả lời như Redis")
    return Finding("CELERY_BROKER_URL", True, url.split("@")[-1])


def _writable(name: str, folder: Path) -> Finding:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return Finding(
            name, False, f"không ghi được vào {folder}: {error.strerror}; tạo thư mục và cấp quyền"
        )
    if Path(settings.BASE_DIR).resolve() in [folder.resolve(), *folder.resolve().parents]:
        return Finding(
            name, False, f"{folder} nằm trong thư mục mã nguồn: đặt ở ngoài (/var/lib/...)"
        )
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        return Finding(name, False, f"{folder} chỉ còn {free // 1024**2} MB trống")
    return Finding(name, True, f"{folder} (còn {free // 1024**3} GB trống)")


def _email() -> Finding:
    backend = settings.EMAIL_BACKEND
    if backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        return Finding(
            "DJANGO_EMAIL_BACKEND",
            False,
            "thư điện tử chỉ in ra màn hình: đặt DJANGO_EMAIL_BACKEND=django.core.mail.backends."
            "smtp.EmailBackend và EMAIL_HOST",
        )
    if backend.endswith("smtp.EmailBackend"):
        try:
            with socket.create_connection((settings.EMAIL_HOST, settings.EMAIL_PORT), 3):
                pass
        except OSError as error:
            return Finding(
                "EMAIL_HOST",
                False,
                f"không kết nối được {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {error}",
            )
    return Finding("DJANGO_EMAIL_BACKEND", True, f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}")


CHECKS: list[Callable[[], Finding]] = [
    _secret,
    _hosts,
    _database,
    _broker,
    lambda: _writable("MEDIA_ROOT", Path(settings.MEDIA_ROOT)),
    lambda: _writable("BACKUP_ROOT", Path(settings.BACKUP_ROOT)),
    _email,
]


def deployment_findings() -> list[Finding]:
    return [check() for check in CHECKS]
