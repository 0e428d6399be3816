"""Issue 15 journey (vi, en): provincial staff open the 2027 forecast for the province from the
dashboard, see the communes whose poor count would change most, and download the workbook."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from households import rules, services
from households.models import Area, Household, HouseholdReview, Member
from households.organisation.services import households_carry
from reports.services import snapshot_rebuild
from tests.browser.helpers import axe, login, screenshot, switch_language, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AN_DUC, PHU_KHANH = "29173", "29185"
# Their units since 1 July 2025 (Vĩnh Long): Xã Ba Tri and Xã Đại Điền.
BA_TRI = "29110-2025"


def _facts(**overrides) -> rules.HouseholdFacts:
    values = {
        "nondurable_parts": 3, "floor_area_m2": 60, "water_source": "unprotected",
        "latrine": "unhygienic", "uses_internet": True, "has_information_device": True,
        "waste_treatment": "collected", "uses_digital_services": True,
    }  # fmt: skip
    values.update(overrides)
    return rules.HouseholdFacts(**values)


@pytest.fixture
def reviews_2026(alice):
    # An Đức: three households at 1.6-2.2 M with 3 deprivations, "average" in 2026, poor in 2027.
    # Phú Khánh: one poor household that stays poor.
    cases = [(f"FA-{i}", AN_DUC, 1_600_000 + i * 200_000, _facts()) for i in range(3)]
    cases.append(("FP-1", PHU_KHANH, 900_000, _facts()))
    for code, commune, income, facts in cases:
        household = Household.objects.create(
            code=code, commune=Area.objects.get(code=commune), head_name=f"Đặng Văn {code}"
        )
        Member.objects.create(
            household=household, full_name=household.head_name, sex="M",
            date_of_birth=date(1980, 1, 1), relationship="head", has_health_insurance=True,
            work_status="self_employed", education="upper_secondary",
        )  # fmt: skip
        review = services.review_save(
            household=household, year=2026, data=services.ReviewInput(income, facts, {}),
            user=alice,
        )  # fmt: skip
        HouseholdReview.objects.filter(pk=review.pk).update(status="approved")
    # The households belong to the units of the reorganised province (as on the server).
    households_carry(reason="Sáp nhập 1/7/2025")  # on today's tree
    snapshot_rebuild(year=2026, trigger="manual")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_provincial_staff_forecast_2027(page, live_server, pat, reviews_2026, language):
    login(page, live_server, "pat")
    if language == "en":
        switch_language(page, "English")
    page.goto(url(live_server, "reports:dashboard") + "?year=2026")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Dự báo theo chuẩn mới|Forecast under the new standard")).click()  # fmt: skip
    main = page.locator("main")
    assert (
        main.locator("select[name=standard] option:checked")
        .inner_text()
        .startswith(("Chuẩn nghèo đa chiều quốc gia giai đoạn 2027-2030",))
    )
    screenshot(page, f"j15-forecast-form-{language}")
    assert axe(page, f"j15-forecast-form-{language}") == []
    with page.expect_navigation():
        main.get_by_role("button", name=re.compile("Chạy dự báo|Run the forecast")).click()
    page.wait_for_selector("#forecast-communes")
    first = page.locator("#forecast-communes tbody tr").first
    assert first.get_attribute("data-code") == BA_TRI
    assert re.search("Vĩnh Long", main.locator("h1").inner_text())
    assert first.locator(".poor-change").inner_text() == "+3"
    text = main.inner_text()
    assert re.search(r"1 → 4", text)
    assert re.search("tạm tính|provisional", text)
    screenshot(page, f"j15-forecast-result-{language}")
    assert axe(page, f"j15-forecast-result-{language}") == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"j15-forecast-result-390-{language}")
    page.set_viewport_size({"width": 1366, "height": 900})
    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("Tải bảng tính dự báo|Download the forecast")).click()  # fmt: skip
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book["TONG_HOP"].iter_rows(values_only=True))
    an_duc = next(r for r in rows if r[0] == BA_TRI)
    assert an_duc[2] == 3  # households
    assert an_duc[-2] == 3  # change of the poor count
