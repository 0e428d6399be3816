"""Benchmark: approving one review as an officer does (a POST through the whole stack), and the
time until the dashboard's figures show it (the snapshot refresh after the response).

    manage.py bench_approval --runs 5

Meant for `make run`'s defaults (SQLite, in-process tasks): goals < 300 ms for the round trip
and < 5 s until the dashboard reflects the approval (issue 17). Prints medians of the runs.
The database is left as it was found: on SQLite it is copied before each run and copied back
after (the SQLite backup API); other databases are refused (use a throw-away copy).
"""

from __future__ import annotations

import sqlite3
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from households.models import HouseholdReview
from households.selectors import can_approve
from reports import background
from reports.models import IndicatorValue, Snapshot

GOAL_ROUND_TRIP_MS = 300
GOAL_VISIBLE_S = 5.0


class Command(BaseCommand):
    help = "Approval round trip and time until the dashboard shows it (medians)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            raise CommandError(
                "bench_approval chạy trên CSDL SQLite mặc định của `make run` "
                "(nó sao lưu và khôi phục tệp CSDL)."
            )
        mode = (
            "in-process, after the response"
            if settings.CELERY_TASK_ALWAYS_EAGER and settings.REPORTS_REFRESH_IN_BACKGROUND
            else "inline"
            if settings.CELERY_TASK_ALWAYS_EAGER
            else "Celery worker"
        )
        self.stdout.write(f"database: sqlite; refresh: {mode}")
        round_trips, visible = [], []
        for run in range(options["runs"]):
            saved = self._save()
            try:
                trip, seen = self._one(run, options["timeout"])
            finally:
                background.wait_idle(options["timeout"], now=False)
                self._restore(saved)
            round_trips.append(trip)
            visible.append(seen)
            self.stdout.write(
                f"run {run + 1}: approval round trip {trip:.0f} ms, dashboard reflects it after "
                f"{seen:.2f} s"
            )
        trip, seen = statistics.median(round_trips), statistics.median(visible)
        self.stdout.write(
            f"median approval round trip: {trip:.0f} ms (goal < {GOAL_ROUND_TRIP_MS} ms) "
            f"{'OK' if trip < GOAL_ROUND_TRIP_MS else 'OVER'}"
        )
        self.stdout.write(
            f"median time until the dashboard reflects it: {seen:.2f} s (goal < "
            f"{GOAL_VISIBLE_S:.0f} s) {'OK' if seen < GOAL_VISIBLE_S else 'OVER'}"
        )

    def _one(self, run: int, timeout: float) -> tuple[float, float]:
        submitted = list(
            HouseholdReview.objects.filter(status=HouseholdReview.Status.SUBMITTED)
            .select_related("household", "round")
            .order_by("-year", "pk")
        )
        if not submitted:
            raise CommandError("Không có phiếu nào đang chờ duyệt (hãy chạy load_demo_data).")
        review = submitted[run % len(submitted)]
        users = get_user_model().objects.filter(is_active=True).order_by("is_superuser", "pk")
        user = next((u for u in users if can_approve(u, review)), None)
        if user is None:
            raise CommandError(f"Không có người dùng nào duyệt được phiếu {review.pk}.")
        before = self._reviewed(review)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = reverse("households:review-approve", args=[review.pk])
        clock = time.perf_counter()
        response = client.post(url)
        trip = (time.perf_counter() - clock) * 1000
        if response.status_code not in (200, 302):
            raise CommandError(f"Duyệt phiếu trả về mã {response.status_code}.")
        if not HouseholdReview.objects.filter(pk=review.pk, status="approved").exists():
            raise CommandError(f"Phiếu {review.pk} chưa được duyệt.")
        deadline = clock + timeout
        while self._reviewed(review) == before:
            if time.perf_counter() > deadline:
                raise CommandError("Bảng điều khiển chưa phản ánh việc duyệt sau thời gian chờ.")
            time.sleep(0.02)
        return trip, time.perf_counter() - clock

    @staticmethod
    def _reviewed(review: HouseholdReview) -> float | None:
        """What the dashboard reads for the review's unit: the active snapshot's count."""
        row = IndicatorValue.objects.filter(
            snapshot__status=Snapshot.Status.ACTIVE,
            year=review.year,
            area_id=review.area_id,
            indicator="reviewed_households",
        ).first()
        return row.value if row else None

    @staticmethod
    def _save() -> sqlite3.Connection:
        connections.close_all()
        copy = sqlite3.connect(":memory:")
        with sqlite3.connect(settings.DATABASES["default"]["NAME"]) as source:
            source.backup(copy)
        return copy

    @staticmethod
    def _restore(copy: sqlite3.Connection) -> None:
        connections.close_all()
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            copy.backup(target)
        finally:
            target.close()
            copy.close()
