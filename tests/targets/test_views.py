"""Pages: what each role sees, the outsider's 404, bad input, downloads, query counts."""

import re
from datetime import date

import pytest
from django.urls import reverse

from households.models import Agency
from targets import services
from targets.models import ManualFigure, Target, Task, TaskUpdate

from ..conftest import login
from .conftest import EXE_BYTES, PDF_BYTES, make_task, upload


def _update(client, task, **data):
    payload = {"status": "in_progress", "percent": "50", "note": "Đang làm"}
    payload.update(data)
    return client.post(reverse("targets:task-update", args=[task.pk]), payload)


# --- agency staff -----------------------------------------------------------------------------


def test_agency_sees_only_its_tasks_overdue_first(client, agnes, plan, syt_task, sgddt_task):
    later = make_task(plan, "SYT", due=date(2099, 1, 1), title="Việc năm sau")
    response = login(client, agnes).get(reverse("targets:task-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo" in body
    assert "Miễn giảm học phí" not in body
    assert body.index(syt_task.title) < body.index(later.title)  # overdue first
    assert "Quá hạn" in body


def test_agency_updates_its_task_with_evidence(client, agnes, syt_task, private_media):
    response = _update(
        login(client, agnes),
        syt_task,
        percent="80",
        evidence=[upload("danh-sach.pdf", PDF_BYTES), upload("anh.pdf", PDF_BYTES)],
    )
    assert response.status_code == 302
    syt_task.refresh_from_db()
    assert (syt_task.status, syt_task.percent) == ("in_progress", 80)
    update = TaskUpdate.objects.get(task=syt_task)
    assert update.created_by == agnes
    assert update.agency.code == "SYT"
    assert update.evidence.count() == 2
    page = client.get(reverse("targets:task-detail", args=[syt_task.pk])).content.decode()
    assert "danh-sach.pdf" in page
    assert "80%" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"percent": "140"}, "Tiến độ phải từ 0 đến 100%."),
        ({"status": "done", "percent": "90"}, "tiến độ phải là 100%"),
        ({"evidence": [upload("bao-cao.pdf", EXE_BYTES)]}, "Loại tệp không được chấp nhận"),
        ({"evidence": [upload("rong.pdf", b"")]}, "Tệp rỗng"),
    ],
)
def test_bad_update_shows_message_and_saves_nothing(client, agnes, syt_task, data, message):
    response = _update(login(client, agnes), syt_task, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TaskUpdate.objects.count() == 0
    syt_task.refresh_from_db()
    assert syt_task.percent == 0


def test_evidence_over_the_size_limit(client, agnes, syt_task, settings):
    settings.PRIVATE_UPLOAD_MAX_BYTES = 100
    response = _update(
        login(client, agnes), syt_task, evidence=[upload("lon.pdf", PDF_BYTES + b"x" * 500)]
    )
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert TaskUpdate.objects.count() == 0


def test_update_of_another_agencys_task_is_404(client, agnes, sgddt_task):
    client = login(client, agnes)
    assert _update(client, sgddt_task).status_code == 404
    assert client.get(reverse("targets:task-detail", args=[sgddt_task.pk])).status_code == 404
    assert TaskUpdate.objects.count() == 0


def test_supporting_agency_reads_but_may_not_update(client, olga, plan):
    task = make_task(plan, "SYT", supporting_agencies=[Agency.objects.get(code="SGDDT")])
    client = login(client, olga)
    page = client.get(reverse("targets:task-detail", args=[task.pk]))
    assert page.status_code == 200
    assert "Gửi cập nhật" not in page.content.decode()
    assert _update(client, task).status_code == 404


def test_provincial_staff_do_not_post_agency_updates(client, pat, syt_task):
    assert _update(login(client, pat), syt_task).status_code == 404


def test_evidence_download_only_for_those_who_see_the_task(
    client, agnes, olga, pat, alice, syt_task
):
    update = services.task_update_create(
        task=syt_task,
        user=agnes,
        agency=syt_task.lead_agency,
        status="in_progress",
        percent=10,
        files=[upload("Danh sách.pdf", PDF_BYTES)],
    )
    url = reverse("targets:evidence-download", args=[update.evidence.get().pk])
    for user in (agnes, pat):
        response = login(client, user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
    for outsider in (olga, alice):
        assert login(client, outsider).get(url).status_code == 404


# --- provincial staff -------------------------------------------------------------------------


def test_matrix_shows_the_agency_update(client, agnes, pat, syt_task, sgddt_task):
    _update(login(client, agnes), syt_task, percent="60")
    response = login(client, pat).get(reverse("targets:matrix"))
    assert response.status_code == 200
    rows = {row.code: row for row in response.context["rows"]}
    assert (rows["SYT"].n_in_progress, rows["SYT"].n_overdue, rows["SYT"].n_total) == (1, 1, 1)
    assert (rows["SGDDT"].n_not_started, rows["SGDDT"].n_total) == (1, 1)
    # Commune People's Committees are agencies too; a district's, closed on 30 June 2025 and
    # with no task, is no longer listed.
    assert "UBND-29110-2025" in rows
    assert "UBND-836" not in rows
    body = response.content.decode()
    assert f"?agency={rows['SYT'].pk}&amp;status=in_progress" in body


def test_matrix_query_count_is_constant(client, pat, plan, django_assert_max_num_queries):
    for code in ("SYT", "SGDDT", "BHXH", "UBND-836", "UBND-837"):
        for _i in range(3):
            make_task(plan, code)
    client = login(client, pat)
    with django_assert_max_num_queries(8):
        client.get(reverse("targets:matrix"))


def test_task_list_query_count(client, pat, agnes, plan, django_assert_max_num_queries):
    for _i in range(20):
        make_task(plan, "SYT")
    for user in (pat, agnes):
        c = login(client, user)
        with django_assert_max_num_queries(10):
            assert c.get(reverse("targets:task-list")).status_code == 200


def test_overdue_list_query_count(client, pat, plan, django_assert_max_num_queries):
    for _i in range(10):
        make_task(plan, "SYT", due=date(2023, 1, 31))
    make_task(plan, "SYT", due=date(2099, 1, 31), title="Chưa đến hạn")
    c = login(client, pat)
    with django_assert_max_num_queries(8):
        response = c.get(reverse("targets:overdue"))
    assert len(response.context["tasks"]) == 10
    assert "Chưa đến hạn" not in response.content.decode()


def test_task_list_filters_by_agency_and_status(client, pat, syt_task, sgddt_task):
    syt = syt_task.lead_agency
    response = login(client, pat).get(
        reverse("targets:task-list"), {"agency": syt.pk, "status": "overdue"}
    )
    assert list(response.context["tasks"]) == [syt_task]


def test_provincial_creates_and_assigns_a_task(client, pat, plan):
    syt, bhxh = Agency.objects.get(code="SYT"), Agency.objects.get(code="BHXH")
    target = Target.objects.get(plan=plan, code="CT04")
    response = login(client, pat).post(
        reverse("targets:task-create", args=[plan.pk]),
        {
            "title": "Báo cáo số thẻ BHYT đã cấp",
            "lead_agency": syt.pk,
            "supporting_agencies": [bhxh.pk],
            "targets": [target.pk],
            "due_date": "2023-12-05",
            "recurrence": "monthly",
            "recurrence_day": "5",
        },
    )
    task = Task.objects.get(title="Báo cáo số thẻ BHYT đã cấp")
    assert response.status_code == 302
    assert (task.lead_agency, task.recurrence, task.created_by) == (syt, "monthly", pat)
    assert list(task.supporting_agencies.all()) == [bhxh]
    assert list(task.targets.all()) == [target]


def test_due_date_before_the_plan_year_is_refused(client, pat, plan):
    response = login(client, pat).post(
        reverse("targets:task-create", args=[plan.pk]),
        {
            "title": "Việc cũ",
            "lead_agency": Agency.objects.get(code="SYT").pk,
            "due_date": "31/12/2022",
            "recurrence_day": "5",
        },
    )
    assert response.status_code == 200
    assert "Hạn hoàn thành không được trước năm của kế hoạch (2023)." in response.content.decode()
    assert Task.objects.count() == 0


def test_provincial_edits_and_reassigns(client, pat, syt_task):
    response = login(client, pat).post(
        reverse("targets:task-edit", args=[syt_task.pk]),
        {
            "title": syt_task.title,
            "lead_agency": Agency.objects.get(code="UBND-29110-2025").pk,
            "due_date": "2023-12-20",
            "recurrence_day": "5",
        },
    )
    assert response.status_code == 302
    syt_task.refresh_from_db()
    assert (syt_task.lead_agency.code, syt_task.due_date) == (
        "UBND-29110-2025",
        date(2023, 12, 20),
    )


def test_task_forms_offer_only_agencies_in_force(client, pat, plan, syt_task):
    """The Huyện Ba Tri committee closed on 30 June 2025 and the Sở LĐ-TB&XH on 28 February
    2025: neither is offered, a post naming one is refused, and editing a task it still leads
    says so and points to the hand-over."""
    client = login(client, pat)
    page = client.get(reverse("targets:task-create", args=[plan.pk]))
    offered = {a.code for a in page.context["form"].fields["lead_agency"].queryset}
    assert {"SNNMT", "SYT", "UBND-29110-2025"} <= offered
    assert not offered & {"UBND-836", "SLDTBXH"}
    closed = Agency.objects.get(code="UBND-836")
    response = client.post(
        reverse("targets:task-edit", args=[syt_task.pk]),
        {"title": "X", "lead_agency": closed.pk, "due_date": "2023-12-20", "recurrence_day": "5"},
    )
    assert response.status_code == 200
    syt_task.refresh_from_db()
    assert syt_task.lead_agency.code == "SYT"
    Task.objects.filter(pk=syt_task.pk).update(lead_agency=closed)
    page = client.get(reverse("targets:task-edit", args=[syt_task.pk])).content.decode()
    assert f"{closed.name} đã ngừng hoạt động" in page  # Ủy ban nhân dân huyện Ba Tri
    assert "cơ quan kế thừa" in page
    # ... and the task stays readable under it
    assert client.get(reverse("targets:task-detail", args=[syt_task.pk])).status_code == 200


def test_plan_page_shows_targets_and_breakdown(client, pat, plan):
    response = login(client, pat).get(reverse("targets:plan-detail", args=[plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch thực hiện công tác giảm nghèo bền vững năm 2023" in body
    assert "Giảm 1% tỷ lệ hộ nghèo" in body
    assert "Huyện Ba Tri" in body
    assert "Báo cáo thủ công" in body


# --- who may not --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["targets:matrix", "targets:overdue", "targets:task-create", "targets:task-edit"],
)
def test_agency_staff_cannot_open_provincial_pages(client, agnes, plan, syt_task, name):
    args = {"targets:task-create": [plan.pk], "targets:task-edit": [syt_task.pk]}.get(name, [])
    assert login(client, agnes).get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "targets:plan-list",
        "targets:plan-detail",
        "targets:matrix",
        "targets:overdue",
        "targets:task-list",
        "targets:task-detail",
        "targets:task-update",
        "targets:figure-list",
        "targets:figure-create",
    ],
)
def test_area_officers_and_nobody_get_404(client, alice, nobody, plan, syt_task, name):
    args = {
        "targets:plan-detail": [plan.pk],
        "targets:task-detail": [syt_task.pk],
        "targets:task-update": [syt_task.pk],
    }.get(name, [])
    for user in (alice, nobody):
        assert login(client, user).get(reverse(name, args=args)).status_code == 404


def test_anonymous_is_sent_to_login(client, syt_task):
    response = client.get(reverse("targets:task-detail", args=[syt_task.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_navigation_fits_the_role(client, pat, agnes, alice):
    assert "Tiến độ nhiệm vụ" in login(client, pat).get("/").content.decode()
    assert "Nhiệm vụ của cơ quan" in login(client, agnes).get("/").content.decode()
    body = login(client, alice).get("/").content.decode()
    assert "Nhiệm vụ của cơ quan" not in body
    assert "Tiến độ nhiệm vụ" not in body


# --- manually reported figures ----------------------------------------------------------------


def _figure_payload(target, **extra):
    payload = {
        "target": target.pk,
        "area": "",
        "year": "2023",
        "period_start": "2023-01-01",
        "period_end": "2023-06-30",
        "value": "85,5",
        "note": "",
    }
    payload.update(extra)
    return payload


def test_responsible_agency_enters_a_figure_with_evidence(client, plan, private_media):
    from ..conftest import make_user

    staff = make_user("ldtbxh", "agency_staff", agency_code="SLDTBXH")
    target = Target.objects.get(plan=plan, code="CT06")
    from households.models import Area

    ba_tri = Area.objects.get(code="836")
    client = login(client, staff)
    response = client.post(
        reverse("targets:figure-create"),
        _figure_payload(target, area=ba_tri.pk, evidence=upload("ds.pdf", PDF_BYTES)),
    )
    assert response.status_code == 302
    figure = ManualFigure.objects.get()
    assert (figure.area, str(figure.value), figure.agency.code) == (ba_tri, "85.50", "SLDTBXH")
    download = client.get(reverse("targets:figure-download", args=[figure.pk]))
    assert download.status_code == 200
    assert "ds.pdf" in client.get(reverse("targets:figure-list")).content.decode()


def test_figure_with_bad_evidence_is_refused(client, pat, plan):
    from households.models import Area

    target = Target.objects.get(plan=plan, code="CT06")
    response = login(client, pat).post(
        reverse("targets:figure-create"),
        _figure_payload(
            target,
            area=Area.objects.get(code="83").pk,
            evidence=upload("virus.pdf", EXE_BYTES),
        ),
    )
    assert response.status_code == 400
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    assert ManualFigure.objects.count() == 0


def test_agency_without_manual_targets_cannot_enter_figures(client, agnes, olga, plan):
    assert login(client, agnes).get(reverse("targets:figure-create")).status_code == 404


def test_figure_download_is_scoped(client, pat, agnes, plan):
    from households.models import Area

    target = Target.objects.get(plan=plan, code="CT06")
    figure = services.manual_figure_create(
        target=target,
        area=Area.objects.get(code="83"),
        year=2023,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        value=100,
        agency=target.responsible_agency,
        user=pat,
        file=upload("ds.pdf", PDF_BYTES),
    )
    url = reverse("targets:figure-download", args=[figure.pk])
    assert login(client, pat).get(url).status_code == 200
    assert login(client, agnes).get(url).status_code == 404


def test_targets_home_sends_each_role_to_its_page(client, pat, agnes, alice):
    url = reverse("targets:home")
    assert login(client, pat).get(url)["Location"] == reverse("targets:plan-list")
    assert login(client, agnes).get(url)["Location"] == reverse("targets:task-list")
    assert login(client, alice).get(url).status_code == 404


def test_provincial_attaches_a_plan_document_and_agencies_download_it(
    client, pat, agnes, alice, plan
):
    response = login(client, pat).post(
        reverse("targets:document-add", args=[plan.pk]),
        {"title": "Kế hoạch 452/KH-UBND", "file": upload("kh-452.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    document = plan.documents.get()
    url = reverse("targets:document-download", args=[document.pk])
    assert (
        "Kế hoạch 452/KH-UBND"
        in client.get(reverse("targets:plan-detail", args=[plan.pk])).content.decode()
    )
    assert login(client, agnes).get(url).status_code == 200
    assert login(client, alice).get(url).status_code == 404


def test_plan_document_refuses_executables_and_agencies(client, pat, agnes, plan):
    url = reverse("targets:document-add", args=[plan.pk])
    response = login(client, pat).post(url, {"title": "x", "file": upload("x.pdf", EXE_BYTES)})
    assert response.status_code == 400
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    response = login(client, agnes).post(url, {"title": "x", "file": upload("x.pdf", PDF_BYTES)})
    assert response.status_code == 404
    assert not plan.documents.exists()


def test_plan_and_figure_lists_query_count(client, pat, plan, django_assert_max_num_queries):
    from households.models import Area

    target = Target.objects.get(plan=plan, code="CT06")
    for code in ("829", "831", "832", "833", "834", "835", "836"):
        services.manual_figure_create(
            target=target,
            area=Area.objects.get(code=code),
            year=2023,
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            value=100,
            agency=target.responsible_agency,
            user=pat,
        )
    c = login(client, pat)
    with django_assert_max_num_queries(10):
        assert c.get(reverse("targets:figure-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(reverse("targets:plan-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get(reverse("targets:plan-detail", args=[plan.pk])).status_code == 200


def _figures(target, n: int) -> None:
    from households.models import Area

    ba_tri = Area.objects.get(code="836")
    ManualFigure.objects.bulk_create(
        ManualFigure(
            target=target,
            area=ba_tri,
            year=2023,
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            value=1000 + i,
            agency=target.responsible_agency,
        )
        for i in range(n)
    )


def test_figure_list_is_paginated_and_figures_past_the_50th_are_reachable(client, pat, plan):
    target = Target.objects.get(plan=plan, code="CT06")
    _figures(target, 120)
    c = login(client, pat)
    url = reverse("targets:figure-list")
    page = c.get(url).content.decode()
    assert page.count('<td class="num">1') == 50
    assert "Trang 1/3" in page
    assert 'href="?page=2"' in page
    assert 'href="?page=3"' in page
    values = []
    for n in (1, 2, 3):
        html = c.get(f"{url}?page={n}").content.decode()
        values += re.findall(r'<td class="num">([\d.,]+) ', html)
    assert len(values) == 120
    assert len(set(values)) == 120  # every figure once, none on two pages
    last = c.get(f"{url}?page=3").content.decode()
    assert "Trang 3/3" in last
    assert 'href="?page=2"' in last
    assert 'rel="next"' not in last


@pytest.mark.parametrize("n", [7, 120])
def test_figure_list_reads_a_fixed_number_of_times(client, pat, plan, django_assert_num_queries, n):
    _figures(Target.objects.get(plan=plan, code="CT06"), n)
    c = login(client, pat)
    with django_assert_num_queries(QUERIES_FIGURE_LIST):
        response = c.get(reverse("targets:figure-list"))
    assert response.status_code == 200


QUERIES_FIGURE_LIST = 6
