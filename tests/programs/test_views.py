from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from households.models import Member
from programs.apps import ProgramsConfig
from programs.models import Programme, SupportRecord

from .conftest import make_household

pytestmark = pytest.mark.django_db
ADULT = date(1980, 1, 1)


def test_catalogue_lists_programmes_and_highlights_own_agency(
    client, catalogue, agnes, django_assert_max_num_queries
):
    client.force_login(agnes)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert "Hỗ trợ thẻ bảo hiểm y tế" in response.content.decode()
    assert response.content.decode().count("cơ quan của bạn") == 1  # DA3.TDA2 of Sở Y tế


def test_catalogue_404_for_user_without_role(client, catalogue, nobody):
    client.force_login(nobody)
    assert client.get(reverse("programs:list")).status_code == 404


def test_programme_detail_for_owner_provincial_and_officer_scoped(
    client, catalogue, pat, olga, agnes, alice, charlie
):
    h = make_household("V1", members=[{"date_of_birth": ADULT}])
    SupportRecord.objects.create(
        programme=Programme.objects.get(code="HOCPHI"),
        household=h,
        member=h.members.get(),
        date=date(2023, 9, 5),
        amount=1_200_000,
    )
    url = reverse("programs:detail", args=["HOCPHI"])
    for user in (pat, olga, alice):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "V1 – Chủ hộ V1" in page
        assert "1.200.000" in page
    client.force_login(charlie)  # officer of another district: page, but no beneficiary
    page = client.get(url).content.decode()
    assert "Chủ hộ V1" not in page
    client.force_login(agnes)  # another agency's programme
    assert client.get(url).status_code == 404


def test_support_create_outsider_404_and_agency_404(client, catalogue, charlie, agnes):
    h = make_household("V2")
    for user in (charlie, agnes):
        client.force_login(user)
        assert client.get(reverse("programs:support-create", args=[h.pk])).status_code == 404


def test_support_create_refused_with_reason_then_saved(client, catalogue, alice):
    h = make_household("V3", classification="above")
    client.force_login(alice)
    url = reverse("programs:support-create", args=[h.pk])
    data = {
        "programme": Programme.objects.get(code="NHCSXH").pk,
        "date": "2023-03-01",
        "valid_until": "2026-03-01",
        "amount": "30000000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hộ không thuộc đối tượng" in response.content.decode()
    assert SupportRecord.objects.count() == 0
    response = client.post(url, {**data, "override": "on", "override_note": "Hộ gặp thiên tai"})
    assert response.status_code == 302
    assert SupportRecord.objects.get().override_note == "Hộ gặp thiên tai"


def test_support_create_negative_amount_message(client, catalogue, alice):
    h = make_household("V4")
    client.force_login(alice)
    response = client.post(
        reverse("programs:support-create", args=[h.pk]),
        {
            "programme": Programme.objects.get(code="NUOCSACH").pk,
            "date": "2023-03-01",
            "amount": "-1",
        },
    )
    assert "Số tiền không được âm." in response.content.decode()
    assert SupportRecord.objects.count() == 0


def test_bulk_health_cards_close_the_gap(client, catalogue, alice, charlie):
    h = make_household("V5", members=[{"date_of_birth": ADULT}])
    review = h.reviews.get()
    review.d04 = True
    review.save()
    make_household("V6", members=[{"date_of_birth": ADULT, "has_health_insurance": True}])
    outside = make_household("V7", commune="29182", members=[{"date_of_birth": ADULT}])
    request = RequestFactory().get("/")
    request.user = alice
    panel = ProgramsConfig.household_panels(
        ProgramsConfig("programs", __import__("programs")), request, h
    )
    assert [g["code"] for g in panel[0]["context"]["gaps"]] == ["CS04"]
    client.force_login(alice)
    url = (
        reverse("programs:bulk-support")
        + "?classification=poor&year=2023&lacking_health_insurance=on"
    )
    page = client.get(url).content.decode()
    # As table cells: a bare "V6" can occur inside the random CSRF token.
    assert "<td>V5</td>" in page
    assert "<td>V6</td>" not in page
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "programme": Programme.objects.get(code="BHYT").pk,
            "date": today.isoformat(),
            "valid_until": date(today.year, 12, 31).isoformat(),
        },
    )
    assert response.status_code == 302
    assert list(SupportRecord.objects.values_list("household__code", flat=True)) == ["V5"]
    assert not outside.support_records.exists()
    panel = ProgramsConfig.household_panels(
        ProgramsConfig("programs", __import__("programs")), request, h
    )
    assert panel[0]["context"]["gaps"] == []
    client.post(
        url,
        {
            "programme": Programme.objects.get(code="BHYT").pk,
            "date": today.isoformat(),
            "valid_until": date(today.year, 12, 31).isoformat(),
        },
    )
    assert SupportRecord.objects.count() == 1
    client.force_login(charlie)
    assert client.get(url).status_code == 200  # his own (empty) list
    assert "<td>V5</td>" not in client.get(url).content.decode()


def test_bulk_page_query_count(client, catalogue, alice, django_assert_max_num_queries):
    for i in range(5):
        make_household(f"Q{i}")
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("programs:bulk-support")).status_code == 200


def test_bulk_404_for_agency_staff(client, agnes):
    client.force_login(agnes)
    assert client.get(reverse("programs:bulk-support")).status_code == 404


HEADER = (
    "Mã hộ",
    "CCCD",
    "Mã chương trình",
    "Ngày",
    "Hiệu lực đến",
    "Số tiền",
    "Số lượng",
    "Ghi chú",
)


def _upload(build) -> BytesIO:
    """An .xlsx upload whose sheet HO_TRO `build(worksheet)` fills."""
    wb = Workbook()
    ws = wb.active
    ws.title = "HO_TRO"
    build(ws)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "ho_tro.xlsx"
    return out


def _xlsx(rows) -> BytesIO:
    def build(ws):
        for row in (HEADER, *rows):
            ws.append(list(row))

    return _upload(build)


def test_import_preview_errors_then_confirm(client, catalogue, alice):
    h = make_household("X1", members=[{"date_of_birth": ADULT, "citizen_id": "083080000001"}])
    make_household("X2", commune="29182")
    client.force_login(alice)
    url = reverse("programs:import")
    bad = _xlsx(
        [
            ["X1", "083080000001", "BHYT", "01/03/2023", "31/12/2023", None, None, ""],
            ["X2", None, "NUOCSACH", "01/03/2023", None, 1000, None, ""],
            ["X1", None, "NUOCSACH", "01/03/2023", None, -5, None, ""],
        ]
    )
    page = client.post(url, {"file": bad}).content.decode()
    assert "Không tìm thấy hộ này trong địa bàn của bạn." in page
    assert "Số tiền không được âm." in page
    assert SupportRecord.objects.count() == 0
    good = _xlsx(
        [
            ["X1", "083080000001", "BHYT", "01/03/2023", "31/12/2023", None, None, ""],
            ["X1", None, "NUOCSACH", "01/03/2023", None, "3.000.000", None, "giếng"],
        ]
    )
    page = client.post(url, {"file": good}).content.decode()
    assert "2 dòng hợp lệ, 0 lỗi." in page
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert SupportRecord.objects.count() == 2
    assert SupportRecord.objects.get(programme__code="NUOCSACH").amount == 3_000_000
    assert Member.objects.get(household=h).has_health_insurance


def test_import_preview_reads_the_database_a_fixed_number_of_times(client, catalogue, alice):
    """Classifications and earlier records are read once for the file, not per row."""
    for i in range(30):
        make_household(f"Q{i:02d}")
    client.force_login(alice)

    def preview(n: int) -> int:
        rows = [
            [f"Q{i:02d}", None, "NUOCSACH", "01/03/2023", None, 1000, None, ""] for i in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            page = client.post(reverse("programs:import"), {"file": _xlsx(rows)})
        assert f"{n} dòng hợp lệ, 0 lỗi." in page.content.decode()
        return len(queries)

    assert preview(30) == preview(3)


def test_import_404_for_agency_staff(client, olga):
    client.force_login(olga)
    assert client.get(reverse("programs:import")).status_code == 404


def test_navigation(alice, agnes):
    from programs.navigation import items

    assert [n for n, _label in items(alice)] == ["programs:list", "programs:bulk-support"]
    assert [n for n, _label in items(agnes)] == ["programs:list"]


def test_household_list_links_to_bulk_recording_of_the_same_households(client, catalogue, alice):
    from households.models import Area

    an_duc = Area.objects.get(code="29173").pk
    make_household("L1", members=[{"date_of_birth": ADULT}])
    make_household("L2", classification="near_poor", members=[{"date_of_birth": ADULT}])
    client.force_login(alice)
    query = f"commune={an_duc}&classification=poor&year=2023"
    page = client.get(reverse("households:list") + "?" + query).content.decode()
    bulk_url = reverse("programs:bulk-support") + "?" + query
    assert f'href="{bulk_url.replace("&", "&amp;")}"' in page
    assert "Ghi nhận hỗ trợ cho danh sách này" in page
    bulk = client.get(bulk_url).content.decode()
    assert "<td>L1</td>" in bulk
    assert "<td>L2</td>" not in bulk
    today = timezone.localdate()
    client.post(bulk_url, {"programme": Programme.objects.get(code="NUOCSACH").pk, "date": today})
    assert list(SupportRecord.objects.values_list("household__code", flat=True)) == ["L1"]


def test_bulk_with_a_commune_outside_the_area_records_nothing(client, catalogue, charlie):
    from households.models import Area

    make_household("O1")
    client.force_login(charlie)
    url = reverse("programs:bulk-support") + f"?commune={Area.objects.get(code='29173').pk}"
    page = client.get(url).content.decode()
    assert "<td>O1</td>" not in page
    today = timezone.localdate()
    client.post(url, {"programme": Programme.objects.get(code="NUOCSACH").pk, "date": today})
    assert SupportRecord.objects.count() == 0


def test_import_reads_through_the_households_layer(client, catalogue, alice):
    """Headers in another order without diacritics, a CCCD typed as a number (leading zero
    lost), Vietnamese amounts, a real date cell, blank trailing rows."""
    h = make_household("Y1", members=[{"date_of_birth": ADULT, "citizen_id": "083080000001"}])

    def build(ws):
        ws.append(["ma chuong trinh", "MA HO", "Ngay", "cccd", "hieu luc den", "So tien"])
        ws.append(["BHYT", "Y1", date(2023, 3, 1), 83080000001, "31/12/2023", None])
        ws.append(["NUOCSACH", "Y1", "01/03/2023", None, None, "1.500.000"])
        ws.append([None] * 6)
        ws.append([""] * 6)

    client.force_login(alice)
    url = reverse("programs:import")
    page = client.post(url, {"file": _upload(build)}).content.decode()
    # The missing optional columns are required as headers: a misspelt one must not drop data.
    assert "Thiếu cột bắt buộc “Số lượng” ở dòng tiêu đề." in page

    def build_all(ws):
        build(ws)
        for i, title in enumerate(("So luong", "ghi chu"), start=7):
            ws.cell(row=1, column=i, value=title)

    page = client.post(url, {"file": _upload(build_all)}).content.decode()
    assert "2 dòng hợp lệ, 0 lỗi." in page
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert SupportRecord.objects.get(programme__code="NUOCSACH").amount == 1_500_000
    assert SupportRecord.objects.get(programme__code="BHYT").member.household == h


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "Tệp không phải là tệp Excel (.xlsx)."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Tệp được bảo vệ bằng mật khẩu"),
        (b"PK\x03\x04broken zip", "Tệp Excel bị hỏng, không đọc được."),
    ],
)
def test_import_refuses_what_is_not_a_workbook(client, alice, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(alice)
    upload = SimpleUploadedFile("ho_tro.xlsx", content)
    page = client.post(reverse("programs:import"), {"file": upload}).content.decode()
    assert message in page
    assert "Tải tệp đã đánh dấu lỗi" not in page
    assert client.get(reverse("programs:import-errors")).status_code == 404


def test_import_formula_and_merged_header_are_refused(client, catalogue, alice):
    make_household("Y2")

    def build(ws):
        ws.append(list(HEADER))
        ws.append(["Y2", None, "NUOCSACH", "01/03/2023", None, "=1000*2", None, ""])
        ws.merge_cells("G1:H1")

    client.force_login(alice)
    page = client.post(reverse("programs:import"), {"file": _upload(build)}).content.decode()
    assert "Ô F2 chứa công thức" in page
    assert "Dòng tiêu đề có ô gộp (merge)" in page
    assert SupportRecord.objects.count() == 0


def test_import_errors_download_marks_the_cells(client, catalogue, alice, bob):
    from openpyxl import load_workbook

    make_household("Y3")
    client.force_login(alice)
    bad = _xlsx([["Y3", None, "NUOCSACH", "32/13/2023", None, "mười", None, ""]])
    page = client.post(reverse("programs:import"), {"file": bad}).content.decode()
    assert "Tải tệp đã đánh dấu lỗi" in page
    response = client.get(reverse("programs:import-errors"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["HO_TRO"]
    assert sheet["I1"].value == "Lỗi"
    assert sheet["I2"].value == (
        "Ngày: Ngày không hợp lệ (dd/mm/yyyy).; Số tiền: Số tiền không hợp lệ."
    )
    assert sheet["D2"].fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet["F2"].comment.text == "Số tiền không hợp lệ."
    # Kept in alice's session only.
    client.force_login(bob)
    assert client.get(reverse("programs:import-errors")).status_code == 404


def test_import_errors_file_is_not_kept_for_a_clean_file(client, catalogue, alice, settings):
    from pathlib import Path

    make_household("Y4")
    client.force_login(alice)
    good = _xlsx([["Y4", None, "NUOCSACH", "01/03/2023", None, "1000", None, ""]])
    assert (
        "1 dòng hợp lệ, 0 lỗi."
        in client.post(reverse("programs:import"), {"file": good}).content.decode()
    )
    assert client.get(reverse("programs:import-errors")).status_code == 404
    folder = Path(settings.MEDIA_ROOT) / "programs-imports"
    assert not folder.exists() or not any(folder.iterdir())


def test_import_forgets_error_files_older_than_a_day(client, catalogue, alice, settings):
    import os
    from pathlib import Path

    folder = Path(settings.MEDIA_ROOT) / "programs-imports"
    folder.mkdir(parents=True)
    stale, fresh = folder / "stale.xlsx", folder / "fresh.xlsx"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (0, 0))
    client.force_login(alice)
    client.post(reverse("programs:import"), {"file": _xlsx([])})
    assert sorted(p.name for p in folder.iterdir()) == ["fresh.xlsx"]
