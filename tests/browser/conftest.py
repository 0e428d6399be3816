"""Browser fixtures: one headless Chromium per session, a fresh context and page per test.

Browser tests run against pytest-django's live server in a transactional database; the
reference data (areas, agencies, the standard, the role groups) is reloaded for each test because
a transactional test flushes the tables when it ends.
"""

from __future__ import annotations

import os

import pytest

from households.reference_data import all_reference_data_load as reference_data_load

from .helpers import CHROMIUM_ARGS, chromium_path

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to be
# called from it (the fixtures create users while the loop exists).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python) is not installed: browser tests skipped")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def reference_data(transactional_db):
    """Areas, agencies, the standard and the role groups, in the transactional database."""
    reference_data_load()


@pytest.fixture(autouse=True)
def _browser_reference_data(request):
    # Before any cast fixture (alice needs her group and her commune).
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("reference_data")


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
