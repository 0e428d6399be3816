"""Redis stopped during approvals loses nothing (a real Redis of our own, stopped and started).

The approvals commit and answer normally with "số liệu sẽ được cập nhật"; the rebuilds they owe
wait in the outbox; when Redis is back the relay (as beat runs it) sends them to a real worker
and the dashboard figures include the approvals.
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from households.models import HouseholdReview, OutboxMessage

pytestmark = [pytest.mark.faults]


def _poor_households() -> float | None:
    from reports.models import IndicatorValue

    value = IndicatorValue.objects.filter(
        snapshot__status="active", year=2023, indicator="poor_households", area__code="83"
    ).first()
    return value.value if value else None


def test_approvals_while_redis_is_down_lose_nothing(
    needs_postgres,
    reference_reloaded,
    transactional_db,
    broker_app,
    redis_up,
    worker_connections_closed,
    client,
    bob,
    monkeypatch,
):
    from celery.contrib.testing.worker import start_worker

    from households.tasks import outbox_relay_task
    from reports import tasks as report_tasks
    from reports.services import snapshot_rebuild
    from tests.reports.conftest import build_province_data, make_review

    monkeypatch.setattr(report_tasks, "REBUILD_DEBOUNCE_SECONDS", 1)
    data = build_province_data()
    # A second submitted review of Ba Tri (H8 of Tân Mỹ, near-poor in 2023 -> poor).
    HouseholdReview.objects.filter(household=data["H8"], year=2023).delete()
    make_review(data["H8"], 2023, "poor", status="submitted", deprivations=(1, 2, 3))
    snapshot_rebuild(year=2023)
    assert _poor_households() == 4
    submitted = list(HouseholdReview.objects.filter(year=2023, status="submitted"))
    assert len(submitted) == 2

    redis_up.stop()
    client.force_login(bob)
    for review in submitted:
        response = client.post(reverse("households:review-approve", args=[review.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Số liệu sẽ được cập nhật" in page
        assert "Đã duyệt phiếu" in page
    assert (
        HouseholdReview.objects.filter(pk__in=[r.pk for r in submitted])
        .filter(status="approved")
        .count()
        == 2
    )
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() >= 2
    # The health page says the broker is down and work is waiting.
    from households.organisation import roles
    from tests.conftest import make_user

    make_user("pat-health", roles.PROVINCIAL_STAFF)
    client.force_login(type(bob).objects.get(username="pat-health"))
    health = client.get(reverse("system-health")).content.decode()
    assert "Không hoạt động" in health
    assert "việc đang chờ gửi" in health
    assert _poor_households() == 4  # nothing rebuilt yet, nothing lost either

    redis_up.start()
    with start_worker(broker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + 90
        relayed = 0.0
        while time.monotonic() < deadline:
            if time.monotonic() - relayed > 3:  # what beat sends every 30 seconds
                outbox_relay_task.apply_async()
                relayed = time.monotonic()
            if (
                _poor_households() == 6
                and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
            ):
                break
            time.sleep(0.3)
    assert _poor_households() == 6
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
