"""Benchmark: carrying households of closed units to their successors (one UPDATE ... FROM).

Builds N synthetic households spread over the 157 Bến Tre communes of 2023 inside a
transaction, times `households_carry` for 1 July 2025 (audit rows included), then rolls
everything back. PostgreSQL for the real figure; SQLite works for small N.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from households.models import Area, Household
from households.organisation.services import households_carry


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Đo thời gian chuyển N hộ sang đơn vị kế thừa (mặc định 1.000.000; dữ liệu tạm, hoàn tác)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=1_000_000)

    def handle(self, *args, **options) -> None:
        n = options["households"]
        communes = list(
            Area.objects.filter(level=Area.Level.COMMUNE, parent__parent__code="83")
            .order_by("code")
            .values_list("id", "path")
        )
        if not communes:
            raise CommandError("Chưa có cây địa bàn 2023: chạy load_reference_data trước.")
        try:
            with transaction.atomic():
                started = time.perf_counter()
                self._fill(n, communes)
                filled = time.perf_counter() - started
                self.stdout.write(f"{n:,} hộ tạm đã tạo trong {filled:.1f} s ({connection.vendor})")
                started = time.perf_counter()
                plan = households_carry(on=date(2025, 7, 1))
                seconds = time.perf_counter() - started
                self.stdout.write(
                    f"carry: {plan.households:,} hộ của {len(plan.moves)} đơn vị chuyển trong "
                    f"{seconds:.1f} s ({plan.households / max(seconds, 1e-9):,.0f} hộ/s; mục tiêu < 60 s)"
                )
                started = time.perf_counter()
                again = households_carry(on=date(2025, 7, 1))
                self.stdout.write(
                    f"chạy lại: {again.households} hộ, {time.perf_counter() - started:.2f} s"
                )
                raise Rollback
        except Rollback:
            self.stdout.write("Đã hoàn tác dữ liệu tạm.")

    def _fill(self, n: int, communes: list[tuple[int, str]]) -> None:
        table = Household._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_communes (i integer, id bigint, path text)"
            )
            cursor.executemany(
                "INSERT INTO bench_communes VALUES (%s, %s, %s)",
                [(i, pk, path) for i, (pk, path) in enumerate(communes)],
            )
            series = (
                "generate_series(1, %s) AS s(k)"
                if connection.vendor == "postgresql"
                else "(WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < %s)"
                " SELECT k FROM s) AS s"
            )
            now = "CURRENT_TIMESTAMP"
            cursor.execute(
                f"INSERT INTO {table} (code, commune_id, area_path, address, head_name,"  # noqa: S608
                " head_citizen_id, search_text, phone, is_meritorious, is_ethnic_minority,"
                " no_labour_capacity, is_social_protection, wants_loan, version, created_at,"
                " updated_at)"
                f" SELECT 'BENCH' || s.k, c.id, c.path, '', 'Nguyễn Văn Bench', '',"
                f" 'nguyen van bench ' || s.k, '', false, false, false, false, false, 1, {now}, {now}"
                f" FROM {series} JOIN bench_communes c ON c.i = s.k %% %s",
                [n, len(communes)],
            )
            cursor.execute("DROP TABLE bench_communes")
