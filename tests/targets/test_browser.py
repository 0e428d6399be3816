"""The agency journey in headless Chromium: agency-syte updates its task with evidence, and the
provincial matrix shows it. Skipped when Chromium or Playwright is not available."""

from __future__ import annotations

import shutil

import pytest
from django.db import connections

from households.demo import demo_users_create
from targets.models import TaskUpdate

from .conftest import PDF_BYTES, make_task

pytestmark = pytest.mark.browser
PASSWORD = "demo-BenTre-browser-2025"


@pytest.fixture
def browser_page(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium không có trên máy")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server answers each request in a new thread: with persistent connections
    # (CONN_MAX_AGE on PostgreSQL) those threads would leave sessions open on the test database.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(locale="vi-VN")
        yield page
        browser.close()
        # ORM calls made while Playwright runs use a connection of their own (asgiref context):
        # close it, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def test_agency_updates_with_evidence_and_province_sees_it(
    live_server, browser_page, plan, tmp_path
):
    demo_users_create(password=PASSWORD)
    task = make_task(plan, "SYT", title="Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo")
    evidence = tmp_path / "danh-sach-the-bhyt.pdf"
    evidence.write_bytes(PDF_BYTES)
    page, base = browser_page, live_server.url

    _login(page, base, "agency-syte")
    page.click("text=Nhiệm vụ của cơ quan")
    page.click(f"text={task.title}")
    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=percent]", "70")
    page.fill("textarea[name=note]", "Đã cấp thẻ cho 70% số người")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("text=Gửi cập nhật")
    page.wait_for_selector("text=Đã cập nhật tiến độ nhiệm vụ.")
    assert page.is_visible("text=danh-sach-the-bhyt.pdf")
    assert TaskUpdate.objects.get(task=task).evidence.count() == 1
    page.click("text=Đăng xuất")

    _login(page, base, "province")
    page.click("text=Tiến độ nhiệm vụ")
    row = page.locator("tr", has_text="Sở Y tế").first
    cells = row.locator("td").all_inner_texts()
    # not started, in progress, done, blocked, overdue, total
    assert cells == ["0", "1", "0", "0", "1", "1"]
    page.screenshot(path=str(tmp_path / "matrix.png"), full_page=True)
