"""Issue 17 finding 7: each role's home page shows its numbers and to-dos, and each number
opens the list behind it, which holds exactly that many."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Area, Household, HouseholdReview
from tests.conftest import login
from tests.reports.conftest import AN_DUC


def _todos(client) -> dict[str, dict]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {todo["key"]: todo for todo in response.context["todos"]}


def _total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_approver_sees_waiting_and_overdue_reviews(client, bob, rebuilt):
    HouseholdReview.objects.filter(household=rebuilt["H6"], year=2023).update(
        submitted_at=timezone.now() - timedelta(days=10)
    )
    HouseholdReview.objects.filter(household=rebuilt["H8"], year=2023).update(
        status="submitted", submitted_at=timezone.now()
    )
    login(client, bob)
    todos = _todos(client)
    assert todos["queue"]["count"] == 2
    assert todos["queue_overdue"]["count"] == 1
    assert _total(client, todos["queue"]["url"]) == 2
    assert _total(client, todos["queue_overdue"]["url"]) == 1
    page = client.get(reverse("home")).content.decode()
    assert "2 phiếu chờ duyệt" in page
    assert "1 phiếu quá hạn" in page


def test_commune_sees_returned_reviews_with_reason_and_unreviewed_households(
    client, alice, bob, rebuilt, django_capture_on_commit_callbacks
):
    review = HouseholdReview.objects.get(household=rebuilt["H6"], year=2023)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_return(review=review, user=bob, reason="Thiếu thu nhập của con trai")
    Household.objects.create(
        code="H12", commune=Area.objects.get(code=AN_DUC), head_name="Chủ hộ H12"
    )
    login(client, alice)
    todos = _todos(client)
    assert todos["returned"]["count"] == 1
    assert _total(client, todos["returned"]["url"]) == 1
    assert "Thiếu thu nhập của con trai" in " ".join(todos["returned"]["details"])
    assert todos["unreviewed"]["count"] == 1  # H12: An Đức's others all have a 2023 review
    assert _total(client, todos["unreviewed"]["url"]) == 1
    page = client.get(reverse("home")).content.decode()
    assert "1 phiếu bị trả lại năm 2023" in page
    assert "Thiếu thu nhập của con trai" in page
    assert "queue" not in todos  # a commune does not approve in 2023's three-tier tree


def test_province_sees_its_rate_and_the_areas_behind(client, pat, rebuilt):
    login(client, pat)
    todos = _todos(client)
    dashboard = client.get(reverse("reports:dashboard")).context
    rate = dashboard["summary"]["poor_rate"]
    assert f"{rate:.2f}".replace(".", ",") in todos["poor_rate"]["text"]
    behind = {
        cell["area"].pk
        for row in dashboard["target_rows"]
        for cell in row["cells"][1:]
        if cell["ok"] is False
    }
    assert todos["areas_behind"]["count"] == len(behind)
    assert client.get(todos["areas_behind"]["url"]).status_code == 200


def test_agency_sees_its_overdue_tasks(client, agnes, db):
    from datetime import date

    from targets.models import Plan
    from targets.reference_data import PLAN_CODE, plan_2023_load
    from tests.targets.conftest import make_task

    plan_2023_load()
    plan = Plan.objects.get(code=PLAN_CODE)
    make_task(plan, "SYT", due=date(2023, 12, 15))
    make_task(plan, "SYT", due=timezone.localdate() + timedelta(days=30))
    make_task(plan, "SGDDT", due=date(2023, 10, 31))
    login(client, agnes)
    todos = _todos(client)
    assert todos["tasks_overdue"]["count"] == 1
    assert _total(client, todos["tasks_overdue"]["url"]) == 1
    assert "1 nhiệm vụ quá hạn" in client.get(reverse("home")).content.decode()
