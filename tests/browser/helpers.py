"""Helpers for the browser journeys (headless Debian Chromium driven by Playwright).

Use from a test module in tests/browser:

    from tests.browser.helpers import axe, login, screenshot, url

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_x(page, live_server, alice):
        login(page, live_server, "alice")
        page.goto(url(live_server, "households:list"))
        screenshot(page, "households-list")
        assert axe(page) == []
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(settings.BASE_DIR)
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_REPORTS = ROOT / "test-output" / "axe"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = frozenset({"serious", "critical"})


def chromium_path() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def url(live_server, name: str, *args, **kwargs) -> str:
    return live_server.url + reverse(name, args=args or None, kwargs=kwargs or None)


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form (in whatever language the page is shown)."""
    page.goto(url(live_server, "login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    if "/accounts/login/" in page.url:
        raise AssertionError(f"login as {username} failed: {page.locator('main').inner_text()}")


def switch_language(page, label: str) -> None:
    """Press the language button in the header ("English" or "Tiếng Việt")."""
    with page.expect_navigation():
        page.locator(".lang-form").get_by_role("button", name=label).click()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-output/screenshots/<name>.png for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe(page, name: str | None = None, *, impacts=SERIOUS) -> list[dict]:
    """Run axe-core on the current page; the violations of serious or critical impact.

    Every violation (all impacts) is also written to test-output/axe/<name>.json when a name is
    given, for the before/after note.
    """
    if not AXE_FILE.exists():
        pytest.skip("axe-core is not installed (npm ci): accessibility check skipped")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_FILE))
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]][:10],
        }
        for v in result["violations"]
    ]
    if name:
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        (AXE_REPORTS / f"{name}.json").write_text(
            json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return [v for v in violations if v["impact"] in impacts]
