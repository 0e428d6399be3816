"""Issue 18 item 3 in the browser: provincial staff lock a commune's year, then reopen it with
a reason; the page shows the lock and the reopening (vi and en, wide and narrow)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from households.models import ReviewReopening, ReviewRound
from households.organisation.selectors import area_tree_for_year
from tests.browser.helpers import axe, login, screenshot, switch_language, url
from tests.programs.conftest import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_lock_then_reopen_a_year(page, live_server, pat, language):
    make_household("KL-1")
    login(page, live_server, "pat")
    if language == "en":
        switch_language(page, "English")
    communes = list(  # the 2023 tree's communes (the page lists the year's tree)
        area_tree_for_year(2023)
        .filter(level="commune")
        .order_by("path")
        .values_list("code", flat=True)
    )
    number = communes.index("29173") // 50 + 1  # 50 communes a page
    page.goto(url(live_server, "households:year-locks") + f"?year=2023&page={number}")
    row = page.locator("tr", has_text="Xã An Đức")
    row.get_by_role("button", name=re.compile("Khóa số liệu|Lock")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(re.compile("Đã khóa số liệu năm 2023|2023"))
    assert ReviewRound.objects.get(area__code="29173", year=2023).status == "locked"
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"year-lock-{language}-{width}")
    assert axe(page, f"year-lock-{language}") == []
    row = page.locator("tr", has_text="Xã An Đức")
    row.get_by_label(re.compile("Lý do mở lại|reason", re.I)).fill("Sót một hộ, rà soát bổ sung")
    row.get_by_role("button", name=re.compile("Mở lại|Reopen")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Sót một hộ, rà soát bổ sung")
    assert ReviewReopening.objects.get().reason == "Sót một hộ, rà soát bổ sung"
    screenshot(page, f"year-reopened-{language}")
