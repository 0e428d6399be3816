"""Issue 5's journey: health-insurance cards for a filtered list in one action, gaps close."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from households.models import Area, Household, Member
from programs.models import Programme, SupportRecord
from tests.browser.helpers import axe, login, screenshot, switch_language, url
from tests.programs.conftest import make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _household(code: str, commune: str, *, card: bool) -> Household:
    household = Household.objects.create(
        code=code, commune=Area.objects.get(code=commune), head_name=f"Chủ hộ {code}"
    )
    Member.objects.create(
        household=household, full_name=f"Người {code}", sex="M",
        date_of_birth=date(1985, 3, 1), relationship="head", has_health_insurance=card,
        health_insurance_expiry=date(2030, 12, 31) if card else None,
    )  # fmt: skip
    make_review(household, 2023, "poor", d04=not card, deprivation_count=3)
    return household


@pytest.mark.parametrize("language", ["vi", "en"])
def test_bulk_health_cards_for_a_filtered_list_close_the_gap(page, live_server, alice, language):
    lacking = _household("BK-1", "29173", card=False)
    _household("BK-2", "29173", card=True)
    outside = _household("BK-3", "29182", card=False)  # Thạnh Phú: not alice's
    login(page, live_server, "alice")
    if language == "en":
        switch_language(page, "English")
    # The officer filters her household list: poor households, lacking health insurance (CS04).
    page.goto(url(live_server, "households:list") + "?year=2023&classification=poor&indicator=4")
    expect(page.locator("main")).to_contain_text("BK-1")
    expect(page.locator("main")).not_to_contain_text("BK-2")
    page.get_by_role(
        "link", name=re.compile("Ghi nhận hỗ trợ cho danh sách này|Record support for this list")
    ).click()
    page.get_by_label(re.compile("Có người từ 6 tuổi|aged 6")).check()
    page.locator("form.filters").get_by_role("button").click()
    expect(page.locator("main table")).to_contain_text("BK-1")
    expect(page.locator("main table")).not_to_contain_text("BK-3")
    programme = Programme.objects.get(code="BHYT")
    page.get_by_label(re.compile("^(Chương trình|Programme)")).select_option(str(programme.pk))
    # Gaps are what is missing today: the cards run from today to the end of the year.
    today = timezone.localdate()
    page.get_by_label(re.compile("Ngày hỗ trợ|Support date|Date")).fill(today.isoformat())
    page.get_by_label(re.compile("Hiệu lực đến|Valid until")).fill(f"{today.year}-12-31")
    screenshot(page, f"bulk-support-{language}")
    assert axe(page, f"bulk-support-{language}") == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form.card").get_by_role("button").click()
    page.wait_for_load_state()
    assert list(SupportRecord.objects.values_list("household__code", flat=True)) == ["BK-1"]
    assert not outside.support_records.exists()
    # On the household page, CS04 is no longer listed among the gaps.
    page.goto(live_server.url + reverse("households:detail", args=[lacking.pk]))
    panel = page.locator("section", has_text=re.compile("Thiếu hụt chưa được hỗ trợ|not yet"))
    expect(panel.first).not_to_contain_text("CS04")
    expect(panel.first).to_contain_text(
        re.compile("Mọi thiếu hụt đều đã có hỗ trợ|Every deprivation|All deprivations")
    )
    screenshot(page, f"bulk-support-household-{language}")
