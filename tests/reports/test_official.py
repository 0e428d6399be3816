from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from households.models import Area
from reports.official import TABLES
from tests.conftest import login


def download(client, table, area="83", year=2023):
    url = reverse("reports:official")
    response = client.get(url, {"year": year, "area": area, "table": table})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def grid(sheet):
    """Data rows under the header (row 8) until the signature block."""
    rows = []
    for row in sheet.iter_rows(min_row=9, values_only=True):
        if row[1] is None:
            break
        rows.append(row)
    return rows


def test_every_official_table_has_heading_title_period_signatures_and_a4_landscape(
    client, pat, rebuilt
):
    login(client, pat)
    for key in TABLES:
        sheet = download(client, key)
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
        assert "Độc lập - Tự do - Hạnh phúc" in cells
        assert any("NĂM 2023" in str(c) for c in cells)
        assert "NGƯỜI LẬP BIỂU" in cells
        assert "THỦ TRƯỞNG ĐƠN VỊ" in cells
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == "9"  # A4


def test_summary_reconciles_communes_to_districts_to_province(client, pat, rebuilt):
    login(client, pat)
    rows = grid(download(client, "summary"))
    by_name = {r[1]: r for r in rows}
    province, ba_tri, thanh_phu = (
        by_name["Tỉnh Bến Tre"],
        by_name["Huyện Ba Tri"],
        by_name["Huyện Thạnh Phú"],
    )
    assert province[2:5] == (230, 920, 4)
    assert ba_tri[4] == 3
    assert thanh_phu[4] == 1
    # Every district is the sum of the communes listed under it, the province of its districts.
    district_names = set(Area.objects.filter(level="district").values_list("name", flat=True))
    districts = [r for r in rows if r[1] in district_names]
    assert len(districts) == 9
    for col in (2, 3, 4, 7):
        assert sum(r[col] for r in districts) == province[col]
    current, total = None, {}
    for r in rows[1:]:
        if r[1] in district_names:
            current = r[1]
            total[current] = [0, 0, 0]
        else:
            assert r[0].isdigit()  # communes are numbered
            for k, col in enumerate((2, 4, 7)):
                total[current][k] += r[col]
    for d in districts:
        assert total[d[1]] == [d[2], d[4], d[7]]


def test_movement_table_identity_holds_on_every_row(client, pat, rebuilt):
    login(client, pat)
    sheet = download(client, "poor_movements")
    header = [c.value for c in sheet[8]][2:11]
    assert header == [
        "Hộ nghèo đầu kỳ (cuối kỳ năm trước)", "(−) Thoát nghèo, lên trên chuẩn cận nghèo",
        "(−) Thoát nghèo, thành hộ cận nghèo", "(+) Hộ nghèo phát sinh mới", "(+) Hộ tái nghèo",
        "(+) Tăng khác", "(−) Giảm khác", "Hộ nghèo cuối kỳ", "Tỷ lệ hộ nghèo cuối kỳ (%)",
    ]  # fmt: skip
    rows = grid(sheet)
    assert rows[0][1] == "Tỉnh Bến Tre"
    assert rows[0][2:10] == (4, 1, 1, 2, 0, 0, 0, 4)
    for row in rows:
        start, escaped, to_near, newly, reimp, other_in, other_out, end = row[2:10]
        assert start - escaped - to_near + newly + reimp + other_in - other_out == end
    rows = grid(download(client, "near_movements"))
    assert rows[0][2:11] == (3, 1, 1, 1, 1, 0, 0, 0, 3)
    for row in rows:
        start, escaped, to_poor, from_poor, newly, returned, other_in, other_out, end = row[2:11]
        assert (
            start - escaped - to_poor + from_poor + newly + returned + other_in - other_out == end
        )


def test_deprivation_and_group_tables(client, pat, rebuilt):
    login(client, pat)
    province = grid(download(client, "poor_deprivations"))[0]
    assert province[2] == 4  # poor households
    assert province[2 + 2 * 4 - 1] == 4  # CS04 health insurance: all four
    assert province[2 + 2 * 4] == 100.0
    groups = grid(download(client, "groups"))[0]
    assert groups[2:7] == (4, 1, 1, 1, 0)


def test_district_officer_gets_tables_for_own_district_only(client, bob, rebuilt):
    login(client, bob)
    rows = grid(download(client, "summary", area="836"))
    assert rows[0][1] == "Huyện Ba Tri"
    response = client.get(
        reverse("reports:official"), {"year": 2023, "area": "837", "table": "summary"}
    )
    assert response.status_code == 200
    assert "has-error" in response.content.decode()  # not a choice for bob: message, no file


def test_official_form_page_and_bad_input(client, pat, rebuilt):
    login(client, pat)
    response = client.get(reverse("reports:official"))
    assert response.status_code == 200
    assert "Tổng hợp kết quả rà soát" in response.content.decode()
    response = client.get(reverse("reports:official"), {"year": "abc", "area": "83", "table": "x"})
    assert response.status_code == 200
    assert response.content.decode().count('class="error"') == 2


def test_official_table_shown_on_the_page(client, pat, rebuilt):
    login(client, pat)
    response = client.get(
        reverse("reports:official"),
        {"year": 2023, "area": "83", "table": "poor_movements", "show": "1"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Diễn biến hộ nghèo năm 2023" in page
    assert "(+) Tăng khác" in page
    assert "(−) Giảm khác" in page
    preview = response.context["preview"]
    assert preview["rows"][0]["bold"] is True
    province = [value for value, _kind, _link in preview["rows"][0]["cells"]]
    assert province[1:10] == ["Tỉnh Bến Tre", 4, 1, 1, 2, 0, 0, 0, 4]
