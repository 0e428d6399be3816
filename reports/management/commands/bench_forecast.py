"""Benchmark: the province-wide forecast under another standard (households.forecast, reads
only, plus its workbook) against a full rebuild of the same year's snapshot.

    manage.py bench_forecast --year 2026 --standard 2027-2030
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from households.forecast import forecast_run
from households.models import Area, HouseholdReview, PovertyStandard
from reports.forecast import forecast_workbook_write
from reports.models import RebuildJob
from reports.services import snapshot_rebuild


class Command(BaseCommand):
    help = "Đo thời gian dự báo toàn tỉnh theo chuẩn khác so với tính lại toàn bộ số liệu năm."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--standard", default="2027-2030")

    def handle(self, *args, year: int, standard: str, **options) -> None:
        target = PovertyStandard.objects.filter(code=standard).first()
        province = Area.objects.filter(code=settings.PROVINCE_CODE).first()
        if target is None or province is None:
            raise CommandError("Thiếu chuẩn hoặc tỉnh (load_reference_data).")
        reviews = HouseholdReview.objects.filter(year=year, status="approved", is_current=True)
        self.stdout.write(f"Phiếu đã duyệt năm {year}: {reviews.count():,}")
        started = time.perf_counter()
        snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.COMMAND)
        rebuild = time.perf_counter() - started
        self.stdout.write(f"Tính lại số liệu năm {year}: {rebuild:.1f} s")
        started = time.perf_counter()
        forecast = forecast_run(area=province, standard=target, year=year)
        classified = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            forecast_workbook_write(Path(folder) / "du-bao.xlsx", forecast)
        total = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
        t = forecast.total
        self.stdout.write(
            f"Dự báo theo {target.code}: {t.households:,} hộ, {len(forecast.communes)} xã; "
            f"phân loại {classified:.1f} s, cả bảng tính {total:.1f} s, "
            f"bộ nhớ đỉnh của tiến trình {peak / 2**20:.0f} MB"
        )
        self.stdout.write(
            f"Hộ nghèo {t.before['poor']:,} -> {t.after['poor']:,}; "
            f"hộ cận nghèo {t.before['near_poor']:,} -> {t.after['near_poor']:,}; "
            f"{len(forecast.changes):,} hộ đổi loại"
        )
        self.stdout.write(f"Tỷ lệ dự báo / tính lại: {total / rebuild:.2f}x (mục tiêu < 2x)")
