"""The security baseline: login throttling, sessions, passwords, production settings, CSP,
personal data kept out of logs, and templates without inline script."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from config.logging import MaskPersonalDataFilter, mask_personal
from tests.conftest import PASSWORD

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_ALLOWED_HOSTS": "giamngheo.example.vn",
    "DJANGO_SECRET_KEY": "Zq8!vN2#rT6$wY1%uI5^oP9&aS3*dF7(gH4)jK0_lX-cB=nM+eR~tQ",
    "PATH": "/usr/bin:/bin",
}


# --- login throttling (django-axes) ------------------------------------------------------------


def _login(client: Client, username: str, password: str, ip: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_a_username_is_locked_at_the_address_of_five_failures_only(alice, bob):
    client = Client()
    statuses = [
        _login(client, "alice", "wrong", "10.0.0.1").status_code
        for _i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = _login(client, "alice", PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page
    assert "Các máy khác và những người dùng khác không bị ảnh hưởng" in page
    assert "_auth_user_id" not in client.session
    # Nobody else is locked out: alice from another address, bob behind the same address.
    assert _login(Client(), "alice", PASSWORD, "10.0.0.2").status_code == 302
    assert _login(Client(), "bob", PASSWORD, "10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_failures_under_many_usernames_do_not_lock_a_shared_address(alice):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{i}", "wrong", "10.1.1.1")
    assert _login(Client(), "alice", PASSWORD, "10.1.1.1").status_code == 302


@pytest.mark.django_db
def test_an_administrator_unlocks_a_locked_login(alice):
    from django.contrib.auth import get_user_model

    for _i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "alice", "wrong", "10.3.3.3")
    assert _login(Client(), "alice", PASSWORD, "10.3.3.3").status_code == 429
    root = get_user_model().objects.create_superuser("root", "r@example.invalid", "x" * 12)
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_login", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert "Đã mở khóa đăng nhập cho 1 người dùng" in response.content.decode()
    assert _login(Client(), "alice", PASSWORD, "10.3.3.3").status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock_and_a_success_resets_the_count(alice):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "alice", "wrong", "10.2.2.2")
    assert _login(client, "alice", PASSWORD, "10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_an_administrator_can_lift_a_lockout(alice):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "alice", "wrong", "10.3.3.9")
    assert _login(Client(), "alice", PASSWORD, "10.3.3.9").status_code == 429
    call_command("axes_reset_username", "alice", verbosity=0)
    assert _login(Client(), "alice", PASSWORD, "10.3.3.9").status_code == 302


# --- sessions and passwords ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_login_lasts_a_working_day_in_an_http_only_cookie_that_ends_with_the_browser(
    client, alice
):
    before = timezone.now()
    response = _login(client, "alice", PASSWORD, "10.4.4.4")
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert (cookie["max-age"], cookie["expires"]) == ("", "")  # ends when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - before
    assert timedelta(hours=8) <= lifetime < timedelta(hours=8, seconds=30)


@pytest.mark.django_db
def test_an_expired_session_goes_back_to_the_login_page(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("password", ["12345678", "password123", "0912345678", "Alice"])
@pytest.mark.django_db
def test_weak_passwords_are_refused(password, alice):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted(alice):
    validate_password("mua-nuoc-ngot-o-cho-Ba-Tri", user=alice)


# --- production settings ---------------------------------------------------------------------


def _production(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env=PRODUCTION_ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=PRODUCTION_ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture(scope="module")
def production_settings() -> dict:
    names = [
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "MIDDLEWARE",
        "SECURE_REFERRER_POLICY",
    ]  # fmt: skip
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = _production(code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_answers_over_https_only_with_the_security_headers(production_settings):
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='giamngheo.example.vn'); "
        "plain = c.get('/healthz'); "
        "secure = c.get('/healthz', HTTP_X_FORWARDED_PROTO='https'); "
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')], "
        "'secure': [secure.status_code, dict(secure.headers)]}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite://:memory:"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["plain"] == [301, "https://giamngheo.example.vn/healthz"]
    status, headers = answers["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == production_settings["CONTENT_SECURITY_POLICY"]


def _csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_production_csp_forbids_inline_script_and_foreign_sources(production_settings):
    csp = _csp_directives(production_settings["CONTENT_SECURITY_POLICY"])
    script = csp.get("script-src", csp["default-src"])
    assert script == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-eval'" not in values for values in csp.values())


@pytest.mark.django_db
def test_the_csp_header_is_on_every_response(alice):
    policy = "default-src 'self'; script-src 'self'"
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        client = Client()  # a new handler: the middleware reads the setting when built
        assert client.get(reverse("login"))["Content-Security-Policy"] == policy
        client.force_login(alice)
        assert client.get(reverse("home"))["Content-Security-Policy"] == policy


# --- personal data never reaches a log -------------------------------------------------------

CCCD, PHONE = "083190000111", "0912000111"


def test_mask_personal_hides_citizen_ids_and_phone_numbers():
    text = f"hộ 12, CCCD {CCCD}, điện thoại {PHONE} hoặc +84912000111, mã 2023"
    masked = mask_personal(text)
    assert CCCD not in masked
    assert PHONE not in masked
    assert "912000111" not in masked
    assert masked == "hộ 12, CCCD [CCCD], điện thoại [SĐT] hoặc [SĐT], mã 2023"


def _logger_through_filter() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.security.masking")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_log_lines_are_masked_in_the_message_the_arguments_and_the_traceback():
    logger, stream = _logger_through_filter()
    logger.info("Nhập hộ CCCD %s, SĐT %s", CCCD, PHONE)
    logger.warning(f"Trùng CCCD {CCCD}")
    try:
        raise ValueError(f"CCCD không hợp lệ: {CCCD} / {PHONE}")
    except ValueError:
        logger.exception("Lỗi nhập")
    output = stream.getvalue()
    assert CCCD not in output
    assert PHONE not in output
    assert "INFO Nhập hộ CCCD [CCCD], SĐT [SĐT]" in output
    assert "ValueError: CCCD không hợp lệ: [CCCD] / [SĐT]" in output


def test_every_configured_handler_masks_personal_data():
    logging_config = settings.LOGGING
    masking = {
        name
        for name, spec in logging_config["filters"].items()
        if spec.get("()") == "config.logging.MaskPersonalDataFilter"
    }
    assert masking
    for name, handler in logging_config["handlers"].items():
        assert masking & set(handler.get("filters", [])), f"log handler {name} does not mask"


# --- templates: no inline script, no event-handler attributes --------------------------------

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _template_files() -> list[Path]:
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for d in dirs if ".venv" not in d.parts for p in d.rglob("*.html"))


def test_templates_have_no_inline_script_nor_event_handlers():
    files = _template_files()
    assert ROOT / "templates" / "base.html" in files
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        problems += [f"{rel}: {tag}" for tag in SCRIPT_TAG.findall(text) if "src=" not in tag]
        problems += [f"{rel}: {m.group(0)[:60]}…" for m in EVENT_ATTRIBUTE.finditer(text)]
        if re.search(r"""href\s*=\s*["']\s*javascript:""", text, re.IGNORECASE):
            problems.append(f"{rel}: javascript: URL")
    assert not problems, "inline script is forbidden by the CSP:\n" + "\n".join(problems)
