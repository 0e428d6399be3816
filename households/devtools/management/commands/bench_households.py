"""Time the household list page (median of several runs) for each filter, and count queries."""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from households.models import Area, Household, Member
from households.organisation import roles


class Command(BaseCommand):
    help = "Đo thời gian trang danh sách hộ với từng bộ lọc và số truy vấn theo cỡ trang."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, runs: int, year: int | None, **options) -> None:
        setup_test_environment()  # the test client's context capture, "testserver" host
        user, _created = get_user_model().objects.get_or_create(username="bench-province")
        user.groups.add(Group.objects.get(name=roles.PROVINCIAL_STAFF))
        client = Client()
        client.force_login(user)
        url = reverse("households:list")
        member = Member.objects.exclude(citizen_id="").order_by("pk").last()
        head = Household.objects.order_by("pk").last()
        # An Đức (Ba Tri) where it still has households, else the unit the newest one is in
        # (after the 2025 reorganisation An Đức's households are in Xã Ba Tri).
        commune = Area.objects.get(code="29173")
        if head is not None and not Household.objects.filter(commune=commune).exists():
            commune = head.commune
        hamlet = Area.objects.filter(parent=commune).first()
        name = " ".join(head.search_text.split()[-3:-1]) if head else "nguyen van"
        cases = {
            "không lọc": {},
            "xã": {"commune": commune.pk},
            "ấp": {"hamlet": hamlet.pk if hamlet else ""},
            "hộ nghèo": {"classification": "poor"},
            "trạng thái đã gửi": {"status": "submitted"},
            "nhóm người có công": {"group": "is_meritorious"},
            "thiếu hụt CS04": {"indicator": "4"},
            "nghèo + CS10 + xã": {
                "classification": "poor",
                "indicator": "10",
                "commune": commune.pk,
            },
            f"tìm tên không dấu «{name}»": {"q": name},
            "tìm CCCD": {"q": member.citizen_id if member else "083089000001"},
        }
        if year:
            cases = {k: v | {"year": year} for k, v in cases.items()}
        self.stdout.write(f"{Household.objects.count()} hộ, {connection.vendor}")
        self.stdout.write(f"  {'':<40} {'median':>8}  {'p95':>8}  queries")
        for label, params in cases.items():
            times = []
            client.get(url, params)  # warm up
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{label}: HTTP {response.status_code}")
            paginator = response.context["page"].paginator
            count = f"{'>' if paginator.capped else ''}{paginator.count} hộ"
            times.sort()
            p95 = times[max(0, -(-len(times) * 95 // 100) - 1)]
            self.stdout.write(
                f"  {label:<40} {statistics.median(times):6.1f} ms {p95:6.1f} ms"
                f"  {len(queries)}  ({count})"
            )
        for size in (10, 100):
            with CaptureQueriesContext(connection) as queries:
                client.get(url, {"size": size})
            self.stdout.write(f"  cỡ trang {size:<3}: {len(queries)} truy vấn")
