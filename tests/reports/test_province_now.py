"""Issue 14: the merged Vĩnh Long of 2026 next to the Bến Tre history it carries.

The small province of conftest (An Đức and Tân Mỹ in Ba Tri, Phú Khánh in Thạnh Phú, reviews
2022 and 2023) is carried into the 2025 tree; its households are reviewed again in 2026.
"""

import datetime as dt

import pytest
from django.urls import reverse

from households import rules, services
from households.models import Area, AreaPopulation, Household
from households.organisation.services import households_carry
from reports.official import TABLES, official_rows
from reports.selectors import FORMER_UNITS, NO_DATA_BEFORE, snapshot_list_active, trend_points
from reports.services import snapshot_rebuild

from .conftest import build_province_data, make_review

pytestmark = pytest.mark.django_db

BA_TRI, MY_CHANH_HOA, DAI_DIEN = "29110-2025", "29122-2025", "29194-2025"


@pytest.fixture
def merged(db):
    households = build_province_data()
    households_carry(on=dt.date(2026, 12, 1))
    units = {a.code: a for a in Area.objects.filter(code__in=[BA_TRI, MY_CHANH_HOA, DAI_DIEN])}
    for code, (n, persons) in {BA_TRI: (300, 1200), MY_CHANH_HOA: (150, 600),
                               DAI_DIEN: (200, 800)}.items():  # fmt: skip
        AreaPopulation.objects.create(area=units[code], year=2026, households=n, persons=persons)
    classes_2026 = {"H1": "poor", "H2": "above", "H4": "near_poor", "H7": "poor", "H9": "poor"}
    for code, klass in classes_2026.items():
        make_review(households[code], 2026, klass, members=3)
    for year in (2022, 2023, 2026):
        snapshot_rebuild(year=year)
    return households


def _snapshot(year):
    return next(s for s in snapshot_list_active() if s.year == year)


def test_an_duc_household_is_under_xa_ba_tri_in_2026_and_its_2023_review_stays(merged):
    h1 = Household.objects.get(code="H1")
    assert (h1.commune.code, h1.area_path) == (BA_TRI, "86/29110-2025/")
    by_year = {r.year: r for r in h1.reviews.select_related("area")}
    assert (by_year[2023].area.name, by_year[2023].area_path) == ("Xã An Đức", "83/836/29173/")
    assert (by_year[2026].area.name, by_year[2026].area_path) == ("Xã Ba Tri", "86/29110-2025/")


def test_the_2023_table_keeps_the_old_districts_and_the_2026_table_has_none(merged):
    table = TABLES["summary"]
    _cols, rows_2023, _b, _i = official_rows(
        table, area=Area.objects.get(code="83"), snapshot=_snapshot(2023)
    )
    names_2023 = [r[1] for r in rows_2023]
    assert names_2023[0] == "Tỉnh Bến Tre"
    assert names_2023.count("Huyện Ba Tri") == 1
    assert names_2023.index("Xã An Đức") > names_2023.index("Huyện Ba Tri")
    assert (
        sum(1 for r in rows_2023 if r[1].startswith("Huyện") or r[1].startswith("Thành phố")) == 9
    )
    assert len(rows_2023) == 1 + 9 + 157
    poor = [c[2] for c in table.columns].index("poor_households") + 2
    by_name = {r[1]: r for r in rows_2023}
    assert (by_name["Tỉnh Bến Tre"][poor], by_name["Xã An Đức"][poor]) == (4, 2)

    _cols, rows_2026, _b, indents = official_rows(
        table, area=Area.objects.get(code="86"), snapshot=_snapshot(2026)
    )
    assert rows_2026[0][1] == "Tỉnh Vĩnh Long"
    assert len(rows_2026) == 1 + 124
    assert set(indents[1:]) == {1}  # no district level
    assert not any(r[1].startswith("Huyện") for r in rows_2026)
    by_name = {r[1]: r for r in rows_2026}
    assert (by_name["Xã Ba Tri"][poor], by_name["Xã Mỹ Chánh Hòa"][poor]) == (1, 1)
    assert by_name["Xã Đại Điền"][poor] == 1
    # the communes sum to the province
    assert by_name["Tỉnh Vĩnh Long"][poor] == sum(r[poor] or 0 for r in rows_2026[1:]) == 3
    households = [c[2] for c in table.columns].index("population_households") + 2
    assert by_name["Tỉnh Vĩnh Long"][households] == 650


def test_the_trend_of_xa_ba_tri_sums_its_former_units(merged):
    ba_tri = Area.objects.get(code=BA_TRI)
    points = trend_points(ba_tri, ["poor_households", "poor_rate"], [2022, 2023, 2026])
    assert [p.source for p in points] == [FORMER_UNITS, FORMER_UNITS, ""]
    # 2022: H1, H2, H3 poor in An Đức (100 resident households); 2023: H1, H4 (H6 submitted)
    assert [p.values["poor_households"] for p in points] == [3.0, 2.0, 1.0]
    assert [p.values["poor_rate"] for p in points] == [3.0, 2.0, 0.33]
    # a unit of the former Trà Vinh: no data before 2025, not zeros
    tra_vinh = Area.objects.get(code="29242")
    assert [p.source for p in trend_points(tra_vinh, ["poor_households"], [2022, 2023])] == [
        NO_DATA_BEFORE,
        NO_DATA_BEFORE,
    ]


def test_the_provinces_trend_counts_ben_tre_once(merged):
    """Tỉnh Bến Tre and its nine districts all went into Vĩnh Long: the trend sums the province,
    not the province plus its districts."""
    vinh_long = Area.objects.get(code="86")
    points = trend_points(vinh_long, ["poor_households", "poor_rate"], [2022, 2023])
    assert [p.source for p in points] == [FORMER_UNITS, FORMER_UNITS]
    assert [p.values["poor_households"] for p in points] == [4.0, 4.0]  # not 8: Bến Tre once
    assert [p.values["poor_rate"] for p in points] == [1.74, 1.74]  # 4 of 230 households


def test_dashboard_2026_drills_into_xa_ba_tri_with_its_labelled_trend(client, merged, pat):
    client.force_login(pat)
    page = client.get(reverse("reports:dashboard"), {"year": 2026}).content.decode()
    assert "Tỉnh Vĩnh Long" in page
    assert "Xã Ba Tri" in page
    assert "Huyện Ba Tri" not in page
    page = client.get(reverse("reports:area-dashboard", args=[BA_TRI]), {"year": 2026})
    text = page.content.decode()
    assert "tổng các đơn vị cũ" in text
    assert "Năm 2022, 2023: tổng các đơn vị cũ (" in text  # the caption under the chart
    assert "Xã An Đức" in text
    page = client.get(reverse("reports:area-dashboard", args=["29242"]), {"year": 2026})
    assert "chưa có số liệu trước 2025" in page.content.decode()


def test_household_page_shows_the_unit_now_and_where_each_review_was_filed(client, merged, pat):
    client.force_login(pat)
    page = client.get(reverse("households:detail", args=[Household.objects.get(code="H1").pk]))
    text = page.content.decode()
    assert "Tỉnh Vĩnh Long / Xã Ba Tri" in text
    assert "Tỉnh Bến Tre / Huyện Ba Tri / Xã An Đức" in text


def test_an_officer_of_a_closed_unit_gets_404_on_the_new_units_households(client, merged, alice):
    client.force_login(alice)  # officer of Xã An Đức, closed on 30 June 2025
    h1 = Household.objects.get(code="H1")
    assert client.get(reverse("households:detail", args=[h1.pk])).status_code == 404
    assert client.get(reverse("reports:area-dashboard", args=[BA_TRI])).status_code == 404
    # ... but keeps the history of An Đức
    page = client.get(reverse("reports:area-dashboard", args=["29173"]), {"year": 2023})
    assert page.status_code == 200
    assert "Xã An Đức" in page.content.decode()


def test_ba_tri_town_households_use_the_rural_line_from_2025(alice, pat):
    town = Area.objects.get(code="29110")
    household = Household.objects.create(
        code="TT1", commune=town, head_name="Phan Văn Thị", declared_size=3
    )
    data = services.ReviewInput(
        income_per_capita=1_800_000,
        facts=rules.HouseholdFacts(),
        ticks=dict.fromkeys(range(1, 13), False),
    )
    r2024 = services.review_save(household=household, year=2024, data=data, user=pat)
    assert (r2024.is_urban, r2024.classification) == (True, "near_poor")  # urban line 2,000,000
    households_carry(on=dt.date(2025, 7, 1))
    household.refresh_from_db()
    r2025 = services.review_save(household=household, year=2025, data=data, user=pat)
    assert (r2025.is_urban, r2025.classification) == (False, "average")  # rural line 1,500,000
    assert r2025.area.name == "Xã Ba Tri"
    r2024.refresh_from_db()
    assert (r2024.area.name, r2024.is_urban) == ("Thị trấn Ba Tri", True)
