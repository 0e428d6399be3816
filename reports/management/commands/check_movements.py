"""Report every area where the movement identity fails; exit non-zero when one does.

    manage.py check_movements [--year Y]

start - escaped - to the other list - other decrease + newly + re-impoverished + from the other
list + other increase = end, for poor and near-poor households, and start = the previous year's
official end; on the figures computed now from the approved reviews and on the active snapshots.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from reports.selectors import movement_check
from reports.services import years_with_data


class Command(BaseCommand):
    help = (
        "Kiểm tra đẳng thức diễn biến hộ nghèo, cận nghèo ở mọi địa bàn (mã thoát khác 0 khi sai)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int)

    def handle(self, *args, year: int | None = None, **options) -> None:
        years = [year] if year else years_with_data()
        if not years:
            self.stdout.write("Chưa có phiếu rà soát nào.")
            return
        total = 0
        for y in years:
            started = time.perf_counter()
            failures = movement_check(year=y)
            seconds = time.perf_counter() - started
            total += len(failures)
            self.stdout.write(
                f"{y}: {len(failures)} chỗ sai ({seconds:.2f} s)" if failures else
                f"{y}: đẳng thức đúng ở mọi địa bàn ({seconds:.2f} s)"
            )  # fmt: skip
            for failure in failures:
                figures = ", ".join(f"{k}={v}" for k, v in failure.figures.items())
                self.stdout.write(
                    f"  {failure.area.code} {failure.area.name} [{failure.source}] "
                    f"{failure.identity}: {figures}"
                )
        if total:
            raise CommandError(f"Đẳng thức diễn biến sai ở {total} chỗ.")
