"""What every user does first: open the login page, pick a language, log in, land on home."""

import pytest

from tests.browser.helpers import axe, login, screenshot, switch_language, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_in_vietnamese_then_english(page, live_server):
    page.goto(url(live_server, "login"))
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    assert page.get_by_label("Tên đăng nhập").is_visible()
    assert page.get_by_label("Mật khẩu").is_visible()
    screenshot(page, "login-vi")

    switch_language(page, "English")
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.get_by_label("Username").is_visible()
    assert page.get_by_label("Password").is_visible()
    screenshot(page, "login-en")


def test_wrong_password_is_explained_next_to_the_form(page, live_server, alice):
    page.goto(url(live_server, "login"))
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill("not-her-password")
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").is_visible()


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("alice", "Xã An Đức"),
        ("bob", "Huyện Ba Tri"),
        ("charlie", "Huyện Thạnh Phú"),
        ("pat", "cán bộ Sở Lao động - Thương binh và Xã hội"),
        ("agnes", "Sở Y tế"),
    ],
)
def test_each_role_lands_on_its_home(page, live_server, request, username, expected):
    request.getfixturevalue(username)
    login(page, live_server, username)
    main = page.locator("main")
    assert "Xin chào" in main.inner_text()
    assert expected in main.inner_text()
    screenshot(page, f"home-{username}")


def test_home_in_english(page, live_server, alice):
    login(page, live_server, "alice")
    switch_language(page, "English")
    assert "Hello" in page.locator("main").inner_text()
    screenshot(page, "home-alice-en")


def test_logout_returns_to_the_login_page(page, live_server, alice):
    login(page, live_server, "alice")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()


def test_login_form_is_usable_with_the_keyboard_alone(page, live_server, alice):
    page.goto(url(live_server, "login"))
    page.get_by_label("Tên đăng nhập").focus()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery-staple")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Xin chào" in page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_login_page_has_no_serious_accessibility_violation(page, live_server, language):
    page.goto(url(live_server, "login"))
    if language == "en":
        switch_language(page, "English")
    assert axe(page, f"login-{language}") == []


@pytest.mark.parametrize("username", ["alice", "pat", "agnes"])
def test_home_has_no_serious_accessibility_violation(page, live_server, request, username):
    request.getfixturevalue(username)
    login(page, live_server, username)
    assert axe(page, f"home-{username}") == []


def test_axe_helper_reports_a_serious_violation(page):
    """Guards against a vacuous pass: an unlabelled input is a critical violation."""
    page.set_content("<html lang='vi'><body><main><input type='text'></main></body></html>")
    assert "label" in {v["id"] for v in axe(page)}
