"""Issue 17, finding 3 and item 10: screens that fit and say one thing.

The targets matrix fits 1366 px; on a 390 px phone the menu is behind a button and the
classification stays in view while the indicators are entered; one menu entry is lit; a
provincial reader gets the review read-only; the household page does not contradict itself and
its indicator cards carry no stray bullets.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from households import services
from households.models import Household, HouseholdReview
from households.rules import HouseholdFacts
from tests.browser.helpers import login, screenshot, switch_language, url
from tests.security.world import SAMPLES, YEAR, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def world(alice, bob, charlie, pat, agnes, olga):
    return World({"alice": alice, "bob": bob})


@pytest.fixture
def snapshot_2023(world):
    from reports.services import snapshot_rebuild

    return snapshot_rebuild(year=YEAR)


def _page(browser, viewport, live_server, username, language="vi"):
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, username)
    if language == "en":
        switch_language(page, "English")
    return page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_targets_matrix_fits_1366_with_every_verdict_on_screen(
    browser, live_server, snapshot_2023, language
):
    page = _page(browser, DESKTOP, live_server, "pat", language)
    page.goto(url(live_server, "reports:dashboard") + f"?year={YEAR}")
    table = page.locator("main table.targets-table")
    expect(table).to_be_visible()
    scroll, client = table.evaluate(
        "t => [t.closest('.table-wrap').scrollWidth, t.closest('.table-wrap').clientWidth]"
    )
    assert scroll <= client, f"the matrix scrolls sideways ({scroll} > {client} px)"
    verdicts = page.locator("main table.targets-table .badge")
    assert verdicts.count() >= 10  # a verdict for each target and unit
    off = page.evaluate(
        """() => [...document.querySelectorAll('main table.targets-table .badge')]
             .map(b => b.getBoundingClientRect()).filter(r => r.right > window.innerWidth).length"""
    )
    assert off == 0
    # The code carries its full wording on hover and in the legend.
    code = table.locator("tbody th abbr").first
    statement = code.get_attribute("title")
    assert statement
    assert len(statement) > len(code.inner_text())
    expect(page.locator("main .targets-legend")).to_contain_text(statement)
    table.scroll_into_view_if_needed()
    screenshot(page, f"targets-matrix-1366-{language}")
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_targets_by_unit_fit_when_the_province_has_many_units(
    browser, live_server, snapshot_2023, monkeypatch, viewport
):
    """The 2026 province has 124 communes and no districts: past TARGET_COLUMNS_MAX units the
    units are rows and the target codes columns (here with the limit lowered to 3, on 2023's
    ten units)."""
    from reports import dashboard

    monkeypatch.setattr(dashboard, "TARGET_COLUMNS_MAX", 3)
    page = _page(browser, viewport, live_server, "pat")
    page.goto(url(live_server, "reports:dashboard") + f"?year={YEAR}")
    table = page.locator("main table.targets-by-area")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.locator("thead abbr").first).to_have_attribute("title", re.compile(r"\w+ \w+"))
    if viewport is DESKTOP:
        scroll, client = table.evaluate(
            "t => [t.closest('.table-wrap').scrollWidth, t.closest('.table-wrap').clientWidth]"
        )
        assert scroll <= client
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.targets-filter button, .targets-filter select')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth).length"""
    )
    assert outside == 0
    page.locator("main select[name=chi_tieu]").select_option("chua-dat")
    page.wait_for_url(re.compile("chi_tieu=chua-dat"))
    expect(table.locator("tbody tr").first).to_contain_text("Bến Tre")
    table.scroll_into_view_if_needed()
    screenshot(page, f"targets-by-unit-{viewport['width']}")
    page.context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_phone_menu_is_collapsed_behind_a_button(browser, live_server, world, language):
    page = _page(browser, PHONE, live_server, "bob", language)
    page.goto(url(live_server, "households:list"))
    nav = page.locator("#main-nav")
    toggle = page.locator(".nav-toggle")
    expect(toggle).to_be_visible()
    expect(nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < PHONE["height"] / 6, header
    screenshot(page, f"phone-menu-closed-{language}")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name=re.compile("Duyệt phiếu|Review queue"))).to_be_visible()
    screenshot(page, f"phone-menu-open-{language}")
    page.context.close()
    desktop = _page(browser, DESKTOP, live_server, "bob", language)
    desktop.goto(url(live_server, "households:list"))
    expect(desktop.locator(".nav-toggle")).to_be_hidden()
    expect(desktop.locator("#main-nav")).to_be_visible()
    desktop.context.close()


def test_one_menu_entry_is_lit(browser, live_server, world):
    page = _page(browser, DESKTOP, live_server, "bob")
    for name, label in [
        ("households:review-queue", "Duyệt phiếu"),
        ("households:list", "Hộ gia đình"),
        ("programs:bulk-support", "Ghi nhận hỗ trợ theo danh sách"),
    ]:
        page.goto(url(live_server, name))
        lit = page.locator("#main-nav a[aria-current=page]")
        expect(lit).to_have_count(1)
        expect(lit).to_have_text(label)
    page.context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_classification_stays_in_view_while_entering_on_a_phone(
    browser, live_server, world, language
):
    household = Household.objects.create(
        code="FIT-0001", commune=world.commune, head_name="Trần Thị Hồng Đào"
    )
    page = _page(browser, PHONE, live_server, "alice", language)
    page.goto(url(live_server, "households:review-edit", household.pk, YEAR))
    page.locator("input[name=income_per_capita]").fill("1200000")
    last = page.locator("select[name=t10]")
    last.scroll_into_view_if_needed()
    last.select_option("1")
    summary = page.locator("#review-summary [data-classification]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("data-classification", re.compile("poor|near_poor"))
    box = summary.bounding_box()
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= PHONE["height"], box
    screenshot(page, f"phone-review-sticky-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_provincial_user_gets_the_review_read_only(browser, live_server, world, language):
    page = _page(browser, DESKTOP, live_server, "pat", language)
    response = page.goto(url(live_server, "households:review-edit", world.household.pk, YEAR))
    assert response.status == 200
    main = page.locator("main")
    expect(main).to_contain_text(re.compile("chỉ đọc|read only"))
    expect(main.locator("input[name=income_per_capita]")).to_be_disabled()
    expect(main.locator("button[name=save]")).to_have_count(0)
    expect(main.locator("#review-result")).to_contain_text(re.compile(r"1[.,]200[.,]000|/12"))
    screenshot(page, f"review-read-only-{language}")
    page.context.close()


def test_household_page_says_one_thing_about_support_and_has_no_stray_bullets(
    browser, live_server, world, bob
):
    household = Household.objects.create(
        code="FIT-0002", commune=world.commune, head_name="Lê Văn Đủ"
    )
    review = services.review_save(
        household=household,
        year=YEAR,
        user=world.users["alice"],
        data=services.ReviewInput(
            income_per_capita=1_000_000,
            facts=HouseholdFacts(),
            ticks=dict.fromkeys(range(1, 13), False),
        ),
    )
    services.review_submit(review=review, user=world.users["alice"])
    services.review_approve(review=review, user=bob)
    assert HouseholdReview.objects.get(pk=review.pk).deprivation_count == 0
    page = _page(browser, DESKTOP, live_server, "alice")
    page.goto(url(live_server, "households:detail", household.pk))
    panel = page.locator("main .programs-panel")
    expect(panel).to_contain_text("Hộ chưa nhận hỗ trợ nào.")
    expect(panel).not_to_contain_text("Mọi thiếu hụt đều đã có hỗ trợ.")
    expect(panel).to_contain_text("hộ không thiếu hụt chỉ số nào")
    page.locator("main .review-card details summary").first.click()
    cards = page.locator("main ul.deprivations").first
    expect(cards.locator("li.deprivation")).to_have_count(12)
    assert cards.evaluate("u => getComputedStyle(u).listStyleType") == "none"
    screenshot(page, "household-support-panel")
    page.context.close()


def test_sample_names_stay_in_their_area(world):
    # The world's reviews are where the journeys expect them (guards the fixtures above).
    assert HouseholdReview.objects.get(household__code=SAMPLES["A"].code).status == "submitted"
