"""Issue 17 findings 7 and 9 in a real browser, at 1366 px and 390 px, in Vietnamese and
English: the provincial user clicks a count of the dashboard and gets exactly those households;
the district officer's home says how many reviews wait and the link opens that queue."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import login, screenshot, switch_language, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1366, 900), (390, 844)]
LANGUAGES = [("vi", None), ("en", "English")]


@pytest.fixture
def province_built(reference_data):
    from reports.services import snapshot_rebuild
    from tests.reports.conftest import build_province_data

    data = build_province_data()
    snapshot_rebuild(year=2022)
    snapshot_rebuild(year=2023)
    return data


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("size", SIZES, ids=["1366", "390"])
@pytest.mark.parametrize("language", LANGUAGES, ids=["vi", "en"])
def test_province_clicks_a_count_and_gets_those_households(
    page, live_server, pat, province_built, size, language
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, live_server, "pat")
    if language[1]:
        switch_language(page, language[1])
    page.goto(url(live_server, "reports:dashboard"))
    stat = page.locator(".stat .value a.count-link").first
    shown = _number(stat.inner_text())
    assert shown == 4  # the province's poor households in 2023
    screenshot(page, f"w17b-dashboard-{language[0]}-{size[0]}")
    with page.expect_navigation():
        stat.click()
    counted = page.locator("#household-count").inner_text()
    assert _number(counted.split("·")[0]) == shown
    assert page.locator("table tbody tr").count() == shown
    screenshot(page, f"w17b-count-households-{language[0]}-{size[0]}")


@pytest.mark.parametrize("size", SIZES, ids=["1366", "390"])
@pytest.mark.parametrize("language", LANGUAGES, ids=["vi", "en"])
def test_district_home_says_what_waits_and_opens_it(
    page, live_server, bob, province_built, size, language
):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, live_server, "bob")
    if language[1]:
        switch_language(page, language[1])
    todo = page.locator('[data-todo="queue"] > a')
    assert _number(todo.inner_text()) == 1  # H6 of An Đức
    screenshot(page, f"w17b-home-district-{language[0]}-{size[0]}")
    with page.expect_navigation():
        todo.click()
    assert "/duyet/" in page.url
    assert page.locator("table tbody tr").count() == 1
