"""The four journeys of issue 8, in Vietnamese and once in English.

A page they walk through that is renamed or removed makes them fail (NoReverseMatch), never skip.
Assert what a user reads; save a screenshot of each main page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from households.excel.services import workbook_validate
from households.models import Agency, Household, ImportJob
from tests.browser.helpers import axe, login, screenshot, switch_language, url
from tests.security.world import SAMPLES, YEAR, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["vi", "en"]
# What the user reads, in Vietnamese or (once the English catalogue has it) in English.
TEXT = {
    "unknown": re.compile(r"chưa đủ thông tin|not enough information"),
    "poor": re.compile(r"Hộ nghèo|Poor"),
    "near_poor": re.compile(r"Hộ cận nghèo|Near[- ]poor"),
    "approved": re.compile(r"Huyện đã duyệt|[Aa]pproved"),
    "submitted": re.compile(r"Xã đã gửi|[Ss]ubmitted"),
    "logout": re.compile(r"Đăng xuất|Log out"),
    "approve": re.compile(r"^(Duyệt|Approve)$"),
    "approve_selected": re.compile(r"Duyệt các phiếu đã chọn|Approve the selected reviews"),
    "confirm_one": re.compile(r"Xác nhận duyệt 1 phiếu|Approve 1 review"),
    "not_started": re.compile(r"Chưa thực hiện|Not started"),
    "in_progress": re.compile(r"Đang thực hiện|In progress"),
}

# A household of Xã An Đức with no review yet (the world's own are already submitted).
NEW_HEAD = "Trần Thị Hồng Đào"
NEW_CODE = "J1-AD-0001"
NEW_MEMBER = "Lê Văn Tư"


def _start(page, live_server, username: str, language: str) -> None:
    login(page, live_server, username)
    if language == "en":
        switch_language(page, "English")


def _logout(page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name=TEXT["logout"]).click()
    page.context.clear_cookies()


def _main(page) -> str:
    return page.locator("main").inner_text()


@pytest.fixture
def world(alice, bob, charlie, pat, agnes, olga):
    return World({"alice": alice, "bob": bob})


@pytest.fixture
def fresh_household(world):
    return Household.objects.create(
        code=NEW_CODE,
        commune=world.commune,
        address="Ấp 3",
        head_name=NEW_HEAD,
        head_citizen_id="083190000444",
    )


# 1. A commune officer finds a household without diacritics, adds a member, ticks the review's
#    indicators, sees the classification change, submits; the district officer approves it.
@pytest.mark.sqlite  # the review's save and approval, written by the live server's thread
@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_1_review_from_search_to_approval(
    page, live_server, world, fresh_household, language
):
    household = fresh_household
    _start(page, live_server, "alice", language)

    # The list: search the head's name typed without diacritics.
    page.goto(url(live_server, "households:list"))
    screenshot(page, f"j1-list-{language}")
    assert axe(page, f"j1-list-{language}") == []
    search = page.locator("main form[role=search] input[name=q]")
    search.fill("tran thi hong dao")
    with page.expect_navigation():
        search.press("Enter")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert NEW_HEAD in rows.first.inner_text()
    assert SAMPLES["A"].head_name not in _main(page)
    screenshot(page, f"j1-search-{language}")
    with page.expect_navigation():
        rows.first.get_by_role("link", name=NEW_CODE).click()

    # The detail page.
    assert NEW_HEAD in page.locator("h1").inner_text()
    screenshot(page, f"j1-detail-{language}")
    assert axe(page, f"j1-detail-{language}") == []

    # Edit: add a member with the "add member" button (a second, JS-made row).
    edit_path = reverse("households:edit", args=[household.pk])
    with page.expect_navigation():
        page.locator(f"main .page-head a[href='{edit_path}']").click()
    member_rows = page.locator("#member-rows .member-row")
    assert member_rows.count() == 1  # the formset's one empty row
    page.locator("main [data-add-member]").click()
    assert member_rows.count() == 2
    row = member_rows.nth(1)
    assert row.locator("[data-row-number]").inner_text() == "2"
    new_name = row.locator("input[name$='-full_name']")
    expect(new_name).to_be_focused()
    new_name.fill(NEW_MEMBER)
    row.locator("select[name$='-sex']").select_option("M")
    row.locator("input[name$='-date_of_birth']").fill("1985-04-30")
    row.locator("select[name$='-relationship']").select_option("spouse")
    # An insured, working adult with lower-secondary schooling: no deprivation of his own.
    row.locator("select[name$='-has_health_insurance']").select_option("true")
    row.locator("select[name$='-has_disability']").select_option("false")
    row.locator("select[name$='-receives_social_allowance']").select_option("false")
    row.locator("input[name$='-health_insurance_expiry']").fill("2030-12-31")
    row.locator("select[name$='-education']").select_option("lower_secondary")
    row.locator("select[name$='-work_status']").select_option("wage_contract")
    screenshot(page, f"j1-household-form-{language}")
    assert axe(page, f"j1-household-form-{language}") == []
    with page.expect_navigation():
        page.locator("#household-form button[type=submit].primary").click()
    assert page.url.endswith(reverse("households:detail", args=[household.pk]))
    assert NEW_MEMBER in page.locator("main table").first.inner_text()
    assert household.members.filter(full_name=NEW_MEMBER, date_of_birth="1985-04-30").exists()

    # The 2023 review: income first, then three indicators ticked "deprived".
    review_path = reverse("households:review-edit", args=[household.pk, YEAR])
    with page.expect_navigation():
        page.locator(f"main .page-head a[href='{review_path}']").click()
    badge = page.locator("#review-result [data-classification]")
    expect(badge).to_have_count(0)  # no income yet: nothing to classify
    page.locator("#id_income_per_capita").fill("1.200.000")
    expect(badge).to_have_attribute("data-classification", "near_poor")
    expect(badge).to_have_text(TEXT["near_poor"])
    for field in ("t09", "t10", "t11"):
        page.locator(f"#id_{field}").select_option("1")
    expect(badge).to_have_attribute("data-classification", "poor")
    expect(badge).to_have_text(TEXT["poor"])
    expect(page.locator("#review-result")).to_contain_text("3/12")
    # The dwelling is not recorded: the officer decides CS07, CS08 and CS12 (an undecided
    # indicator blocks submission).
    expect(page.locator("#review-result")).to_contain_text(TEXT["unknown"])
    for field in ("t07", "t08", "t12"):
        page.locator(f"#id_{field}").select_option("0")
    expect(page.locator("#review-result")).not_to_contain_text(TEXT["unknown"])
    screenshot(page, f"j1-review-{language}")
    assert axe(page, f"j1-review-{language}") == []
    with page.expect_navigation():
        page.locator("#review-form button[name=submit]").click()
    review = household.reviews.get(year=YEAR)
    assert (review.status, review.classification, review.deprivation_count) == (
        "submitted",
        "poor",
        3,
    )
    expect(page.locator("main .review-card .badge.submitted")).to_have_text(TEXT["submitted"])
    _logout(page)

    # The district officer approves it from the queue.
    _start(page, live_server, "bob", language)
    page.goto(url(live_server, "households:review-queue"))
    queued = page.locator("main table tbody tr", has_text=NEW_CODE)
    expect(queued).to_contain_text(NEW_HEAD)
    expect(queued.locator(".badge.poor")).to_have_text(TEXT["poor"])
    screenshot(page, f"j1-queue-{language}")
    assert axe(page, f"j1-queue-{language}") == []
    # Issue 17: the queue approves the ticked rows after a confirmation page.
    queued.locator("input[name=review]").check()
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT["approve_selected"]).click()
    expect(page.locator("main table")).to_contain_text(NEW_HEAD)
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT["confirm_one"]).click()
    expect(page.locator("main table tbody tr", has_text=NEW_CODE)).to_have_count(0)
    expect(page.locator("main table")).to_contain_text(SAMPLES["A"].head_name)  # still waiting

    page.goto(url(live_server, "households:detail", pk=household.pk))
    card = page.locator("main .review-card").first
    expect(card.locator(".badge.approved")).to_have_text(TEXT["approved"])
    expect(card.locator(".badge.poor")).to_have_text(TEXT["poor"])
    screenshot(page, f"j1-approved-{language}")


# 2. Upload a workbook with one bad row, read the error, download the annotated workbook, fix it,
#    upload again, confirm, watch the job finish.
J2_YEAR = 2024
J2_ROWS = [
    {"Mã hộ": "J2-AD-0001", "Họ tên chủ hộ": "Nguyễn Văn Nhập", "CS01 Việc làm": 1},
    {"Mã hộ": "J2-AD-0002", "Họ tên chủ hộ": "Phan Thị Sửa", "CS03 Dinh dưỡng": 2},  # bad: 0/1
]


def _fill_template(template: Path, target: Path) -> None:
    """Two households of Xã An Đức typed into the import's own template (sheet HO)."""
    book = load_workbook(template)
    sheet = book["HO"]
    column = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for row_number, values in enumerate(J2_ROWS, start=2):
        row = {"Mã xã": "29173", "Số nhân khẩu": 3, INCOME_TITLE: 1_300_000}
        row |= {title: 0 for title in column if str(title).startswith("CS")}
        row |= values
        for title, value in row.items():
            sheet.cell(row=row_number, column=column[title], value=value)
    book.save(target)


def _upload(page, path: Path) -> None:
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(str(path))
    form.locator("input[name=year]").fill(str(J2_YEAR))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


INCOME_TITLE = "Thu nhập bình quân (đồng/người/tháng)"


@pytest.mark.sqlite  # the import writes through the ORM on SQLite (COPY on PostgreSQL)
@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_2_workbook_import(page, live_server, world, language, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded workbooks land here
    _start(page, live_server, "alice", language)
    page.goto(url(live_server, "households:import"))
    screenshot(page, f"j2-import-{language}")
    assert axe(page, f"j2-import-{language}") == []

    # The template, downloaded from the page, filled in with one bad row.
    template_path = reverse("households:import-template")
    with page.expect_download() as download:
        page.locator(f"main a[href='{template_path}']").click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    first_try = tmp_path / "ho-an-duc.xlsx"
    _fill_template(template, first_try)
    _upload(page, first_try)

    # Refused: the error says which row and column; nothing was written.
    expect(page.locator("#job-status")).to_have_class(re.compile(r"\brefused\b"))
    errors = page.locator("main table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("CS03 Dinh dưỡng")
    assert errors.first.locator("td").nth(1).inner_text() == "3"  # the sheet's row 3
    assert not Household.objects.filter(code__startswith="J2-").exists()
    screenshot(page, f"j2-refused-{language}")
    assert axe(page, f"j2-refused-{language}") == []

    # The annotated workbook: the message in a last column next to the bad row.
    job = ImportJob.objects.get(user__username="alice")
    errors_path = reverse("households:import-errors", args=[job.pk])
    with page.expect_download() as download:
        page.locator(f"main a[href='{errors_path}']").click()
    annotated = tmp_path / download.value.suggested_filename
    download.value.save_as(annotated)
    assert annotated.suffix == ".xlsx"
    book = load_workbook(annotated)
    sheet = book["HO"]
    last = sheet.max_column
    assert sheet.cell(row=1, column=last).value in ("Lỗi", "Error", "Errors")
    assert "CS03" in sheet.cell(row=3, column=last).value
    assert not sheet.cell(row=2, column=last).value

    # Fixed in the annotated copy (the value, then the error column dropped), uploaded again.
    titles = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=titles.index("CS03 Dinh dưỡng") + 1, value=1)
    sheet.delete_cols(last)
    fixed = tmp_path / "ho-an-duc-da-sua.xlsx"
    book.save(fixed)
    page.goto(url(live_server, "households:import"))
    _upload(page, fixed)
    expect(page.locator("#job-status")).to_have_class(re.compile(r"\bready\b"))
    stats = page.locator("main .excel-stats .stat .value")
    expect(stats.first).to_have_text("2")  # two new households
    expect(stats.nth(3)).to_have_text("0")  # no row in error
    screenshot(page, f"j2-preview-{language}")
    assert axe(page, f"j2-preview-{language}") == []
    with page.expect_navigation():
        page.locator("main form[action$='/xac-nhan/'] button[type=submit]").click()

    # Done: the message, and the progress the page polls says 2 of 2 rows written.
    expect(page.locator("#job-status")).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator("main .message.success")).to_contain_text("2")
    job = ImportJob.objects.filter(user__username="alice").latest("pk")
    status = page.request.get(url(live_server, "households:import-status", pk=job.pk)).json()
    assert status["rows_written"] == status["rows_total"] == 2
    screenshot(page, f"j2-done-{language}")
    assert set(Household.objects.filter(code__startswith="J2-").values_list("code", flat=True)) == {
        "J2-AD-0001",
        "J2-AD-0002",
    }

    # The list, filtered, exported: a list this long (the limit lowered to 1) is prepared in
    # the background, then downloaded; it holds what the list shows and imports back unchanged.
    settings.EXPORT_DIRECT_MAX_HOUSEHOLDS = 1
    page.goto(url(live_server, "households:list") + f"?q=J2-AD&year={J2_YEAR}")
    page.locator("main a[href*='/excel/xuat.xlsx']").click()
    expect(page.locator("main form button[type=submit]")).to_be_visible()
    screenshot(page, f"j2-export-confirm-{language}")
    assert axe(page, f"j2-export-confirm-{language}") == []
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#job-status")).to_have_class(re.compile(r"\bdone\b"))
    screenshot(page, f"j2-export-done-{language}")
    assert axe(page, f"j2-export-done-{language}") == []
    with page.expect_download() as download:
        page.locator("main a[href$='/tai-ve.xlsx']").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    codes = [row[0] for row in load_workbook(exported)["HO"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["J2-AD-0001", "J2-AD-0002"]
    alice = get_user_model().objects.get(username="alice")
    plan = workbook_validate(path=exported, user=alice, year=J2_YEAR)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "error_rows": 0}


# 3. Provincial staff drill down from the province to Ba Tri to one commune and download the
#    official summary table.
@pytest.fixture
def snapshot_2023(world):
    from reports.services import snapshot_rebuild

    return snapshot_rebuild(year=YEAR)


@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_3_dashboard_drill_down_and_official_table(
    page, live_server, snapshot_2023, language, tmp_path
):
    _start(page, live_server, "pat", language)
    page.goto(url(live_server, "reports:dashboard"))
    expect(page.locator("h1")).to_contain_text("Bến Tre")
    screenshot(page, f"j3-province-{language}")
    assert axe(page, f"j3-province-{language}") == []
    with page.expect_navigation():
        page.locator("main table th a", has_text="Ba Tri").first.click()
    expect(page.locator("h1")).to_contain_text("Ba Tri")
    screenshot(page, f"j3-district-{language}")
    with page.expect_navigation():
        page.locator("main table th a", has_text="An Đức").first.click()
    expect(page.locator("h1")).to_contain_text("An Đức")
    screenshot(page, f"j3-commune-{language}")
    assert axe(page, f"j3-commune-{language}") == []

    page.goto(url(live_server, "reports:official"))
    screenshot(page, f"j3-official-{language}")
    assert axe(page, f"j3-official-{language}") == []
    form = page.locator("main form")
    form.locator("select[name=year]").select_option(str(YEAR))
    area = form.locator("select[name=area]")
    area.select_option(label=area.locator("option", has_text="Ba Tri").first.inner_text())
    with page.expect_download() as download:
        form.locator("button[type=submit]:not([name=show])").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = load_workbook(path).active
    top = [str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value]
    assert any(str(YEAR) in text for text in top), top


def test_dashboard_heading_shows_the_year_without_a_thousand_separator(
    page, live_server, snapshot_2023
):
    login(page, live_server, "pat")
    page.goto(url(live_server, "reports:dashboard"))
    expect(page.locator("h1")).to_contain_text(f"năm {YEAR}", timeout=2_000)


# 4. Agency staff update a task with an evidence file; provincial staff see it in the matrix.
J4_TASK = "Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo"
J4_NOTE = "Đã tổ chức 2 lớp tập huấn"


@pytest.fixture
def syt_task(world, settings, tmp_path):
    from targets.models import Plan
    from targets.reference_data import PLAN_CODE
    from targets.services import task_create

    settings.MEDIA_ROOT = tmp_path / "media"  # evidence files land here, not in var/
    return task_create(
        plan=Plan.objects.get(code=PLAN_CODE),
        title=J4_TASK,
        lead_agency=Agency.objects.get(code="SYT"),
        due_date=timezone.localdate() + timedelta(days=60),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_4_task_update_with_evidence(page, live_server, syt_task, language, tmp_path):
    task = syt_task
    evidence = tmp_path / "bien-ban-tap-huan.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")

    # Agnes finds her agency's task and updates it from its page.
    _start(page, live_server, "agnes", language)
    page.goto(url(live_server, "targets:task-list"))
    expect(page.locator("h1")).to_contain_text("Sở Y tế")
    row = page.locator("main table tbody tr", has_text=J4_TASK)
    expect(row.locator(".badge.not_started")).to_have_text(TEXT["not_started"])
    screenshot(page, f"j4-my-tasks-{language}")
    assert axe(page, f"j4-my-tasks-{language}") == []
    with page.expect_navigation():
        row.get_by_role("link", name=J4_TASK).click()
    expect(page.locator("h1")).to_contain_text(J4_TASK)
    form = page.locator("main form.task-update-form")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=percent]").fill("40")
    form.locator("textarea[name=note]").fill(J4_NOTE)
    form.locator("input[type=file][name=evidence]").set_input_files(str(evidence))
    screenshot(page, f"j4-task-update-{language}")
    assert axe(page, f"j4-task-update-{language}") == []
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(reverse("targets:task-detail", args=[task.pk]))
    main = page.locator("main")
    expect(main).to_contain_text(J4_NOTE)
    expect(main.get_by_role("link", name="bien-ban-tap-huan.pdf")).to_be_visible()
    expect(main.locator(".badge.in_progress").first).to_have_text(TEXT["in_progress"])
    screenshot(page, f"j4-task-detail-{language}")
    task.refresh_from_db()
    assert (task.status, task.percent) == ("in_progress", 40)
    _logout(page)

    # Pat reads the matrix: Sở Y tế has one task in progress; the link lists it.
    _start(page, live_server, "pat", language)
    page.goto(url(live_server, "targets:matrix"))
    syt = page.locator("main table tbody tr", has_text="Sở Y tế")
    in_progress = syt.locator("a[href$='status=in_progress']")
    expect(in_progress).to_have_text("1")
    screenshot(page, f"j4-matrix-{language}")
    assert axe(page, f"j4-matrix-{language}") == []
    with page.expect_navigation():
        in_progress.click()
    listed = page.locator("main table tbody tr", has_text=J4_TASK)
    expect(listed.locator(".badge.in_progress")).to_have_text(TEXT["in_progress"])
    expect(listed).to_contain_text("40%")
