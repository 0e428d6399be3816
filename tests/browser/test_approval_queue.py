"""Issue 17, finding 6: the district officer works the approval queue in a browser, at 1366 px
and on a 390 px phone, in Vietnamese and English: filters it, opens a review in place (income,
the 12 indicators, members), approves three at once after a confirmation. Nothing is off screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from households import services
from households.models import HouseholdReview
from households.rules import HouseholdFacts
from tests.browser.helpers import login, screenshot, switch_language, url
from tests.households.conftest import household_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADS = ["Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba", "Huỳnh Thị Tư"]
TEXT = {
    "approve_selected": re.compile(r"Duyệt các phiếu đã chọn|Approve the selected reviews"),
    "confirm": re.compile(r"Xác nhận duyệt 3 phiếu|Approve 3 reviews"),
    "done": re.compile(r"Đã duyệt 3 phiếu\.|3 reviews approved\."),
    "filter": re.compile(r"^(Lọc|Filter)$"),
    "open": re.compile(r"Xem phiếu|Open the review"),
    "poverty_line": re.compile(r"Chuẩn nghèo|Poverty line"),
}


def _submitted(user, code, commune, head, income):
    household = household_make(code=code, commune_code=commune, head=head)
    review = services.review_save(
        household=household,
        year=2023,
        user=user,
        data=services.ReviewInput(
            income_per_capita=income,
            facts=HouseholdFacts(),
            ticks=dict.fromkeys(range(7, 13), False),
        ),
    )
    return services.review_submit(review=review, user=user)


@pytest.fixture
def queue(alice, bob):
    from households.organisation import roles
    from tests.conftest import make_user

    tam = make_user("tam", roles.AREA_OFFICER, areas=["29113"])
    reviews = [
        _submitted(alice, f"AD-000{i}", "29173", head, 1_000_000 + 100_000 * i)
        for i, head in enumerate(HEADS, start=1)
    ]
    reviews.append(_submitted(tam, "TM-0001", "29113", "Võ Văn Năm", 900_000))
    return reviews


def _fits(page, width: int) -> None:
    """Nothing wider than the screen: no horizontal scroll, every visible button inside it."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    outside = page.evaluate(
        """(width) => [...document.querySelectorAll('main button, main a.button')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b.textContent.trim(), b.getBoundingClientRect()])
            .filter(([, r]) => r.left < 0 || r.right > width + 0.5)
            .map(([t]) => t)""",
        width,
    )
    assert outside == []


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_district_officer_filters_opens_in_place_and_approves_three(
    browser, live_server, queue, language, width
):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": width, "height": 900 if width > 400 else 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, "bob")
        if language == "en":
            switch_language(page, "English")
        page.goto(url(live_server, "households:review-queue"))
        rows = page.locator("main tr.queue-row")
        expect(rows).to_have_count(5)
        commune = page.locator("main form.queue-filters select[name=commune]")
        commune.select_option(label=commune.locator("option", has_text="An Đức").inner_text())
        with page.expect_navigation():
            page.locator("main form.queue-filters").get_by_role(
                "button", name=TEXT["filter"]
            ).click()
        expect(rows).to_have_count(4)
        expect(page.locator("main")).not_to_contain_text("TM-0001")
        _fits(page, width)
        screenshot(page, f"queue-filtered-{width}-{language}")

        # Open the first review in place: the page does not change, the panel appears below it.
        before = page.url
        first = rows.first
        first.get_by_role("link", name=TEXT["open"]).click()
        detail = page.locator("main tr.detail-row .queue-detail")
        expect(detail).to_be_visible()
        assert page.url == before
        expect(detail).to_contain_text(re.compile(r"1[.,]100[.,]000"))
        expect(detail).to_contain_text(TEXT["poverty_line"])
        expect(detail).to_contain_text(re.compile(r"1[.,]500[.,]000"))
        expect(detail.locator("[data-indicator]")).to_have_count(12)
        expect(detail).to_contain_text(HEADS[0])
        _fits(page, width)
        screenshot(page, f"queue-open-{width}-{language}")

        # Tick three and approve them together, after the confirmation page.
        for box in page.locator("main input[name=review]").all()[:3]:
            box.check()
        expect(page.locator("[data-selected-count]")).to_contain_text("3")
        with page.expect_navigation():
            page.get_by_role("button", name=TEXT["approve_selected"]).click()
        expect(page.locator("main tbody tr")).to_have_count(3)
        assert HouseholdReview.objects.filter(status="approved").count() == 0
        _fits(page, width)
        screenshot(page, f"queue-confirm-{width}-{language}")
        with page.expect_navigation():
            page.get_by_role("button", name=TEXT["confirm"]).click()
        expect(page.locator(".messages")).to_contain_text(TEXT["done"])
        expect(rows).to_have_count(1)  # the filter is kept: An Đức's fourth review is left
        screenshot(page, f"queue-done-{width}-{language}")
        approved = HouseholdReview.objects.filter(status="approved")
        assert sorted(approved.values_list("household__code", flat=True)) == [
            "AD-0001", "AD-0002", "AD-0003"
        ]  # fmt: skip
        assert {r.approved_by.username for r in approved} == {"bob"}
    finally:
        context.close()
