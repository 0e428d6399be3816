"""Issue 17, findings 4, 5 and 8 as a person sees them, on an ENGLISH Chromium (en-US locale and
Accept-Language): the UI stays Vietnamese, names read family name first, dates are typed
dd/mm/yyyy, years read "2023". Screenshots at 1366 and 390 px, Vietnamese and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from households.models import Household
from tests.browser.helpers import login, screenshot, switch_language, url
from tests.security.world import YEAR, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"wide": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def english_page(browser):
    context = browser.new_context(
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport=WIDTHS["wide"],
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def world(alice, bob, charlie, pat, agnes, olga):
    for user, family, given in ((alice, "Trần Thị", "Tỉnh"), (agnes, "Võ Thị", "Y Tế")):
        user.last_name, user.first_name = family, given
        user.save(update_fields=["last_name", "first_name"])
    return World({"alice": alice, "bob": bob})


@pytest.fixture
def own_household(world):
    from datetime import date

    from households.models import Member

    household = Household.objects.create(
        code="I17-0001", commune=world.commune, address="Ấp 1", head_name="Nguyễn Văn Mười"
    )
    Member.objects.create(
        household=household,
        full_name="Nguyễn Văn Mười",
        sex="M",
        date_of_birth=date(1979, 4, 30),
        relationship="head",
    )
    return household


def test_english_browser_gets_vietnamese_and_names_family_name_first(
    english_page, live_server, own_household
):
    page = english_page
    page.goto(url(live_server, "login"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "vi"
    login(page, live_server, "alice")
    expect(page.locator("main h1")).to_have_text("Xin chào, Trần Thị Tỉnh")
    expect(page.locator("header .user-name")).to_have_text("Trần Thị Tỉnh")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(page, f"i17-home-english-browser-vi-{name}")
    # The history of a household she changes names her the same way.
    household = own_household
    page.goto(url(live_server, "households:edit", household.pk))
    page.locator("input[name=address]").fill("Ấp 9")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith(f"/ho-gia-dinh/{household.pk}/"), page.locator("main").inner_text()
    history = page.locator("[aria-labelledby=history-head] table")
    expect(history.first).to_contain_text("Trần Thị Tỉnh")
    expect(history.first).to_contain_text("(Sửa)")
    assert "Tỉnh Trần Thị" not in page.locator("main").inner_text()
    screenshot(page, "i17-history-vi")
    # Only her own choice switches the language.
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header .user-name")).to_have_text("Trần Thị Tỉnh")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(page, f"i17-history-en-{name}")


def test_birth_date_is_typed_day_first_on_an_english_browser(
    english_page, live_server, own_household
):
    page = english_page
    login(page, live_server, "alice")
    household = own_household
    page.goto(url(live_server, "households:edit", household.pk))
    birth = page.locator("input[name$='-date_of_birth']").first
    assert birth.get_attribute("type") == "text"
    assert birth.get_attribute("placeholder") == "dd/mm/yyyy"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", birth.input_value()), birth.input_value()
    birth.fill("05/06/1980")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(page, f"i17-member-date-{name}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    member = Household.objects.get(pk=household.pk).members.get()
    assert member.date_of_birth.isoformat() == "1980-06-05"
    page.goto(url(live_server, "households:edit", household.pk))
    expect(page.locator("input[name$='-date_of_birth']").first).to_have_value("05/06/1980")


def test_the_new_household_form_suggests_a_code_and_groups_the_causes(
    english_page, live_server, world
):
    page = english_page
    login(page, live_server, "alice")
    page.goto(url(live_server, "households:create"))
    code = page.locator("input[name=code]")
    assert code.input_value() != ""
    assert code.is_editable()
    legend = page.locator("fieldset.choices legend", has_text="Nguyên nhân nghèo")
    expect(legend).to_be_visible()
    assert page.locator("label[for='']").count() == 0
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        screenshot(page, f"i17-household-new-{name}")


def test_task_update_names_the_officer_family_name_first(browser, live_server, world, agnes):
    from datetime import date

    from households.models import Agency
    from targets.models import Plan
    from targets.reference_data import PLAN_CODE
    from targets.services import task_create, task_update_create

    syt = Agency.objects.get(code="SYT")
    task = task_create(
        plan=Plan.objects.get(code=PLAN_CODE),
        title="Cấp thẻ BHYT",
        lead_agency=syt,
        due_date=date(2023, 12, 15),
    )
    task_update_create(
        task=task, user=agnes, agency=syt, status="in_progress", percent=40, note="Đang làm"
    )
    context = browser.new_context(locale="vi-VN", viewport=WIDTHS["wide"])
    page = context.new_page()
    login(page, live_server, "agnes")
    page.goto(url(live_server, "targets:task-detail", task.pk))
    expect(page.locator("main")).to_contain_text("Võ Thị Y Tế")
    assert "Y Tế Võ Thị" not in page.locator("main").inner_text()
    screenshot(page, "i17-task-update-vi")
    context.close()


def test_year_selects_read_plain_years(english_page, live_server, world, pat):
    from reports.services import snapshot_rebuild

    snapshot_rebuild(year=YEAR)
    page = english_page
    login(page, live_server, "pat")
    for name in ("reports:official", "reports:jobs"):
        page.goto(url(live_server, name))
        labels = page.locator("select[name=year] option").all_inner_texts()
        assert str(YEAR) in labels, labels
        assert not [t for t in labels if re.fullmatch(r"\d\.\d{3}", t.strip())], labels
        screenshot(page, f"i17-years-{name.split(':')[1]}")


def test_choosing_another_commune_suggests_its_next_code(page, live_server, bob):
    from tests.households.conftest import household_make

    household_make(code="BT-0041")
    login(page, live_server, "bob")
    page.goto(url(live_server, "households:create"))
    code = page.locator("input[name=code]")
    commune = page.locator("select[name=commune]")
    commune.select_option(label="Xã An Đức")
    expect(code).to_have_value("BT-0042")
    code.fill("BT-9000")  # typed by hand: another commune no longer replaces it
    commune.select_option(index=2)
    page.wait_for_timeout(500)
    expect(code).to_have_value("BT-9000")
