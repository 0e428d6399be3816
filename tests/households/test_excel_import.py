import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from households.excel import services
from households.models import Household, HouseholdReview, ImportJob, ReviewRound
from households.services import review_round_get_or_create
from households.workbook import WorkbookError
from tests.conftest import login
from tests.households.test_excel_support import (
    MEMBER_TITLES,
    TITLES,
    build_workbook,
    household_row,
)

pytestmark = pytest.mark.django_db
INCOME = "Thu nhập bình quân (đồng/người/tháng)"


def validate(tmp_path, user, data, year=2024):
    path = tmp_path / "in.xlsx"
    path.write_bytes(data)
    return services.workbook_validate(path=path, user=user, year=year)


def messages(plan):
    return [e.message for e in plan.errors]


# --- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4 fake pdf", "không phải là tệp Excel"),
        ("Mã hộ;Mã xã\nHB-1;29173\n".encode(), "không phải là tệp Excel"),
        (b"", "Tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "mật khẩu"),
        (b"PK\x03\x04garbage-not-a-zip", "bị hỏng"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, alice, content, expected):
    with pytest.raises(WorkbookError, match=expected):
        validate(tmp_path, alice, content)
    assert Household.objects.count() == 0


def test_file_over_the_size_limit_is_refused(tmp_path, alice, settings):
    settings.WORKBOOK_MAX_BYTES = 1000
    with pytest.raises(WorkbookError, match="quá lớn"):
        validate(tmp_path, alice, build_workbook([household_row()]))


def test_missing_required_column(tmp_path, alice):
    titles = [t for t in TITLES if t != "Mã xã"]
    row = household_row()
    del row[TITLES.index("Mã xã")]
    plan = validate(tmp_path, alice, build_workbook([row], titles=titles))
    assert "Thiếu cột bắt buộc “Mã xã” ở dòng tiêu đề." in messages(plan)


def test_headers_match_without_case_spacing_or_diacritics_and_extra_columns_warn(tmp_path, alice):
    titles = [t.upper().replace("ã", "a") for t in TITLES] + ["Ghi chú"]
    plan = validate(tmp_path, alice, build_workbook([[*household_row(), "x"]], titles=titles))
    assert plan.errors == []
    assert plan.counts["create"] == 1
    assert "Cột “Ghi chú” không có trong mẫu, được bỏ qua." in [w.message for w in plan.warnings]


def test_merged_header_cells(tmp_path, alice):
    book = Workbook()
    sheet = book.active
    sheet.title = "HO"
    sheet.append(TITLES)
    sheet.append(household_row())
    sheet.merge_cells("A1:B1")
    buffer = BytesIO()
    book.save(buffer)
    plan = validate(tmp_path, alice, buffer.getvalue())
    assert any("ô gộp" in m for m in messages(plan))


def test_formulas_instead_of_values(tmp_path, alice):
    row = household_row(**{INCOME: "=1000000+200000"})
    plan = validate(tmp_path, alice, build_workbook([row]))
    assert "Ô G2 chứa công thức; hãy dán giá trị (Paste Special > Values)." in messages(plan)


def test_dates_typed_as_text(tmp_path, alice):
    member = ["HB-0001", "Nguyễn Văn An", "15/03/1985", "Nam", "Chủ hộ", "", 1, "", "", ""]
    plan = validate(tmp_path, alice, build_workbook([household_row()], members=[member]))
    assert plan.errors[0].sheet == "NHAN_KHAU"
    assert plan.errors[0].row == 2
    assert plan.errors[0].column == "Ngày sinh"
    assert "gõ dạng văn bản" in plan.errors[0].message


def test_duplicate_household_code_in_file(tmp_path, alice):
    plan = validate(tmp_path, alice, build_workbook([household_row(), household_row()]))
    assert messages(plan) == ["Mã hộ HB-0001 trùng với dòng 2."]
    assert plan.errors[0].row == 3


def test_unknown_commune_code(tmp_path, alice):
    plan = validate(tmp_path, alice, build_workbook([household_row(commune="99999")]))
    assert messages(plan) == ["Mã xã 99999 không có trong danh mục xã, phường, thị trấn."]


def test_indicator_value_of_2(tmp_path, alice):
    plan = validate(tmp_path, alice, build_workbook([household_row(**{"CS03 Dinh dưỡng": 2})]))
    assert plan.errors[0].column == "CS03 Dinh dưỡng"
    assert plan.errors[0].col == TITLES.index("CS03 Dinh dưỡng") + 1
    assert "không phải “2”" in plan.errors[0].message


def test_100000_blank_rows_at_the_end_are_ignored(tmp_path, alice):
    book = Workbook()
    sheet = book.active
    sheet.title = "HO"
    sheet.append(TITLES)
    sheet.append(household_row())
    sheet.cell(row=100_002, column=1, value="")
    buffer = BytesIO()
    book.save(buffer)
    plan = validate(tmp_path, alice, buffer.getvalue())
    assert plan.errors == []
    assert plan.rows_total == 1


@pytest.mark.parametrize("typed", ["1.500.000", "1 500 000", "1500000", 1_500_000])
def test_vietnamese_numbers_typed_as_text_are_read(tmp_path, alice, typed):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(**{INCOME: typed})], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    review = HouseholdReview.objects.get()
    assert review.income_per_capita == 1_500_000
    assert review.classification == "poor"  # exactly on the rural line, 3 deprivations


# --- scope, lock, write ------------------------------------------------------------------------


def test_row_outside_the_users_area_is_an_error_and_nothing_is_written(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(), household_row("TP-1", commune="29185")], path=path)
    with pytest.raises(services.ImportRefused) as refused:
        services.workbook_import(path=path, user=alice, year=2024)
    assert messages(refused.value.plan) == ["Xã Xã Phú Khánh (29185) ngoài địa bàn bạn phụ trách."]
    assert Household.objects.count() == 0


def test_locked_year_is_refused(tmp_path, alice, area):
    round_ = review_round_get_or_create(commune=area("29173"), year=2024)
    ReviewRound.objects.filter(pk=round_.pk).update(status="locked")
    plan = validate(tmp_path, alice, build_workbook([household_row()]))
    assert "đã được phê duyệt và khóa số liệu" in messages(plan)[0]


def test_import_creates_hamlet_households_reviews_members_with_history(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    members = [
        ["HB-0001", "Nguyễn Văn An", datetime.date(1980, 5, 1), "Nam", "Chủ hộ", "", 0, "", "", ""],
        ["HB-0001", "Lê Thị Bé", datetime.date(2015, 2, 1), "Nữ", "Con", "", 1, "Tiểu học", "", ""],
    ]
    build_workbook([household_row()], members=members, path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    household = Household.objects.get(code="HB-0001")
    assert household.hamlet.name == "Ấp An Thạnh"
    assert household.hamlet.parent.code == "29173"
    assert household.members.count() == 2
    review = household.reviews.get(year=2024)
    assert (review.status, review.classification, review.deprivation_count) == ("draft", "poor", 3)
    assert review.member_count == 2
    assert review.history.get().history_user == alice
    assert household.history.get().history_user == alice


def test_reimport_is_a_noop_and_a_corrected_file_updates_only_changed_rows(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    rows = [household_row(f"HB-{i}") for i in range(3)]
    build_workbook(rows, path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    plan = services.workbook_import(path=path, user=alice, year=2024)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 3, "error_rows": 0}
    assert HouseholdReview.history.count() == 3
    rows[1] = household_row("HB-1", **{INCOME: 3_000_000})
    build_workbook(rows, path=path)
    plan = services.workbook_import(path=path, user=alice, year=2024)
    assert plan.counts["update"] == 1
    assert plan.counts["unchanged"] == 2
    changed = HouseholdReview.objects.get(household__code="HB-1")
    assert changed.classification == "above"
    assert changed.history.count() == 2
    assert Household.history.count() == 3  # the households themselves did not change


def test_export_then_reimport_changes_nothing(tmp_path, alice, client):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(f"HB-{i}") for i in range(2)], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    Household.objects.update(head_name="=cmd|' /C calc'!A0")  # typed on the web form
    response = login(client, alice).get(reverse("households:export") + "?year=2024")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(data))["HO"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Số chỉ số thiếu hụt", "Phân loại"]
    assert sheet["D2"].value == "'=cmd|' /C calc'!A0"  # neutralised, not a formula
    assert sheet.cell(row=2, column=len(header)).value == "Hộ nghèo"
    exported = tmp_path / "out.xlsx"
    exported.write_bytes(data)
    plan = services.workbook_validate(path=exported, user=alice, year=2024)
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 2, "error_rows": 0}


def test_export_round_trip_is_unchanged(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(f"HB-{i}") for i in range(5)], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    out = tmp_path / "out.xlsx"
    call_command("export_reviews", str(out), "--year", "2024")
    plan = services.workbook_validate(path=out, user=alice, year=2024)
    assert plan.errors == []
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 5, "error_rows": 0}


# --- commands ----------------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_and_import_writes(tmp_path, alice, capsys):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row()], path=path)
    call_command("import_reviews", str(path), "--year", "2024", "--user", "alice", "--dry-run")
    assert "Thêm mới: 1" in capsys.readouterr().out
    assert Household.objects.count() == 0
    call_command("import_reviews", str(path), "--year", "2024", "--user", "alice")
    assert Household.objects.count() == 1


def test_command_fails_on_a_refused_workbook(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(commune="29185")], path=path)
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_reviews", str(path), "--year", "2024", "--user", "alice")
    path.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="không phải là tệp Excel"):
        call_command("import_reviews", str(path), "--year", "2024", "--user", "alice")
    assert Household.objects.count() == 0


# --- pages -------------------------------------------------------------------------------------


def upload(client, data, name="ho.xlsx", year=2024):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("households:import"),
        {"file": SimpleUploadedFile(name, data), "year": year},
    )


def test_upload_preview_confirm_and_progress(client, alice, django_capture_on_commit_callbacks):
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, build_workbook([household_row(), household_row("HB-2")]))
    job = ImportJob.objects.get()
    assert response.url == reverse("households:import-job", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Xác nhận nhập dữ liệu" in page
    assert "Ấp An Thạnh (Xã An Đức)" in page
    assert Household.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert Household.objects.count() == 2
    status = client.get(reverse("households:import-status", args=[job.pk])).json()
    assert status == {"status": "done", "rows_total": 2, "rows_validated": 2, "rows_written": 2}


def test_upload_of_a_pdf_shows_the_message_next_to_the_field(client, alice):
    response = upload(login(client, alice), b"%PDF-1.4", name="ho.xlsx")
    assert "không phải là tệp Excel" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_error_workbook_carries_the_messages(client, alice, django_capture_on_commit_callbacks):
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, build_workbook([household_row(**{"CS03 Dinh dưỡng": 2})]))
    job = ImportJob.objects.get()
    assert job.status == "refused"
    page = client.get(reverse("households:import-job", args=[job.pk])).content.decode()
    assert "Tải tệp đã đánh dấu lỗi" in page
    response = client.get(reverse("households:import-errors", args=[job.pk]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"]
    last = sheet.max_column
    assert sheet.cell(row=1, column=last).value == "Lỗi"
    assert "CS03 Dinh dưỡng: Chỉ số phải là 1" in sheet.cell(row=2, column=last).value
    cell = sheet.cell(row=2, column=TITLES.index("CS03 Dinh dưỡng") + 1)
    assert cell.fill.fgColor.rgb.endswith("F8D7DA")
    assert cell.comment is not None


def test_jobs_are_visible_to_their_owner_only(client, alice, charlie):
    login(client, alice)
    upload(client, build_workbook([household_row()]))
    job = ImportJob.objects.get()
    login(client, charlie)
    for name in ("import-job", "import-status", "import-errors"):
        assert client.get(reverse(f"households:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("households:import-confirm", args=[job.pk])).status_code == 404


def test_export_is_scoped_and_nobody_gets_404(client, alice, charlie, nobody, tmp_path):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row()], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    response = login(client, charlie).get(reverse("households:export") + "?year=2024")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"]
    assert sheet.max_row == 1
    assert login(client, nobody).get(reverse("households:export")).status_code == 404
    assert client.get(reverse("households:import")).status_code == 404


def test_template_has_sheets_and_dropdowns(client, alice):
    response = login(client, alice).get(reverse("households:import-template"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[:3] == ["HUONG_DAN", "HO", "NHAN_KHAU"]
    # The sheet of the 2022-2025 standard: every column but the two facts only 2027's reads.
    only_2027 = {"Xử lý rác thải sinh hoạt", "Sử dụng dịch vụ số"}
    assert [c.value for c in book["HO"][1]] == [t for t in TITLES if t not in only_2027]
    assert [c.value for c in book["NHAN_KHAU"][1]] == MEMBER_TITLES
    assert book["HO"].data_validations.dataValidation
    # Every dropdown and the date column refuse what is not allowed (an error, not a hint).
    validations = [*book["HO"].data_validations.dataValidation]
    validations += book["NHAN_KHAU"].data_validations.dataValidation
    assert all(v.showErrorMessage and v.error for v in validations)
    members = book["NHAN_KHAU"]
    dates = [v for v in members.data_validations.dataValidation if v.type == "date"]
    # Dates of birth (C) and health-card expiry (K).
    assert [str(v.sqref) for v in dates] == ["C2:C50000 K2:K50000"]
    assert members.column_dimensions["C"].number_format == "DD/MM/YYYY"


def test_export_shows_dates_and_amounts_the_vietnamese_way(tmp_path, alice, client):
    path = tmp_path / "in.xlsx"
    member = ["HB-0001", "Lê Thị Hoa", datetime.date(1985, 3, 15), "Nữ", "Chủ hộ"]
    build_workbook([household_row()], members=[member], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    response = login(client, alice).get(reverse("households:export") + "?year=2024")
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    income = book["HO"].cell(row=2, column=TITLES.index(INCOME) + 1)
    assert (income.number_format, income.value) == ("#,##0", 1_200_000)
    born = book["NHAN_KHAU"]["C2"]
    assert (born.number_format, born.value.date()) == ("DD/MM/YYYY", datetime.date(1985, 3, 15))


def test_progress_endpoint_reports_cache_counters_while_running(client, alice):
    job = ImportJob.objects.create(user=alice, file_path="/nonexistent", year=2024, rows_total=10)
    job.status = "importing"
    job.save()
    services._reporter(job, 10)("written", 4)
    data = login(client, alice).get(reverse("households:import-status", args=[job.pk])).json()
    assert data["rows_written"] == 4
    assert data["status"] == "importing"


def test_tasks_are_safe_to_run_twice(alice, tmp_path):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row()], path=path)
    job = ImportJob.objects.create(user=alice, file_path=str(path), year=2024)
    services.import_job_validate(job_id=job.pk)
    services.import_job_validate(job_id=job.pk)
    services.import_job_confirm(job=job)
    services.import_job_run(job_id=job.pk)
    services.import_job_run(job_id=job.pk)
    assert Household.history.count() == 1
    assert ImportJob.objects.get().status == "done"


def test_an_import_past_its_time_limit_fails_with_a_message_and_writes_nothing(
    client, alice, tmp_path, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from households.excel import tasks

    path = tmp_path / "in.xlsx"
    build_workbook([household_row(), household_row("HB-2")], path=path)
    job = ImportJob.objects.create(user=alice, file_path=str(path), year=2024)
    tasks.import_job_validate_task.delay(job.pk)
    assert services.import_job_confirm(job=job)

    def reporter(job, total_hint=0):
        # The worker raises SoftTimeLimitExceeded in the task when its soft limit passes: here,
        # in the middle of the write.
        def report(stage: str, count: int) -> None:
            if stage == "written":
                raise SoftTimeLimitExceeded

        return report

    monkeypatch.setattr(services, "_reporter", reporter)
    tasks.import_job_run_task.delay(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert Household.objects.count() == 0
    assert HouseholdReview.objects.count() == 0
    page = login(client, alice).get(reverse("households:import-job", args=[job.pk]))
    assert "Tệp cần quá nhiều thời gian để xử lý" in page.content.decode()


def test_export_keeps_the_list_filters_in_force(tmp_path, alice, client, area):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row(f"HF-{i}") for i in range(3)], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    renamed = Household.objects.get(code="HF-0")
    renamed.head_name = "Lê Văn Lọc"
    renamed.save()  # save() keeps the search text in step
    commune = area("29173")
    url = reverse("households:export") + f"?year=2024&commune={commune.pk}&q=le van loc"
    response = login(client, alice).get(url)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert codes == ["HF-0"]


def test_corrected_file_updates_household_member_review_with_history_and_signal(
    tmp_path, alice, django_capture_on_commit_callbacks
):
    from households.signals import review_data_changed

    path = tmp_path / "in.xlsx"
    member = ["HB-0001", "Nguyễn Văn An", datetime.date(1980, 5, 1), "Nam", "Chủ hộ", "", 0]
    build_workbook([household_row()], members=[[*member, "", "", ""]], path=path)
    services.workbook_import(path=path, user=alice, year=2024)
    build_workbook(
        # The head now works with a contract: CS01 = 1 would contradict it (left blank).
        [
            household_row(
                **{"Họ tên chủ hộ": "Nguyễn Văn Ân", INCOME: 3_000_000, "CS01 Việc làm": None}
            )
        ],
        members=[[*member, "", "", "Làm công ăn lương có hợp đồng"]],
        path=path,
    )
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    review_data_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            plan = services.workbook_import(path=path, user=alice, year=2024)
            assert received == []  # only once the transaction commits
    finally:
        review_data_changed.disconnect(listener)
    assert plan.counts["update"] == 1
    assert received[0]["years"] == [2024, 2025]
    household = Household.objects.get(code="HB-0001")
    assert (household.head_name, household.version) == ("Nguyễn Văn Ân", 2)
    assert household.search_text == "nguyen van an hb-0001"
    assert household.created_by == alice
    history = list(household.history.order_by("history_id"))
    assert [(h.history_type, h.history_user, h.head_name) for h in history] == [
        ("+", alice, "Nguyễn Văn An"),
        ("~", alice, "Nguyễn Văn Ân"),
    ]
    stored = household.members.get()
    assert stored.work_status == "wage_contract"
    assert [h.history_type for h in stored.history.order_by("history_id")] == ["+", "~"]
    assert stored.history.latest("history_id").work_status == "wage_contract"
    review = household.reviews.get(year=2024)
    assert (review.version, review.status, review.income_per_capita) == (2, "draft", 3_000_000)
    assert review.entered_by == alice
    assert isinstance(review.sources, dict)
    assert review.sources["1"] in ("derived", "overridden")
    last = review.history.latest("history_id")
    assert (last.history_type, last.history_user, last.version) == ("~", alice, 2)
    again = services.workbook_import(path=path, user=alice, year=2024)
    assert again.counts["unchanged"] == 1
    assert household.history.count() == 2
    assert review.history.count() == 2


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn  Văn Á",
        "ĐẶNG thị\tđào",
        "a \u0301 b",
        " x ",
        "Ấp An Thạnh",
        "Ca\u0301 Ba\u0300",
        "",
        "Nguyễn Văn 12345 BT-0001",
        "Lê THỊ\u00a0Hoa",
    ],
)
def test_fast_normalize_matches_the_rule(text):
    from households.rules import normalize_text
    from households.workbook import normalize

    assert normalize(text) == normalize_text(text)


def test_upload_refuses_a_row_outside_the_officers_area_and_province_staff_may_import_it(
    client, bob, pat, django_capture_on_commit_callbacks
):
    # Bob is the officer of Ba Tri (836): An Đức (29173) is his, Phú Khánh (29185, Thạnh Phú)
    # is not. The same workbook is accepted from provincial staff, who cover the province.
    data = build_workbook([household_row(), household_row("TP-1", commune="29185")])
    login(client, bob)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data)
    job = ImportJob.objects.get(user=bob)
    assert job.status == "refused"
    page = client.get(reverse("households:import-job", args=[job.pk])).content.decode()
    assert "Xã Xã Phú Khánh (29185) ngoài địa bàn bạn phụ trách." in page
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (3, "Xã Xã Phú Khánh (29185) ngoài địa bàn bạn phụ trách.")
    ]
    assert client.post(reverse("households:import-confirm", args=[job.pk])).status_code == 302
    assert Household.objects.count() == 0

    login(client, pat)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data)
    job = ImportJob.objects.get(user=pat)
    assert job.status == "ready"
    assert job.errors == []
