"""Issue 14 in the browser: the provincial user opens the 2026 dashboard of the merged Vĩnh Long,
drills into Xã Ba Tri, reads its trend back to 2022 as the sum of its former units, and opens
the 2023 official table with the old districts (vi and en, wide and narrow).

The data is the small province of tests/reports/conftest.py (An Đức and Tân Mỹ in Ba Tri, Phú
Khánh in Thạnh Phú, reviewed in 2022 and 2023), carried into the 2025 tree and reviewed again in
2026.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from households.models import Area, AreaPopulation
from households.organisation import roles
from households.organisation.services import households_carry
from reports.services import snapshot_rebuild
from tests.browser.helpers import axe, login, screenshot, switch_language, url
from tests.conftest import make_user
from tests.reports.conftest import build_province_data, make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BA_TRI = "29110-2025"  # Xã Ba Tri of the 2025 tree: An Đức, Tân Mỹ, the town and others
FORMER = {"vi": "tổng các đơn vị cũ", "en": "sum of former units"}
BEFORE_2025 = {"vi": "chưa có số liệu trước 2025", "en": "no data before 2025"}


@pytest.fixture
def merged_province(reference_data):
    households = build_province_data()
    households_carry(on=dt.date(2026, 12, 1))
    ba_tri = Area.objects.get(code=BA_TRI)
    AreaPopulation.objects.create(area=ba_tri, year=2026, households=300, persons=1200)
    for code, klass in {"H1": "poor", "H2": "above", "H4": "near_poor"}.items():
        make_review(households[code], 2026, klass, members=3)
    for year in (2022, 2023, 2026):
        snapshot_rebuild(year=year)
    return households


@pytest.mark.parametrize("language", ["vi", "en"])
def test_2026_dashboard_drills_into_xa_ba_tri_and_the_2023_table_keeps_its_districts(
    page, live_server, merged_province, language
):
    make_user("vinhlong", roles.PROVINCIAL_STAFF, agency_code="SNNMT")
    login(page, live_server, "vinhlong")
    if language == "en":
        switch_language(page, "English")

    # The 2026 dashboard: the merged province, its communes directly under it.
    page.goto(url(live_server, "reports:dashboard") + "?year=2026")
    main = page.locator("main")
    expect(main.locator("h1")).to_contain_text("Tỉnh Vĩnh Long")
    areas = page.locator("section[aria-labelledby=areas-head]")
    expect(areas).to_contain_text("Xã Ba Tri")
    expect(areas).not_to_contain_text("Huyện")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"province-now-2026-{language}-{width}")
    assert axe(page, f"province-now-2026-{language}") == []

    # Drill into Xã Ba Tri: its trend sums its former units back to 2022.
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_navigation():
        areas.get_by_role("link", name="Xã Ba Tri", exact=True).first.click()
    expect(main.locator("h1")).to_contain_text("Xã Ba Tri")
    expect(main.locator(".breadcrumbs")).to_contain_text("Tỉnh Vĩnh Long")
    expect(main.locator(".breadcrumbs")).not_to_contain_text("Huyện")
    trend = page.locator("#t-trend").locator("xpath=ancestor::section[1]")
    rows = {
        r.locator("th").inner_text().strip(): r.locator("td").all_inner_texts()
        for r in trend.locator("tbody tr").all()
    }
    assert list(rows) == ["2022", "2023", "2026"]
    # poor households, poor rate, near-poor, near-poor rate, note; 2022: H1, H2, H3 poor in An Đức
    assert rows["2022"][0] == "3"
    assert rows["2022"][-1] == FORMER[language]
    assert rows["2023"][0] == "2"  # H1, H4 approved (H6 only submitted)
    assert rows["2023"][-1] == FORMER[language]
    assert rows["2026"][0] == "1"
    assert rows["2026"][-1] == "–"  # its own figures: no note
    caption = page.locator(".trend-caption")
    expect(caption).to_contain_text(re.compile(r"2022, 2023: " + FORMER[language]))
    expect(caption).to_contain_text("Xã An Đức")
    # Who counts in 2026: the commune recognises, no district
    expect(main.locator(".as-of")).not_to_contain_text(re.compile("huyện|district"))
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"province-now-ba-tri-{language}-{width}")
    assert axe(page, f"province-now-ba-tri-{language}") == []

    # A unit of the former Trà Vinh says so instead of showing zeros.
    page.goto(url(live_server, "reports:area-dashboard", "29242") + "?year=2026")
    expect(page.locator("#t-trend").locator("xpath=ancestor::section[1]")).to_contain_text(
        BEFORE_2025[language]
    )

    # The 2023 official table, in the tree of 2023: Tỉnh Bến Tre / Huyện Ba Tri / Xã An Đức.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url(live_server, "reports:official"))
    form = page.locator("main form")
    form.locator("select[name=year]").select_option("2023")
    form.locator("select[name=area]").select_option("83")
    with page.expect_navigation():
        form.get_by_role(
            "button", name=re.compile("Xem biểu trên trang|Show the table on the page")
        ).click()
    preview = page.locator("section.report-table")
    names = [n.strip() for n in preview.locator("tbody th").all_inner_texts()]
    assert names[0] == "Tỉnh Bến Tre"
    assert names.index("Xã An Đức") > names.index("Huyện Ba Tri") > 0
    assert "Xã Ba Tri" not in names
    assert len(names) == 1 + 9 + 157
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"province-now-official-2023-{language}-{width}")
    assert axe(page, f"province-now-official-2023-{language}") == []
