"""manage.py bench_excel --rows 20000 [--export-rows 100000]

Times, in one run: calamine and openpyxl read-only reading a generated workbook, the full import
(validation + write, rolled back afterwards), and a streamed export, with peak memory.
"""

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from openpyxl import Workbook, load_workbook

from households import roles
from households.excel import services
from households.excel.columns import HOUSEHOLD_COLUMNS
from households.excel.export import export_rows
from households.excel.writer import export_write
from households.models import Area, Household

COMMUNES = ("29173", "29176", "29182", "29185")


class Rollback(Exception):
    pass


def measure(label: str, func, out, *, trace: bool) -> float:
    """Wall time; peak memory as ru_maxrss (process high-water mark, phases ordered so that
    the lighter ones come first) and, with --tracemalloc, Python's own peak (slows the run)."""
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    peak = ""
    if trace:
        peak = f"   tracemalloc peak {tracemalloc.get_traced_memory()[1] / 1048576:7.1f} MB"
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write(f"{label:<42} {seconds:8.2f} s   maxrss {rss:7.1f} MB{peak}")
    return seconds


class Command(BaseCommand):
    help = "Đo tốc độ nhập/xuất Excel."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--export-rows", type=int, default=100_000)
        parser.add_argument("--tracemalloc", action="store_true")

    def handle(self, *args, rows: int, **options) -> None:
        out = self.stdout
        export_count = options["export_rows"]
        trace = options["tracemalloc"]
        user = self._user()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.xlsx"
            self._generate(path, rows)
            out.write(f"Workbook: {rows} households, {path.stat().st_size / 1048576:.1f} MB")

            def calamine_read():
                import python_calamine

                book = python_calamine.CalamineWorkbook.from_path(str(path))
                for _row in book.get_sheet_by_name("HO").iter_rows():
                    pass

            def openpyxl_read():
                book = load_workbook(path, read_only=True, data_only=True)
                for _row in book["HO"].iter_rows(values_only=True):
                    pass
                book.close()

            fastest = measure("read: calamine", calamine_read, out, trace=trace)
            measure("read: openpyxl read-only", openpyxl_read, out, trace=trace)

            def full_import():
                try:
                    with transaction.atomic():
                        plan = services.workbook_import(path=path, user=user, year=2024)
                        if plan.errors:
                            raise RuntimeError(plan.errors[:3])
                        raise Rollback
                except Rollback:
                    pass

            def big_export():
                with transaction.atomic():
                    missing = export_count - Household.objects.count()
                    if missing > 0:
                        self._fill(missing)
                    target = Path(folder) / "export.xlsx"
                    count = export_write(target, export_rows_iter(), None)
                    out.write(f"exported {count} rows, {target.stat().st_size / 1048576:.1f} MB")
                    transaction.set_rollback(True)

            def export_rows_iter():
                return export_rows(Household.objects.all(), year=2024)

            measure(f"export: {export_count} households (streamed)", big_export, out, trace=trace)
            seconds = measure(
                "import: validate + write (rolled back)", full_import, out, trace=trace
            )
            out.write(f"ratio import / fastest read: {seconds / fastest:.2f}")

    def _user(self):
        from django.contrib.auth.models import Group

        user, _created = get_user_model().objects.get_or_create(username="bench-province")
        user.groups.add(Group.objects.get(name=roles.PROVINCIAL_STAFF))
        return user

    def _generate(self, path: Path, rows: int) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("HO")
        sheet.append([c.title for c in HOUSEHOLD_COLUMNS])
        for i in range(rows):
            ticks = [(i >> k) & 1 for k in range(12)]
            sheet.append(
                [
                    f"BENCH-{i:06d}",
                    COMMUNES[i % len(COMMUNES)],
                    f"Ấp {i % 7 + 1}",
                    f"Nguyễn Văn {i}",
                    "",
                    1 + i % 6,
                    f"{1_000_000 + (i % 50) * 50_000:,}".replace(",", "."),
                    *ticks,
                    i % 2,
                    0,
                    0,
                    1,
                ]
            )
        book.save(path)

    def _fill(self, count: int) -> None:
        commune = Area.objects.get(code=COMMUNES[0])
        batch = []
        for i in range(count):
            batch.append(
                Household(
                    code=f"FILL-{i:07d}",
                    commune=commune,
                    area_path=commune.path,
                    head_name=f"Trần Thị {i}",
                    search_text=f"tran thi {i}",
                    declared_size=3,
                )
            )
            if len(batch) == 5000:
                Household.objects.bulk_create(batch)
                batch = []
        Household.objects.bulk_create(batch)
