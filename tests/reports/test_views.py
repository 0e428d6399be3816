from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import HouseholdReview
from households.signals import announce_review_data_changed
from reports.models import IndicatorValue, RebuildJob, Snapshot
from tests.conftest import login


def test_provincial_dashboard_shows_dated_figures_and_charts(client, pat, rebuilt):
    response = login(client, pat).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỉnh Bến Tre" in html
    assert "Số liệu tính đến" in html
    assert html.count("<svg") == 3
    assert "Huyện Ba Tri" in html
    assert "Huyện Thạnh Phú" in html
    assert "1,74" in html  # province poor rate, Vietnamese decimal comma
    assert "1 phiếu đang chờ duyệt" in html


def test_dashboard_reads_a_constant_number_of_queries(
    client, pat, rebuilt, django_assert_max_num_queries
):
    login(client, pat)
    # 13 + 2: the standards of the years shown and their indicators (issue 15); + 1: the
    # default year (households.selectors.default_year) and the trend's years with data.
    with django_assert_max_num_queries(16):
        client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(16):
        client.get(reverse("reports:area-dashboard", args=["836"]) + "?year=2022")


def test_dashboard_reads_only_snapshot_tables(client, pat, rebuilt, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, pat)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:area-dashboard", args=["836"]))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "households_householdreview" not in sql
    assert 'households_household"' not in sql


def test_drill_down_to_a_commune(client, bob, rebuilt):
    response = login(client, bob).get(reverse("reports:dashboard"))
    assert "Huyện Ba Tri" in response.content.decode()
    assert "Xã An Đức" in response.content.decode()
    response = client.get(reverse("reports:area-dashboard", args=["29173"]))
    assert response.status_code == 200
    assert "Xã An Đức" in response.content.decode()


def test_outsider_gets_404_for_another_district(client, charlie, rebuilt):
    login(client, charlie)
    assert client.get(reverse("reports:area-dashboard", args=["836"])).status_code == 404
    assert client.get(reverse("reports:area-dashboard", args=["29173"])).status_code == 404
    url = reverse("reports:table-xlsx", args=["836", "areas"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:area-dashboard", args=["837"])).status_code == 200


def test_commune_officer_cannot_see_the_province(client, alice, rebuilt):
    login(client, alice)
    assert client.get(reverse("reports:area-dashboard", args=["83"])).status_code == 404
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_agency_sees_the_dashboard_but_no_area_pages(client, agnes, rebuilt):
    login(client, agnes)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "Chỉ tiêu kế hoạch" in response.content.decode()
    assert client.get(reverse("reports:area-dashboard", args=["836"])).status_code == 404
    assert client.get(reverse("reports:official")).status_code == 404


def test_nobody_gets_404(client, nobody, rebuilt):
    login(client, nobody)
    assert client.get(reverse("reports:dashboard")).status_code == 404
    assert client.get(reverse("reports:jobs")).status_code == 404


def test_every_dashboard_table_downloads_as_xlsx(client, pat, rebuilt):
    login(client, pat)
    for key in ("areas", "trend", "deprivations", "movements", "targets"):
        response = client.get(reverse("reports:table-xlsx", args=["83", key]) + "?year=2023")
        assert response.status_code == 200, key
        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet["A3"].value.startswith("Số liệu tính đến")
    response = client.get(reverse("reports:table-xlsx", args=["83", "areas"]) + "?year=2023")
    rows = list(
        load_workbook(BytesIO(response.content)).active.iter_rows(min_row=6, values_only=True)
    )
    ba_tri = next(r for r in rows if r[0] == "Huyện Ba Tri")
    assert ba_tri[1:4] == (150, 3, 2.0)
    assert client.get(reverse("reports:table-xlsx", args=["83", "nope"])).status_code == 404


def test_empty_dashboard_before_any_rebuild(client, pat, province_data):
    response = login(client, pat).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "Chưa có số liệu tổng hợp" in response.content.decode()


def test_approval_shows_up_after_the_triggered_rebuild(
    client, pat, rebuilt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        HouseholdReview.objects.filter(household__code="H6", year=2023).update(status="approved")
        announce_review_data_changed(years=[2023], area_paths=["83/836/29173/"])
    assert RebuildJob.objects.filter(trigger="signal", status="done", year=2023).exists()
    poor = IndicatorValue.objects.get(
        snapshot__status="active", year=2023, indicator="poor_households", area__code="83"
    )
    assert poor.value == 5
    response = login(client, pat).get(reverse("reports:dashboard") + "?year=2023")
    assert "phiếu đang chờ duyệt" not in response.content.decode()


def test_stale_and_failed_warnings(client, pat, rebuilt, monkeypatch):
    from reports.services import snapshot_rebuild, years_mark_dirty

    years_mark_dirty(years=[2023])
    html = login(client, pat).get(reverse("reports:dashboard") + "?year=2023").content.decode()
    assert "Số liệu có thể chưa cập nhật" in html
    monkeypatch.setattr(Snapshot, "save", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    snapshot_rebuild(year=2023)
    monkeypatch.undo()
    html = client.get(reverse("reports:dashboard") + "?year=2023").content.decode()
    assert "thất bại" in html


def test_jobs_page_rebuilds_now(client, pat, rebuilt, django_capture_on_commit_callbacks):
    login(client, pat)
    response = client.get(reverse("reports:jobs"))
    assert response.status_code == 200
    assert "Hoàn thành" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:jobs"), {"year": "2023"})
    assert response.status_code == 302
    job = RebuildJob.objects.filter(trigger="manual").latest("id")
    assert (job.year, job.status) == (2023, "done")
    response = client.post(reverse("reports:jobs"), {"year": "1990"})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()


@pytest.mark.parametrize("user", ["bob", "alice"])
def test_jobs_page_is_provincial_only(client, rebuilt, user, request):
    login(client, request.getfixturevalue(user))
    assert client.get(reverse("reports:jobs")).status_code == 404
    assert client.post(reverse("reports:jobs"), {"year": "2023"}).status_code == 404


def test_navigation_entries(client, pat, agnes, bob):
    from reports.navigation import items

    assert [n for n, _l in items(pat)] == ["reports:dashboard", "reports:official", "reports:jobs"]
    assert [n for n, _l in items(bob)] == ["reports:dashboard", "reports:official"]
    assert [n for n, _l in items(agnes)] == ["reports:dashboard"]


def test_years_are_not_printed_with_a_thousand_separator(client, pat, rebuilt):
    html = login(client, pat).get(reverse("reports:dashboard")).content.decode()
    assert "năm 2023" in html
    assert "?year=2023" in html
    assert "2.023" not in html
    assert '<option value="2022"' in html
