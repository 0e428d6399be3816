"""Issue 15: standards as data (2022-2025 extended to 2026, 2027-2030), rounds naming their
standard, low-income workers (Decree 30/2025), bad standard input."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from households import rules, services
from households.excel import services as excel_services
from households.models import HouseholdReview, Member, PovertyIndicator, PovertyStandard
from households.organisation import roles
from households.selectors import NoStandardError, indicator_specs, standard_for_year
from households.workbook import WorkbookError
from tests.conftest import login, make_user
from tests.households.test_excel_support import build_workbook, household_row

pytestmark = pytest.mark.django_db

# Three deprivations from the dwelling facts (housing quality, water, latrine), the rest fine.
THREE = rules.HouseholdFacts(
    nondurable_parts=3,
    floor_area_m2=60,
    water_source="unprotected",
    latrine="unhygienic",
    uses_internet=True,
    has_information_device=True,
    waste_treatment="collected",
    uses_digital_services=True,
)


def insured(household) -> None:
    household.members.update(
        has_health_insurance=True, work_status=rules.SELF_EMPLOYED, education="upper_secondary"
    )


def data(income: int, facts=THREE) -> services.ReviewInput:
    return services.ReviewInput(income_per_capita=income, facts=facts, ticks={})


# --- the seeded standards -------------------------------------------------------------------


def test_2026_is_under_decree_07_and_2027_under_decree_351():
    s2026, s2027 = standard_for_year(2026), standard_for_year(2027)
    assert (s2026.code, s2026.rural_poverty_line, s2026.urban_poverty_line) == (
        "2022-2025",
        1_500_000,
        2_000_000,
    )
    assert (s2027.code, s2027.rural_poverty_line, s2027.urban_poverty_line) == (
        "2027-2030",
        2_200_000,
        2_800_000,
    )
    assert s2027.poor_min_deprivations == 3
    codes = [(i.code, i.rule, i.column) for i in s2027.indicators.all()]
    assert ("CS12", "information_access", 12) not in codes
    assert ("CS12", "waste_treatment", 13) in codes
    assert ("CS11", "digital_services", 11) in codes
    dimensions = {i.service for i in s2027.indicators.filter(column__in=(9, 10, 13))}
    assert dimensions == {"Nước sạch, vệ sinh và môi trường"}
    assert s2027.indicators.filter(provisional=True).exists()


def test_no_standard_for_2031_is_a_clear_error():
    with pytest.raises(NoStandardError) as error:
        standard_for_year(2031)
    assert "2031" in error.value.messages[0]
    assert "Quản trị" in error.value.messages[0]


# --- rounds and reviews -----------------------------------------------------------------------


def test_2026_review_classifies_under_decree_07_lines(alice, household):
    insured(household)
    review = services.review_save(household=household, year=2026, data=data(1_500_000), user=alice)
    assert (review.classification, review.deprivation_count) == ("poor", 3)
    assert review.standard.code == "2022-2025"
    assert review.poverty_line == 1_500_000
    assert review.standard_revision == review.standard.revision
    assert review.round.standard.code == "2022-2025"
    review = services.review_save(household=household, year=2026, data=data(1_500_001), user=alice)
    assert review.classification == "average"


def test_2027_exactly_on_the_rural_line_with_3_deprivations_is_poor(alice, household):
    insured(household)
    review = services.review_save(household=household, year=2027, data=data(2_200_000), user=alice)
    assert (review.classification, review.deprivation_count) == ("poor", 3)
    assert review.standard.code == "2027-2030"
    assert review.poverty_line == 2_200_000
    review = services.review_save(household=household, year=2027, data=data(2_200_001), user=alice)
    # No average band is seeded for 2027-2030 [verify]: above the line is above.
    assert review.classification == "above"


def test_2027_waste_treatment_is_an_indicator_and_information_means_is_not(alice, household):
    insured(household)
    facts = rules.HouseholdFacts(
        nondurable_parts=0,
        floor_area_m2=60,
        water_source="tap",
        latrine="septic",
        uses_internet=True,
        has_information_device=False,  # deprived under 2022-2025 only
        waste_treatment="untreated",  # deprived under 2027-2030 only
        uses_digital_services=True,
    )
    r2026 = services.review_save(
        household=household, year=2026, data=data(1_000_000, facts), user=alice
    )
    assert (r2026.d12, r2026.d13, r2026.deprivation_count) == (True, False, 1)
    r2027 = services.review_save(
        household=household, year=2027, data=data(1_000_000, facts), user=alice
    )
    assert (r2027.d12, r2027.d13, r2027.deprivation_count) == (False, True, 1)
    assert r2027.reasons["13"] == ["Rác thải sinh hoạt của hộ không được thu gom, xử lý"]


def test_rules_at_the_2027_line_without_db():
    lines = rules.StandardLines(2_200_000, 2_800_000, 2_200_000, 2_800_000, 3)
    assert (
        rules.classify(
            income_per_capita=2_200_000, is_urban=False, deprivation_count=3, lines=lines
        )
        == "poor"
    )
    assert (
        rules.classify(
            income_per_capita=2_200_001, is_urban=False, deprivation_count=3, lines=lines
        )
        == "above"
    )
    assert (
        rules.classify(income_per_capita=2_800_000, is_urban=True, deprivation_count=2, lines=lines)
        == "near_poor"
    )


def test_review_form_2026_works_and_2027_asks_the_new_facts(client, alice, household):
    login(client, alice)
    page = client.get(reverse("households:review-edit", args=[household.pk, 2026]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="has_information_device"' in html
    assert 'name="waste_treatment"' not in html
    assert "Phương tiện phục vụ tiếp cận thông tin" in html
    page = client.get(reverse("households:review-edit", args=[household.pk, 2027]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="has_information_device"' not in html
    assert "Phương tiện phục vụ tiếp cận thông tin" not in html
    assert 'name="waste_treatment"' in html
    assert 'name="uses_digital_services"' in html
    assert "CS12 Xử lý rác thải sinh hoạt" in html
    assert 'name="t13"' in html
    assert 'name="t12"' not in html
    assert "tham số tạm tính" in html  # the provisional notice


def test_review_form_saves_a_2027_review_with_waste_treatment(client, alice, household):
    insured(household)
    login(client, alice)
    response = client.post(
        reverse("households:review-edit", args=[household.pk, 2027]),
        {
            "income_per_capita": "2.200.000",
            "nondurable_parts": "3",
            "floor_area_m2": "60",
            "water_source": "unprotected",
            "latrine": "septic",
            "uses_internet": "1",
            "uses_digital_services": "1",
            "waste_treatment": "untreated",
            "save": "1",
        },
    )
    assert response.status_code == 302
    review = HouseholdReview.objects.get(household=household, year=2027)
    assert (review.waste_treatment, review.d13, review.classification) == (
        "untreated",
        True,
        "poor",
    )


def test_a_year_without_standard_answers_a_message_not_a_500(client, alice, household):
    login(client, alice)
    page = client.get(reverse("households:review-edit", args=[household.pk, 2031]))
    assert page.status_code == 409
    assert "Chưa có chuẩn nghèo áp dụng cho năm 2031" in page.content.decode()
    preview = client.post(
        reverse("households:review-preview", args=[household.pk, 2031]),
        {"income_per_capita": "1000000"},
        HTTP_ACCEPT="application/json",
    )
    assert preview.status_code == 409
    assert "2031" in preview.json()["errors"]["__all__"][0]
    with pytest.raises(NoStandardError):
        services.review_save(household=household, year=2031, data=data(1), user=alice)
    assert not household.reviews.exists()
    assert not household.commune.review_rounds.filter(year=2031).exists()


def test_import_and_generator_refuse_a_year_without_standard(alice, tmp_path):
    path = tmp_path / "in.xlsx"
    build_workbook([household_row()], path=path)
    with pytest.raises(WorkbookError, match="2031"):
        excel_services.workbook_validate(path=path, user=alice, year=2031)
    with pytest.raises(CommandError, match="2031"):  # the bulk import command
        call_command("import_reviews", str(path), year=2031, user="alice")
    with pytest.raises(CommandError, match="2031"):
        call_command("generate_province", households=5, year=2031)


def test_2027_template_and_import_follow_the_2027_indicators(client, alice, tmp_path):
    login(client, alice)
    response = client.get(reverse("households:import-template") + "?year=2027")
    titles = [
        c.value for c in load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"][1]
    ]
    assert "CS12 Xử lý rác thải sinh hoạt" in titles
    assert "CS11 Sử dụng dịch vụ số, internet" in titles
    assert not any("Phương tiện" in t for t in titles)
    assert "Xử lý rác thải sinh hoạt" in titles
    response = client.get(reverse("households:import-template") + "?year=2026")
    titles = [
        c.value for c in load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"][1]
    ]
    assert "CS12 Phương tiện tiếp cận thông tin" in titles
    # An import of 2027 with the 2027 titles: tick 12 is waste treatment (column d13). In 2027
    # An Đức is part of the new Xã Ba Tri (GSO code 29110, since 1 July 2025).
    officer = make_user("ba-tri", roles.AREA_OFFICER, areas=["29110-2025"])
    row = household_row(commune="29110", **{"CS12 Phương tiện tiếp cận thông tin": 1})
    book = tmp_path / "2027.xlsx"
    build_workbook([row], path=book, titles=titles_2027())
    excel_services.workbook_import(path=book, user=officer, year=2027)
    review = HouseholdReview.objects.get(household__code="HB-0001", year=2027)
    assert (review.d12, review.d13, review.standard.code) == (False, True, "2027-2030")


def titles_2027() -> list[str]:
    from tests.households.test_excel_support import TITLES

    renamed = {
        "CS11 Dịch vụ viễn thông": "CS11 Sử dụng dịch vụ số, internet",
        "CS12 Phương tiện tiếp cận thông tin": "CS12 Xử lý rác thải sinh hoạt",
    }
    return [renamed.get(t, t) for t in TITLES]


# --- low-income workers ---------------------------------------------------------------------


RULE = rules.LowIncomeRule(rural_line=2_250_000, urban_line=3_000_000)
WORKER = rules.MemberFacts(
    full_name="Trần Thị B",
    date_of_birth=date(1990, 5, 1),
    is_female=True,
    work_status="self_employed",
)


@pytest.mark.parametrize(
    ("income", "urban", "klass", "expected"),
    [
        (2_250_000, False, "average", True),
        (2_250_001, False, "above", False),
        (3_000_000, True, "average", True),
        (3_000_001, True, "above", False),
        (1_000_000, False, "poor", False),
        (1_000_000, False, "near_poor", False),
    ],
)
def test_low_income_worker_rule(income, urban, klass, expected):
    found = rules.is_low_income_worker(
        WORKER,
        on=date(2026, 9, 1),
        income_per_capita=income,
        is_urban=urban,
        classification=klass,
        rule=RULE,
    )
    assert found is expected


def test_low_income_worker_age_conditions():
    child = rules.MemberFacts(
        full_name="C", date_of_birth=date(2012, 1, 1), work_status="self_employed"
    )
    retired = rules.MemberFacts(
        full_name="R", date_of_birth=date(1950, 1, 1), work_status="self_employed"
    )
    idle = rules.MemberFacts(full_name="I", date_of_birth=date(1990, 1, 1))
    for member in (child, retired, idle):
        assert not rules.is_low_income_worker(
            member, on=date(2026, 9, 1), income_per_capita=2_000_000, is_urban=False,
            classification="average", rule=RULE,
        )  # fmt: skip


def test_household_page_lists_low_income_workers(client, alice, household):
    insured(household)
    fine = rules.HouseholdFacts(
        nondurable_parts=0, floor_area_m2=60, water_source="tap", latrine="septic",
        uses_internet=True, has_information_device=True,
    )  # fmt: skip
    services.review_save(household=household, year=2026, data=data(2_250_000, fine), user=alice)
    page = login(client, alice).get(reverse("households:detail", args=[household.pk]))
    html = page.content.decode()
    assert "Người lao động có thu nhập thấp" in html
    assert '<dd class="low-income-workers">Nguyễn Văn An</dd>' in html
    services.review_save(household=household, year=2026, data=data(2_250_001, fine), user=alice)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert '<dd class="low-income-workers">Không có</dd>' in html
    # Not identified in 2027 (Decree 30/2025 covers the 2025 and 2026 reviews).
    services.review_save(household=household, year=2027, data=data(2_000_000, fine), user=alice)
    review = household.reviews.get(year=2027)
    assert review.standard.low_income_rule(2027) is None


def test_export_marks_low_income_workers(alice, household, tmp_path):
    insured(household)
    fine = rules.HouseholdFacts(
        nondurable_parts=0, floor_area_m2=60, water_source="tap", latrine="septic",
        uses_internet=True, has_information_device=True,
    )  # fmt: skip
    services.review_save(household=household, year=2026, data=data(2_250_000, fine), user=alice)
    review = household.reviews.get()
    review.status = "approved"
    review.save()
    out = tmp_path / "out.xlsx"
    call_command("export_reviews", str(out), year=2026)
    members = load_workbook(out)["NHAN_KHAU"]
    header = [c.value for c in members[1]]
    column = header.index("Người lao động có thu nhập thấp")
    assert members[2][column].value == 1


# --- bad input to a standard ------------------------------------------------------------------


def standard(**overrides) -> PovertyStandard:
    values = {
        "code": "TEST",
        "name": "Chuẩn thử",
        "year_from": 2031,
        "year_to": 2035,
        "rural_poverty_line": 3_000_000,
        "urban_poverty_line": 3_500_000,
        "has_average_band": False,
        "poor_min_deprivations": 3,
    }
    values.update(overrides)
    return PovertyStandard(**values)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_overlapping_years_of_the_same_scope_are_refused():
    errors = errors_of(standard(year_from=2029))
    assert "trùng với chuẩn" in errors["year_from"][0]
    standard().full_clean()  # 2031-2035 overlaps nothing


def test_a_line_of_zero_and_a_band_below_the_line_are_refused():
    assert "lớn hơn 0" in errors_of(standard(rural_poverty_line=0))["rural_poverty_line"][0]
    bad = standard(has_average_band=True, rural_average_line=2_000_000, urban_average_line=None)
    errors = errors_of(bad)
    assert "lớn hơn chuẩn nghèo" in errors["rural_average_line"][0]
    assert "cận trên" in errors["urban_average_line"][0]


def test_indicator_parameters_out_of_range_and_missing_rule_are_refused():
    s = standard()
    s.save()
    bad = PovertyIndicator(
        standard=s, number=1, code="CS08", column=8, service="Nhà ở", name="Diện tích",
        rule="housing_area", params={"min_m2_per_person": 500},
    )  # fmt: skip
    assert "min_m2_per_person" in errors_of(bad)["params"][0]
    unknown = PovertyIndicator(
        standard=s, number=2, code="CS99", column=9, service="x", name="x", rule="",
    )  # fmt: skip
    assert "Chỉ số CS99 chưa có quy tắc xác định." in errors_of(unknown)["rule"]
    wrong_codes = PovertyIndicator(
        standard=s, number=3, code="CS09", column=9, service="x", name="x", rule="water",
        params={"safe_sources": ["lake"]},
    )  # fmt: skip
    assert "safe_sources" in errors_of(wrong_codes)["params"][0]
    assert rules.rule_params_errors("adult_education", {"min_age": 30, "max_age": 16}) == {
        "max_age": "Tuổi tối đa phải lớn hơn tuổi tối thiểu."
    }


def test_admin_form_shows_the_field_and_reason(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    s2027 = PovertyStandard.objects.get(code="2027-2030")
    response = client.post(
        reverse("admin:households_povertystandard_add"),
        {
            "code": "X", "name": "X", "scope": "national", "year_from": 2028, "year_to": 2029,
            "rural_poverty_line": 0, "urban_poverty_line": 1, "poor_min_deprivations": 3,
            "low_income_params": "{}", "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chuẩn nghèo phải lớn hơn 0 đồng." in html
    assert "trùng với chuẩn" in html
    assert s2027.name in html
    assert not PovertyStandard.objects.filter(code="X").exists()


def test_a_standard_with_approved_reviews_cannot_change(alice, bob, household):
    review = services.review_save(household=household, year=2026, data=data(1_000_000), user=alice)
    services.review_submit(review=review, user=alice)
    services.review_approve(review=review, user=bob)
    s = PovertyStandard.objects.get(code="2022-2025")
    s.rural_poverty_line = 1_600_000
    assert "phiên bản chuẩn mới" in errors_of(s)["rural_poverty_line"][0]
    indicator = s.indicators.get(column=8)
    indicator.params = {"min_m2_per_person": 9}
    assert "phiên bản chuẩn mới" in errors_of(indicator)["params"][0]
    s.refresh_from_db()
    s.name = "Chuẩn nghèo đa chiều 2022-2026"  # a label is not a deciding field
    s.full_clean()


def test_reclassifying_open_reviews_is_explicit_and_audited(alice, bob, household, make_household):
    insured(household)
    review = services.review_save(household=household, year=2026, data=data(2_000_000), user=alice)
    assert review.classification == "average"
    s2027 = PovertyStandard.objects.get(code="2027-2030")
    with pytest.raises(ValidationError):  # 2027-2030 does not cover 2026
        services.round_reclassify(round_=review.round, standard=s2027, user=bob, reason="thử")
    local = standard(
        code="LOCAL", scope="local", province=household.commune.parent.parent,
        year_from=2026, year_to=2026, rural_poverty_line=2_500_000,
    )  # fmt: skip
    local.save()
    for spec in indicator_specs(PovertyStandard.objects.get(code="2022-2025")):
        PovertyIndicator.objects.create(
            standard=local, number=spec.column, code=spec.code, column=spec.column,
            service="x", name=spec.code, rule=spec.rule,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.round_reclassify(round_=review.round, standard=local, user=bob, reason=" ")
    assert services.round_reclassify(
        round_=review.round, standard=local, user=bob, reason="Thử chuẩn địa phương"
    ) == 1  # fmt: skip
    review.refresh_from_db()
    assert (review.classification, review.standard.code, review.poverty_line) == (
        "poor",
        "LOCAL",
        2_500_000,
    )
    record = review.history.latest()
    assert (record.history_user, record.history_change_reason) == (bob, "Thử chuẩn địa phương")
    assert review.round.history.latest().history_change_reason == "Thử chuẩn địa phương"
    services.review_submit(review=review, user=alice)
    with pytest.raises(ValidationError, match="đã gửi hoặc đã duyệt"):
        services.round_reclassify(round_=review.round, standard=local, user=bob, reason="lại")


def test_member_who_left_is_not_a_low_income_worker(alice, household):
    insured(household)
    Member.objects.filter(household=household).update(left_on=date(2026, 1, 1))
    fine = rules.HouseholdFacts(
        nondurable_parts=0, floor_area_m2=60, water_source="tap", latrine="septic"
    )
    review = services.review_save(
        household=household, year=2026, data=data(2_000_000, fine), user=alice
    )
    from households.selectors import low_income_workers

    assert low_income_workers(review, list(household.members.all())) == []
