"""Issue 13: the review tells the truth. One test per defect (1, 2, 3, 6), reproduced through the
public surface (the test client for the form, the import service and commands for workbooks),
plus the new columns' bad input and the export -> import round trip."""

import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from households import rules
from households.excel import services
from households.models import Household, HouseholdReview, Member
from households.services import ReviewInput, review_save
from tests.conftest import login
from tests.households.test_excel_support import MEMBER_TITLES, TITLES, build_workbook
from tests.households.test_views import REVIEW, household_post

pytestmark = pytest.mark.django_db
INCOME = "Thu nhập bình quân (đồng/người/tháng)"
D = datetime.date


def ho_row(code="HB-0001", commune="29173", **values) -> list:
    """A household row: every tick blank (from the facts) unless given."""
    base = {
        "Mã hộ": code,
        "Mã xã": commune,
        "Thôn/ấp": "Ấp An Thạnh",
        "Họ tên chủ hộ": "Nguyễn Văn An",
        "Số nhân khẩu": 2,
        INCOME: 1_000_000,
        "Số bộ phận nhà không bền chắc": 2,
        "Diện tích ở (m²)": 30,
        "Nguồn nước sinh hoạt": "Nước máy",
        "Nhà tiêu": "Không hợp vệ sinh hoặc không có",
        "Có thành viên sử dụng internet": 1,
        "Có TV, radio, máy tính, điện thoại thông minh": 1,
    }
    base.update(values)
    assert set(base) <= set(TITLES), set(base) - set(TITLES)
    return [base.get(t) for t in TITLES]


def nk_row(code="HB-0001", **values) -> list:
    base = {
        "Mã hộ": code,
        "Họ tên": "Nguyễn Văn An",
        "Ngày sinh": D(1984, 3, 1),
        "Giới tính": "Nam",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Có thẻ BHYT": 0,
        "Đang đi học": "Không đi học",
        "Trình độ học vấn": "Trung học phổ thông",
        "Tình trạng việc làm": "Tự làm, sản xuất kinh doanh",
        "Khuyết tật": 0,
        "Trợ cấp xã hội hằng tháng": 0,
        "Trẻ suy dinh dưỡng": 0,
    }
    base.update(values)
    assert set(base) <= set(MEMBER_TITLES), set(base) - set(MEMBER_TITLES)
    return [base.get(t) for t in MEMBER_TITLES]


CHILD = {
    "Họ tên": "Nguyễn Văn Bé",
    "Ngày sinh": D(2014, 3, 1),  # 10 on 1 September 2024
    "Quan hệ với chủ hộ": "Con",
    "Có thẻ BHYT": 1,
    "Trình độ học vấn": "Tiểu học",
    "Tình trạng việc làm": "Không tham gia lực lượng lao động",
}


def run(tmp_path, user, rows, members=None, *, write=False, year=2024):
    path = tmp_path / "in.xlsx"
    build_workbook(rows, members=members, path=path)
    if write:
        return services.workbook_import(path=path, user=user, year=year)
    return services.workbook_validate(path=path, user=user, year=year)


def nothing_written():
    assert not Household.objects.exists()
    assert not HouseholdReview.objects.exists()
    assert not Member.objects.exists()


# --- defect 1: a draft turns facts into overrides ---------------------------------------------


def test_defect1_draft_keeps_undecided_indicators_undecided(client, alice, household):
    login(client, alice)
    url = reverse("households:review-edit", args=[household.pk, 2023])
    housing_unknown = {"income_per_capita": "1.200.000"}
    assert client.post(url, housing_unknown | {"save": "1"}).status_code == 302
    review = HouseholdReview.objects.get()
    # Nothing chosen: CS07-CS12 are undecided, not "Không thiếu hụt" choices.
    assert [review.sources[str(n)] for n in range(7, 13)] == ["unknown"] * 6
    assert review.overrides == {}
    page = client.get(url).content.decode()
    assert "chưa đủ thông tin" in page
    assert 'value="0" selected' not in page  # no tick shows "Không thiếu hụt" as chosen

    # Submitting is refused while they are undecided.
    response = client.post(url, housing_unknown | {"submit": "1"})
    assert "chưa đủ thông tin" in response.content.decode()
    assert HouseholdReview.objects.get().status == "draft"

    # The officer records the house: the facts decide, no override, no confirmation needed.
    response = client.post(url, REVIEW | {"submit": "1"})
    assert response.status_code == 302
    review = HouseholdReview.objects.get()
    assert review.status == "submitted"
    assert (review.d07, review.d10) == (True, True)
    assert review.sources["7"] == review.sources["10"] == "derived"
    assert "overridden" not in review.sources.values()


def test_defect1_service_draft_stores_no_default_as_choice(alice, household):
    review = review_save(
        household=household,
        year=2023,
        user=alice,
        data=ReviewInput(income_per_capita=1_000_000, facts=rules.HouseholdFacts(), ticks={}),
    )
    from households.forms import ReviewForm

    initial = ReviewForm.initial_from(review)
    assert not [k for k in initial if k.startswith("t")]


# --- defect 2: the import overrides facts silently and calls it confirmed ---------------------


def test_defect2_tick_contradicting_member_facts_is_an_error(tmp_path, alice):
    rows = [ho_row(**{"CS04 Bảo hiểm y tế": 0, "CS06 Tình trạng đi học trẻ em": 0})]
    members = [nk_row(), nk_row(**CHILD)]
    plan = run(tmp_path, alice, rows, members)
    by_column = {e.column: e for e in plan.errors}
    assert set(by_column) == {"CS04", "CS06"}
    cs04, cs06 = by_column["CS04"], by_column["CS06"]
    assert (cs04.sheet, cs04.row, cs04.col) == ("HO", 2, TITLES.index("CS04 Bảo hiểm y tế") + 1)
    assert "Nguyễn Văn An, 40 tuổi, không có thẻ BHYT" in cs04.message
    assert "Lý do điều chỉnh CS04" in cs04.message
    assert "Nguyễn Văn Bé, 10 tuổi, không đi học" in cs06.message
    with pytest.raises(services.ImportRefused):
        run(tmp_path, alice, rows, members, write=True)
    nothing_written()


def test_defect2_blank_ticks_give_the_class_of_the_facts(tmp_path, alice):
    run(tmp_path, alice, [ho_row()], [nk_row(), nk_row(**CHILD)], write=True)
    review = HouseholdReview.objects.get()
    assert review.deprivation_count == 4  # CS04, CS06, CS07, CS10
    assert review.classification == "poor"
    assert review.overrides == {}


def test_defect2_override_with_reason_is_recorded_and_shown(tmp_path, alice, client):
    rows = [
        ho_row(
            **{
                "CS04 Bảo hiểm y tế": 0,
                "CS06 Tình trạng đi học trẻ em": 0,
                "Lý do điều chỉnh CS04": "Thẻ BHYT cấp 15/08, chưa cập nhật",
                "Lý do điều chỉnh CS06": "Cháu học lớp 5 ở xã bên",
            }
        )
    ]
    run(tmp_path, alice, rows, [nk_row(), nk_row(**CHILD)], write=True)
    review = HouseholdReview.objects.get()
    assert review.classification == "near_poor"
    assert review.sources["4"] == review.sources["6"] == "overridden"
    assert review.overrides["4"]["reason"] == "Thẻ BHYT cấp 15/08, chưa cập nhật"
    assert review.overrides["4"]["by"] == "alice"
    assert review.overrides["4"]["at"]
    page = login(client, alice).get(reverse("households:detail", args=[review.household_id]))
    text = page.content.decode()
    assert "Thẻ BHYT cấp 15/08, chưa cập nhật" in text
    assert "đã xác nhận" not in text
    # The export carries the reason, the re-import keeps who and when.
    out = tmp_path / "out.xlsx"
    call_command("export_reviews", "--year", "2024", str(out))
    sheet = load_workbook(out)["HO"]
    header = [c.value for c in sheet[1]]
    assert sheet[2][header.index("Lý do điều chỉnh CS06")].value == "Cháu học lớp 5 ở xã bên"
    authors = sheet[2][header.index("Điều chỉnh: người, thời điểm")].value
    assert authors.startswith("CS04: Alice, ")
    assert "; CS06: Alice, " in authors


# --- defect 3: facts the member sheet could not carry -----------------------------------------


def test_defect3_template_carries_every_fact_with_dropdowns(client, alice):
    response = login(client, alice).get(reverse("households:import-template"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    members = [c.value for c in book["NHAN_KHAU"][1]]
    for title in ("Trẻ suy dinh dưỡng", "Khuyết tật", "Trợ cấp xã hội hằng tháng", "Hạn thẻ BHYT"):
        assert title in members
    households = [c.value for c in book["HO"][1]]
    for title in ("Nguồn nước sinh hoạt", "Nhà tiêu", "Xác nhận thu nhập cao", "Điện thoại"):
        assert title in households
    covered = set()
    for sheet, titles in ((book["HO"], households), (book["NHAN_KHAU"], members)):
        for validation in sheet.data_validations.dataValidation:
            for cells in str(validation.sqref).split():
                covered.add((sheet.title, titles[_col(cells) - 1]))
    for needed in ("Trẻ suy dinh dưỡng", "Khuyết tật", "Trợ cấp xã hội hằng tháng", "Có thẻ BHYT"):
        assert ("NHAN_KHAU", needed) in covered
    for needed in ("Nguồn nước sinh hoạt", "Nhà tiêu", "Có thành viên sử dụng internet"):
        assert ("HO", needed) in covered


def _col(ref: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string("".join(ch for ch in ref.split(":")[0] if ch.isalpha()))


def test_defect3_nutrition_disability_and_expiry_come_from_the_sheet(tmp_path, alice):
    small = {**CHILD, "Ngày sinh": D(2021, 1, 1), "Đang đi học": "Mầm non"}
    rows = [
        ho_row("HB-1", **{"CS03 Dinh dưỡng": 1}),
        ho_row("HB-2", **{"CS03 Dinh dưỡng": 1}),
        ho_row("HB-3", **{"CS04 Bảo hiểm y tế": 1}),
        ho_row("HB-4", **{"Số nhân khẩu": 2}),
    ]
    members = [
        nk_row("HB-1", **{"Có thẻ BHYT": 1}),
        nk_row("HB-1", **{**small, "Trẻ suy dinh dưỡng": 1}),
        nk_row("HB-2", **{"Họ tên": "Lê Văn Hai", "Có thẻ BHYT": 1}),
        nk_row("HB-2", **{**small, "Họ tên": "Lê Văn Ba", "Trẻ suy dinh dưỡng": None}),
        nk_row(
            "HB-3", **{"Họ tên": "Trần Văn Bốn", "Có thẻ BHYT": 1, "Hạn thẻ BHYT": D(2023, 12, 31)}
        ),
        nk_row("HB-4", **{"Họ tên": "Võ Văn Năm", "Khuyết tật": 1, "Có thẻ BHYT": 1}),
        nk_row("HB-4", **{**small, "Họ tên": "Võ Văn Sáu"}),
    ]
    plan = run(tmp_path, alice, rows, members, write=True)
    assert plan.errors == []
    reviews = {r.household.code: r for r in HouseholdReview.objects.select_related("household")}
    # A malnourished child recorded: the tick agrees with the facts, no override.
    assert (reviews["HB-1"].d03, reviews["HB-1"].sources["3"]) == (True, "derived")
    # Nutrition not recorded: the tick is the officer's decision, not an override.
    assert (reviews["HB-2"].d03, reviews["HB-2"].sources["3"]) == (True, "reviewer")
    assert "Lê Văn Ba" in reviews["HB-2"].reasons["3"][0]
    # An expired card is deprived from the facts.
    assert (reviews["HB-3"].d04, reviews["HB-3"].sources["4"]) == (True, "derived")
    # A person with a disability and a child: 2 dependants of 2.
    assert (reviews["HB-4"].d02, reviews["HB-4"].sources["2"]) == (True, "derived")
    assert not any(r.overrides for r in reviews.values())


def test_defect3_blank_member_facts_are_unknown_not_absent(tmp_path, alice):
    member = nk_row(**{"Có thẻ BHYT": None, "Tình trạng việc làm": None})
    run(tmp_path, alice, [ho_row(**{"Số nhân khẩu": 1})], [member], write=True)
    stored = Member.objects.get()
    assert (stored.has_health_insurance, stored.work_status) == (None, None)
    review = HouseholdReview.objects.get()
    assert (review.sources["1"], review.sources["4"]) == ("unknown", "unknown")
    from households.services import review_submit

    with pytest.raises(Exception, match="CS01, CS04"):
        review_submit(review=review, user=alice)


# --- defect 6: implausible values pass ---------------------------------------------------------


def test_defect6_form_income_needs_confirmation(client, alice, household):
    login(client, alice)
    url = reverse("households:review-edit", args=[household.pk, 2023])
    huge = REVIEW | {"income_per_capita": "999.999.999.999"}
    response = client.post(url, huge)
    assert response.status_code == 200
    assert "cao hơn mức 50.000.000" in response.content.decode()
    assert not HouseholdReview.objects.exists()
    assert client.post(url, huge | {"income_confirmed": "on"}).status_code == 302
    review = HouseholdReview.objects.get()
    assert (review.income_per_capita, review.income_confirmed) == (999_999_999_999, True)


def test_defect6_form_income_ten_times_last_year_needs_confirmation(client, alice, household):
    login(client, alice)
    client.post(reverse("households:review-edit", args=[household.pk, 2022]), REVIEW)
    url = reverse("households:review-edit", args=[household.pk, 2023])
    response = client.post(url, REVIEW | {"income_per_capita": "12.000.001"})
    assert "gấp hơn 10 lần năm trước (1.200.000)" in response.content.decode()
    assert client.post(url, REVIEW | {"income_per_capita": "12.000.000"}).status_code == 302


def test_defect6_phone_must_be_vietnamese(client, alice, area):
    login(client, alice)
    response = client.post(reverse("households:create"), household_post(area("29173"), phone="abc"))
    assert "Số điện thoại phải gồm 10 chữ số" in response.content.decode()
    assert not Household.objects.exists()
    client.post(reverse("households:create"), household_post(area("29173"), phone="0912 345 678"))
    assert Household.objects.get().phone == "0912345678"


def test_defect6_import_refuses_future_and_ancient_births(tmp_path, alice):
    members = [
        nk_row(),
        nk_row(**{**CHILD, "Ngày sinh": D(2030, 1, 1)}),
        nk_row(**{**CHILD, "Họ tên": "Cụ", "Ngày sinh": D(1900, 1, 1)}),
    ]
    plan = run(tmp_path, alice, [ho_row()], members)
    dob = [(e.sheet, e.row, e.column) for e in plan.errors if e.column == "Ngày sinh"]
    assert dob == [("NHAN_KHAU", 3, "Ngày sinh"), ("NHAN_KHAU", 4, "Ngày sinh")]
    assert "sau thời điểm 01/09/2024" in plan.errors[0].message


def test_defect6_all_errors_of_a_row_in_one_pass(tmp_path, alice):
    rows = [ho_row(commune="99999", **{"Số nhân khẩu": 0, "Điện thoại": "abc"})]
    plan = run(tmp_path, alice, rows)
    assert sorted(e.column for e in plan.errors) == ["Mã xã", "Số nhân khẩu", "Điện thoại"]


def test_defect6_head_citizen_id_must_agree_between_sheets(tmp_path, alice):
    rows = [ho_row(**{"CCCD chủ hộ": "083084000111"})]
    members = [nk_row(CCCD="083084000222"), nk_row(**CHILD)]
    plan = run(tmp_path, alice, rows, members)
    [error] = plan.errors
    assert (error.sheet, error.row, error.column) == ("NHAN_KHAU", 2, "CCCD")
    assert "trang HO dòng 2" in error.message
    ok = run(tmp_path, alice, rows, [nk_row(CCCD="083084000111"), nk_row(**CHILD)])
    assert ok.errors == []


def test_defect6_import_income_confirmation_column(tmp_path, alice):
    rows = [ho_row(**{INCOME: 60_000_000})]
    plan = run(tmp_path, alice, rows, [nk_row(), nk_row(**CHILD)])
    assert [e.column for e in plan.errors] == [INCOME]
    rows = [ho_row(**{INCOME: 60_000_000, "Xác nhận thu nhập cao": 1})]
    run(tmp_path, alice, rows, [nk_row(), nk_row(**CHILD)], write=True)
    assert HouseholdReview.objects.get().income_confirmed is True


# --- bad input of the new columns, and the round trip ------------------------------------------


def test_bad_new_columns_are_reported_and_nothing_is_written(tmp_path, alice):
    rows = [
        ho_row(
            **{
                "Số bộ phận nhà không bền chắc": 5,
                "Diện tích ở (m²)": "rộng",
                "Nguồn nước sinh hoạt": "Nước giếng trời",
                "Có thành viên sử dụng internet": "có",
                "Xác nhận thu nhập cao": "x",
            }
        )
    ]
    members = [
        nk_row(**{"Khuyết tật": "có", "Hạn thẻ BHYT": "31/12/2025", "Trẻ suy dinh dưỡng": 2})
    ]
    plan = run(tmp_path, alice, rows, members)
    assert sorted((e.sheet, e.column) for e in plan.errors) == [
        ("HO", "Có thành viên sử dụng internet"),
        ("HO", "Diện tích ở (m²)"),
        ("HO", "Nguồn nước sinh hoạt"),
        ("HO", "Số bộ phận nhà không bền chắc"),
        ("HO", "Xác nhận thu nhập cao"),
        ("NHAN_KHAU", "Hạn thẻ BHYT"),
        ("NHAN_KHAU", "Khuyết tật"),
        ("NHAN_KHAU", "Mã hộ"),  # its household row has errors
        ("NHAN_KHAU", "Trẻ suy dinh dưỡng"),
    ]
    with pytest.raises(services.ImportRefused):
        run(tmp_path, alice, rows, members, write=True)
    nothing_written()


def test_export_then_import_is_a_no_op_with_every_new_column(tmp_path, alice):
    rows = [
        ho_row(
            "HB-1",
            **{
                "Điện thoại": "0912345678",
                "CS12 Phương tiện tiếp cận thông tin": 1,
                "Lý do điều chỉnh CS12": "Tivi hỏng từ tháng 6",
            },
        ),
        ho_row("HB-2", **{"Nhà tiêu": None, "CS01 Việc làm": 1}),
        ho_row("HB-3", **{INCOME: 70_000_000, "Xác nhận thu nhập cao": 1}),
    ]
    members = [
        nk_row("HB-1", **{"Có thẻ BHYT": 1, "Hạn thẻ BHYT": D(2026, 12, 31)}),
        nk_row("HB-1", **CHILD),
        nk_row(
            "HB-2",
            **{"Họ tên": "Lê Văn Hai", "Khuyết tật": None, "Tình trạng việc làm": None},
        ),
        nk_row("HB-3", **{"Họ tên": "Lê Văn Ba", "Đang đi học": None, "Trình độ học vấn": None}),
    ]
    plan = run(tmp_path, alice, rows, members)
    assert [e.message for e in plan.errors] == []
    run(tmp_path, alice, rows, members, write=True)
    before = (
        Household.history.count(),
        Member.history.count(),
        HouseholdReview.history.count(),
    )
    out = tmp_path / "out.xlsx"
    call_command("export_reviews", "--year", "2024", str(out))
    plan = services.workbook_import(path=out, user=alice, year=2024)
    assert plan.counts["unchanged"] == 3
    assert (plan.counts["create"], plan.counts["update"]) == (0, 0)
    after = (
        Household.history.count(),
        Member.history.count(),
        HouseholdReview.history.count(),
    )
    assert after == before
    review = HouseholdReview.objects.get(household__code="HB-1")
    assert review.overrides["12"]["reason"] == "Tivi hỏng từ tháng 6"
    second = HouseholdReview.objects.get(household__code="HB-2")
    assert (second.sources["10"], second.sources["1"]) == ("unknown", "reviewer")


def test_admin_shows_but_cannot_set_the_results(client, alice, household, django_user_model):
    review = review_save(
        household=household,
        year=2023,
        user=alice,
        data=ReviewInput(income_per_capita=1_000_000, facts=rules.HouseholdFacts(), ticks={}),
    )
    admin = django_user_model.objects.create_superuser("root13", "r@example.org", "x-Pass-13!")
    client.force_login(admin)
    url = reverse("admin:households_householdreview_change", args=[review.pk])
    page = client.get(url).content.decode()
    assert 'name="d04"' not in page
    assert 'name="classification"' not in page
    # The whole review is read-only in the admin (issue 16): writes go through the services.
    assert 'name="income_per_capita"' not in page
    assert "1.000.000" in page
