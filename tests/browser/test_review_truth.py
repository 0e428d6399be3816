"""Issue 13 in the browser: a draft keeps undecided indicators undecided, an override needs a
reason, and the household page shows who overrode what, when and why (vi and en, 1366 and
390 px)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from households.models import Area, Household, Member
from tests.browser.helpers import axe, login, screenshot, switch_language, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNKNOWN = re.compile(r"chưa đủ thông tin|not enough information")
REASON = "Thẻ BHYT cấp ngày 15/08, chưa cập nhật"


@pytest.fixture
def household(alice):
    household = Household.objects.create(
        code="T13-0001", commune=Area.objects.get(code="29173"), head_name="Phạm Văn Mười"
    )
    Member.objects.create(
        household=household,
        full_name="Phạm Văn Mười",
        sex="M",
        date_of_birth=date(1980, 2, 2),
        relationship="head",
        has_health_insurance=False,
        work_status="self_employed",
    )
    return household


@pytest.mark.parametrize("language", ["vi", "en"])
def test_draft_override_and_household_page(page, live_server, household, language):
    login(page, live_server, "alice")
    if language == "en":
        switch_language(page, "English")
    page.goto(url(live_server, "households:review-edit", household.pk, 2023))
    page.locator("#id_income_per_capita").fill("1.200.000")
    result = page.locator("#review-result")
    expect(result).to_contain_text(UNKNOWN)  # the dwelling is not recorded yet
    with page.expect_navigation():
        page.locator("#review-form button[name=save]").click()
    review = household.reviews.get()
    assert review.sources["7"] == "unknown"
    assert review.overrides == {}

    # Record the dwelling; override CS04 with a reason.
    page.goto(url(live_server, "households:review-edit", household.pk, 2023))
    assert page.locator("#id_t07").input_value() == ""  # no choice was stored by the draft
    page.locator("#id_nondurable_parts").select_option("2")
    page.locator("#id_floor_area_m2").fill("40")
    page.locator("#id_water_source").select_option("tap")
    page.locator("#id_latrine").select_option("unhygienic")
    page.locator("#id_uses_internet").select_option("1")
    page.locator("#id_has_information_device").select_option("1")
    page.locator("#id_t04").select_option("0")
    expect(result).to_contain_text(re.compile("lý do|reason"))
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"i13-review-{language}-{width}")
    assert axe(page, f"i13-review-{language}") == []
    page.locator("#id_r04").fill(REASON)
    with page.expect_navigation():
        page.locator("#review-form button[name=submit]").click()
    review.refresh_from_db()
    assert (review.status, review.sources["4"]) == ("submitted", "overridden")
    assert review.overrides["4"]["reason"] == REASON
    page.locator("main details summary").first.click()
    main = page.locator("main")
    expect(main).to_contain_text(REASON)
    expect(main).not_to_contain_text("đã xác nhận")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"i13-detail-{language}-{width}")
    assert axe(page, f"i13-detail-{language}") == []
