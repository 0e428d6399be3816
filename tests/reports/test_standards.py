"""Issue 15 in the reports: the forecast under another standard (writes nothing, equals a
household-by-household re-classification), low-income workers in the snapshot, dashboard and
official table, and a local standard that never changes the national figures."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households import rules, services
from households.forecast import forecast_run
from households.models import (
    Area,
    Household,
    HouseholdReview,
    Member,
    PovertyIndicator,
    PovertyStandard,
)
from households.organisation.rules import tree_date_for_year
from households.organisation.selectors import province_on
from households.organisation.services import households_carry
from households.selectors import indicator_specs, member_facts, review_facts
from reports import services as report_services
from reports.models import ForecastJob
from tests.conftest import login

pytestmark = pytest.mark.django_db

AN_DUC, PHU_KHANH = "29173", "29185"
BA_TRI = "29110-2025"  # the unit An Đức is part of since 1 July 2025


def facts(**overrides) -> rules.HouseholdFacts:
    values = {
        "nondurable_parts": 0, "floor_area_m2": 60, "water_source": "tap", "latrine": "septic",
        "uses_internet": True, "has_information_device": True, "waste_treatment": "collected",
        "uses_digital_services": True,
    }  # fmt: skip
    values.update(overrides)
    return rules.HouseholdFacts(**values)


# code, commune, income, facts: 2026 (Decree 07) and what 2027-2030 makes of it
CASES = [
    # 2,000,000 rural is "average" in 2026; 3 deprivations: poor under 2027 (line 2.2 M).
    ("F1", AN_DUC, 2_000_000, facts(nondurable_parts=3, water_source="unprotected", latrine="unhygienic")),
    # Poor in 2026 through the information-means indicator; 2027 drops it: near-poor.
    ("F2", AN_DUC, 1_000_000, facts(nondurable_parts=3, water_source="unprotected", has_information_device=False)),
    # Near-poor in 2026; untreated waste is the 3rd deprivation in 2027: poor.
    ("F3", AN_DUC, 1_200_000, facts(nondurable_parts=3, latrine="unhygienic", waste_treatment="untreated")),
    # Above 2.2 M: average in 2026, above in 2027 (no average band seeded).
    ("F4", PHU_KHANH, 2_210_000, facts()),
    # Unchanged: poor in both.
    ("F5", PHU_KHANH, 900_000, facts(nondurable_parts=3, water_source="unprotected", latrine="unhygienic")),
]  # fmt: skip


@pytest.fixture
def approved(alice):
    reviews = []
    for code, commune, income, household_facts in CASES:
        household = Household.objects.create(
            code=code, commune=Area.objects.get(code=commune), head_name=f"Lê Văn {code}"
        )
        Member.objects.create(
            household=household, full_name=f"Lê Văn {code}", sex="M",
            date_of_birth=date(1980, 1, 1), relationship="head", has_health_insurance=True,
            work_status="self_employed", education="upper_secondary",
        )  # fmt: skip
        review = services.review_save(
            household=household,
            year=2026,
            data=services.ReviewInput(income, household_facts, {}),
            user=alice,
        )
        HouseholdReview.objects.filter(pk=review.pk).update(status="approved")
        reviews.append(review)
    return reviews


def other_standard() -> PovertyStandard:
    """2031-2035, a made-up standard whose member rules differ (health cards from birth, 80 m² a person)."""
    other = PovertyStandard.objects.create(
        code="T-2031", name="Chuẩn thử 2031", year_from=2031, year_to=2035,
        rural_poverty_line=1_300_000, urban_poverty_line=1_800_000, has_average_band=False,
    )  # fmt: skip
    for i in PovertyStandard.objects.get(code="2027-2030").indicators.all():
        params = dict(i.params)
        if i.rule == "health_insurance":
            params = {"min_age": 0}
        if i.rule == "housing_area":
            params = {"min_m2_per_person": 80}
        PovertyIndicator.objects.create(
            standard=other, number=i.number, code=i.code, column=i.column, service=i.service,
            name=i.name, rule=i.rule, params=params,
        )  # fmt: skip
    return other


def test_forecast_with_different_member_rules_equals_one_by_one(approved):
    target = other_standard()
    forecast = forecast_run(area=Area.objects.get(code="83"), standard=target)
    specs, lines = indicator_specs(target), target.lines()
    expected = Counter()
    for review in HouseholdReview.objects.select_related("household"):
        evaluation = rules.evaluate(
            members=member_facts(review.household), facts=review_facts(review), ticks={},
            income_per_capita=review.income_per_capita, is_urban=review.is_urban, lines=lines,
            on=review.reference_date, indicators=specs,
        )  # fmt: skip
        expected[review.round.area_id, evaluation.classification] += 1
    got = Counter(
        {(c.area_id, k): n for c in forecast.communes.values() for k, n in c.after.items() if n}
    )
    assert got == expected
    assert sum(c.gained[8] for c in forecast.communes.values()) == 5  # 60 m² a person < 80


def snapshot_of_reviews():
    rows = list(HouseholdReview.objects.order_by("pk").values())
    history = HouseholdReview.history.count()
    return rows, history


def test_forecast_writes_nothing_and_equals_one_by_one_reclassification(approved):
    province = Area.objects.get(code="83")
    s2027 = PovertyStandard.objects.get(code="2027-2030")
    before = snapshot_of_reviews()
    forecast = forecast_run(area=province, standard=s2027)
    assert snapshot_of_reviews() == before
    assert forecast.year == 2026
    # The same reviews classified one at a time by the rules.
    expected_after, expected_before = Counter(), Counter()
    specs, lines = indicator_specs(s2027), s2027.lines()
    for review in HouseholdReview.objects.select_related("household"):
        evaluation = rules.evaluate(
            members=member_facts(review.household),
            facts=review_facts(review),
            ticks={},
            income_per_capita=review.income_per_capita,
            is_urban=review.is_urban,
            lines=lines,
            on=review.reference_date,
            indicators=specs,
        )
        commune = review.round.area_id
        expected_after[commune, evaluation.classification] += 1
        expected_before[commune, review.classification] += 1
    got_after = Counter(
        {(c.area_id, k): n for c in forecast.communes.values() for k, n in c.after.items() if n}
    )
    got_before = Counter(
        {(c.area_id, k): n for c in forecast.communes.values() for k, n in c.before.items() if n}
    )
    assert got_after == expected_after
    assert got_before == expected_before
    an_duc = next(c for c in forecast.communes.values() if c.code == AN_DUC)
    assert dict(an_duc.before) == {"average": 1, "poor": 1, "near_poor": 1}
    assert dict(an_duc.after) == {"poor": 2, "near_poor": 1}
    assert an_duc.poor_change == 1
    assert dict(an_duc.changes) == {"average>poor": 1, "poor>near_poor": 1, "near_poor>poor": 1}
    assert an_duc.gained[13] == 1  # waste treatment (F3)
    assert an_duc.lost[12] == 1  # information means (F2)
    total = forecast.total
    assert (total.before["poor"], total.after["poor"]) == (2, 3)
    assert forecast.mixes_standards
    assert next(c.code for c in forecast.ranked()) == AN_DUC


def test_provincial_staff_run_the_forecast_and_download_it(
    client, pat, alice, approved, django_capture_on_commit_callbacks
):
    # The forecast is of the province in force (Vĩnh Long): its households are in its units.
    households_carry(reason="Sáp nhập 1/7/2025")
    province = province_on()
    login(client, pat)
    page = client.get(reverse("reports:forecast"))
    assert page.status_code == 200
    assert 'value="2027-2030" selected' in page.content.decode()
    assert 'value="83"' not in page.content.decode()  # Bến Tre, closed on 1 July 2025
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:forecast"), {"area": province.code, "standard": "2027-2030"}
        )
    job = ForecastJob.objects.get()
    assert response.url == reverse("reports:forecast-job", args=[job.pk])
    assert (job.status, job.year, job.households_done) == ("done", 2026, 5)
    html = client.get(response.url).content.decode()
    assert 'data-poor-before="2" data-poor-after="3"' in html
    assert "so sánh hai chuẩn nghèo khác nhau" in html
    assert "tham số tạm tính" in html
    first_row = html.split('<tr data-code="')[1]
    assert first_row.startswith(BA_TRI)
    download = client.get(reverse("reports:forecast-download", args=[job.pk]))
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == ["TONG_HOP", "CHI_SO", "HO_THAY_DOI"]
    rows = list(book["TONG_HOP"].iter_rows(values_only=True))
    header = rows[3]
    an_duc = next(r for r in rows if r[0] == BA_TRI)
    assert an_duc[header.index("Thay đổi số hộ nghèo")] == 1
    changed = [r[1] for r in book["HO_THAY_DOI"].iter_rows(min_row=2, values_only=True)]
    assert sorted(changed) == ["F1", "F2", "F3", "F4"]
    # Others' jobs are not theirs; commune officers have no forecast page.
    login(client, alice)
    assert client.get(reverse("reports:forecast")).status_code == 404
    assert client.get(reverse("reports:forecast-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:forecast-download", args=[job.pk])).status_code == 404


def test_low_income_workers_counted_on_dashboard_and_official_table(client, pat, alice):
    household = Household.objects.create(
        code="L1", commune=Area.objects.get(code=AN_DUC), head_name="Phạm Thị Lan"
    )
    for name, sex, born, work in (
        ("Phạm Thị Lan", "F", date(1985, 1, 1), "self_employed"),
        ("Võ Văn Nam", "M", date(1960, 1, 1), "wage_contract"),  # past retirement age
        ("Võ Văn Tú", "M", date(2000, 3, 1), "wage_no_contract"),
    ):
        Member.objects.create(
            household=household, full_name=name, sex=sex, date_of_birth=born,
            relationship="head" if sex == "F" else "child", work_status=work,
            has_health_insurance=True, education="upper_secondary",
        )  # fmt: skip
    review = services.review_save(
        household=household, year=2026, data=services.ReviewInput(2_250_000, facts(), {}),
        user=alice,
    )  # fmt: skip
    HouseholdReview.objects.filter(pk=review.pk).update(status="approved")
    report_services.snapshot_rebuild(year=2026, trigger="manual")
    page = login(client, pat).get(reverse("reports:area-dashboard", args=[AN_DUC]) + "?year=2026")
    table = page.context["tables"]["low_income"]
    assert table.rows[0][1:] == [2, 1, 1, 1, 1, 0]  # total, men, women, 15-34, 35-54, 55+
    response = client.get(
        reverse("reports:official"), {"year": 2026, "area": AN_DUC, "table": "low_income"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Tổng số người lao động có thu nhập thấp" in values


def test_2027_official_deprivation_table_has_the_2027_indicators(client, pat, alice, approved):
    report_services.snapshot_rebuild(year=2026, trigger="manual")
    response = login(client, pat).get(
        reverse("reports:official"), {"year": 2026, "area": "83", "table": "poor_deprivations"}
    )
    values = [c for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]  # fmt: skip
    assert any(str(v).startswith("CS12 Phương tiện") for v in values)
    from reports.official import table_for_year

    labels = [c[0] for c in table_for_year("poor_deprivations", 2027).columns]
    assert any(label.startswith("CS12 Xử lý rác thải") for label in labels)
    assert not any("Phương tiện" in label for label in labels)


def test_a_local_standard_never_changes_the_national_tables(alice, approved, client, pat):
    report_services.snapshot_rebuild(year=2026, trigger="manual")
    national = _national_values(2026)
    # The province of 2026: Vĩnh Long. Its 2026 reviews are filed in its units (since 1 July
    # 2025): the fixture's reviews go to the unit An Đức became part of (the households are
    # not carried yet: their local standard is still their successor province's).
    province = province_on(tree_date_for_year(2026))
    assert province.code != "83"
    ba_tri = Area.objects.get(code="29110-2025")
    HouseholdReview.objects.filter(pk__in=[r.pk for r in approved]).update(
        area=ba_tri, area_path=ba_tri.path
    )
    report_services.snapshot_rebuild(year=2026, trigger="manual")
    national = _national_values(2026)
    local = PovertyStandard.objects.create(
        code="BT-LOCAL-2026", name="Chuẩn nghèo của tỉnh 2026", scope="local", province=province,
        year_from=2026, year_to=2026, rural_poverty_line=2_500_000, urban_poverty_line=3_000_000,
        has_average_band=False, poor_min_deprivations=3,
    )  # fmt: skip
    for spec in indicator_specs(PovertyStandard.objects.get(code="2022-2025")):
        PovertyIndicator.objects.create(
            standard=local, number=spec.column, code=spec.code, column=spec.column,
            service="x", name=spec.code, rule=spec.rule,
        )  # fmt: skip
    # Saving the reviews again gives each household its local status beside the national one.
    for review in approved:
        HouseholdReview.objects.filter(pk=review.pk).update(status="draft")
        review.refresh_from_db()
        saved = services.review_save(
            household=review.household, year=2026,
            data=services.ReviewInput(review.income_per_capita, review_facts(review), {}),
            user=alice,
        )  # fmt: skip
        assert saved.classification == review.classification
        assert saved.local_standard == local
        HouseholdReview.objects.filter(pk=review.pk).update(status="approved")
    local_classes = Counter(HouseholdReview.objects.values_list("local_classification", flat=True))
    assert local_classes == {"poor": 3, "near_poor": 2}
    report_services.snapshot_rebuild(year=2026, trigger="manual")
    assert _national_values(2026) == national
    page = login(client, pat).get(reverse("reports:dashboard") + "?year=2026")
    table = page.context["tables"]["local"]
    assert table.rows[0][1:] == [3, 2]
    assert "Số liệu theo chuẩn nghèo của địa phương, tách riêng" in page.content.decode()


def _national_values(year: int) -> dict:
    from reports.models import IndicatorValue

    return {
        (v.area_id, v.indicator): v.value
        for v in IndicatorValue.objects.filter(snapshot__status="active", year=year)
        if not v.indicator.startswith("local_")
    }
