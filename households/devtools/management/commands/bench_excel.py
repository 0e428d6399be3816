"""manage.py bench_excel --rows 20000 [--members 0] [--export-rows 100000]

Times, in one run: calamine and openpyxl read-only reading a generated workbook, the preview
(read + validate, what the officer waits for before confirming), the full import (read +
validate + write, rolled back afterwards; its stages in the note), and a streamed export, with
peak memory.

Each phase runs in its own child process (`--phase`), so each peak RSS (ru_maxrss, the
process high-water mark, which includes Python + Django loaded: see the "baseline" line) is that
phase's alone and no phase inherits another's. The time is wall time around the phase only,
measured inside the child. Before the import's rollback, SET CONSTRAINTS ALL IMMEDIATE runs the
deferred foreign-key checks a commit would run, and their time is counted.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from openpyxl import Workbook, load_workbook

from households.excel import services
from households.excel.columns import (
    EDUCATION_CHOICES,
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    RELATIONSHIP_CHOICES,
    SCHOOL_CHOICES,
    WORK_CHOICES,
)
from households.excel.exports import export_file_write
from households.models import Area, Household, Member, ReviewRound
from households.organisation import roles

COMMUNES = ("29173", "29176", "29182", "29185")
PHASES = ("baseline", "calamine", "bounds", "bounded", "openpyxl", "export", "validate", "import")
# Against the workbook's households stored first (committed, deleted afterwards).
REIMPORT_PHASES = ("reimport", "corrected")
INTERNAL_PHASES = ("stored", "cleanup")


BENCH_USER = "bench-province"


class Rollback(Exception):
    pass


def _delete_bench_households(path: Path | None = None) -> None:
    """Remove the households the bench stored (codes BENCH-...), their reviews, members and
    audit rows: plain SQL, the bench's own rows only."""
    households = "SELECT id FROM households_household WHERE code LIKE %s"
    pattern = ["BENCH-%"]
    with transaction.atomic(), connection.cursor() as cursor:
        statements = [
            f"DELETE FROM {table} WHERE household_id IN ({households})"  # noqa: S608 - our names
            for table in (
                "households_historicalhouseholdreview",
                "households_householdreview",
                "households_historicalmember",
                "households_member",
            )
        ]
        statements.append(f"DELETE FROM households_historicalhousehold WHERE id IN ({households})")  # noqa: S608
        for statement in statements:
            cursor.execute(statement, pattern)
        cursor.execute("DELETE FROM households_household WHERE code LIKE %s", pattern)
    # The rounds the import created (those not there before the "stored" phase) go too, with
    # their history, so that the household list does not show a year nobody reviewed.
    marks = _rounds_file(path) if path else None
    if marks is None or not marks.exists():
        return
    before = set(json.loads(marks.read_text()))
    with transaction.atomic():
        created = [
            pk
            for pk in ReviewRound.objects.filter(reviews__isnull=True).values_list("pk", flat=True)
            if pk not in before
        ]
        ReviewRound.objects.filter(pk__in=created).delete()
        ReviewRound.history.filter(id__in=created).delete()  # the deletion's row too
    marks.unlink()


def _rounds_file(path: Path) -> Path:
    return path.with_name(path.name + ".rounds.json")


def _run_deferred_checks() -> None:
    """The deferred foreign-key checks a commit would run (PostgreSQL; SQLite checks at once)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Command(BaseCommand):
    help = "Đo tốc độ nhập/xuất Excel."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument(
            "--members",
            type=int,
            default=0,
            help="nhân khẩu mỗi hộ trên trang NHAN_KHAU (0: chỉ trang HO)",
        )
        parser.add_argument("--export-rows", type=int, default=100_000)
        parser.add_argument("--tracemalloc", action="store_true")
        parser.add_argument(
            "--phase",
            choices=PHASES + REIMPORT_PHASES + INTERNAL_PHASES,
            help="(internal) run one phase",
        )
        parser.add_argument("--file", help="(internal) the generated workbook")

    def handle(self, *args, rows: int, **options) -> None:
        options["rows"] = rows
        if options["phase"]:
            self._phase(options["phase"], Path(options["file"]), options)
            return
        out = self.stdout
        self._user()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.xlsx"
            self._generate(path, rows, members=options["members"])
            out.write(
                f"Workbook: {rows} households, {rows * options['members']} members, "
                f"{path.stat().st_size / 1048576:.1f} MB"
            )
            out.write(
                f"database: {connection.vendor}; each phase in its own process, "
                "peak RSS = that process's ru_maxrss"
            )
            results = {}
            labels = {
                "baseline": "baseline: Python + Django, nothing done",
                "calamine": "read: calamine",
                "bounds": "bounds check only (zip, DTD, ranges)",
                "bounded": "read_workbook: bounds + calamine, child",
                "openpyxl": "read: openpyxl read-only",
                "export": f"export: {options['export_rows']} households (streamed)",
                "validate": "preview: validate only (no write)",
                "import": "import: validate + write (rolled back)",
                "reimport": "re-import, unchanged (rolled back)",
                "corrected": "re-import, 1 in 10 corrected (rolled back)",
            }
            for phase in PHASES:
                results[phase] = self._child(phase, path, options)
            try:
                self._child("stored", path, options)
                for phase in REIMPORT_PHASES:
                    results[phase] = self._child(phase, path, options)
            finally:
                self._child("cleanup", path, options)
            for phase in PHASES + REIMPORT_PHASES:
                result = results[phase]
                extra = ""
                if "tracemalloc_mb" in result:
                    extra = f"   tracemalloc peak {result['tracemalloc_mb']:7.1f} MB"
                out.write(
                    f"{labels[phase]:<42} {result['seconds']:8.2f} s "
                    f"(cpu here {result['cpu']:5.2f} s)   "
                    f"peak RSS {result['maxrss_mb']:7.1f} MB{extra}"
                )
                if result.get("note"):
                    out.write(f"    {result['note']}")
            fastest = results["calamine"]["seconds"]
            out.write(
                f"ratio preview / fastest read (calamine): "
                f"{results['validate']['seconds'] / fastest:.2f}"
            )
            out.write(
                f"ratio import / fastest read (calamine): "
                f"{results['import']['seconds'] / fastest:.2f}"
            )
            out.write(
                "(cpu here = this process's CPU time; the database server's work is not in it)"
            )

    def _child(self, phase: str, path: Path, options) -> dict:
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_excel",
            "--phase",
            phase,
            "--file",
            str(path),
            "--export-rows",
            str(options["export_rows"]),
            "--rows",
            str(options["rows"]),
            "--members",
            str(options["members"]),
        ]
        if options["tracemalloc"]:
            command.append("--tracemalloc")
        done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            command, capture_output=True, text=True, check=True, env=os.environ.copy()
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _phase(self, phase: str, path: Path, options) -> None:
        trace = options["tracemalloc"]
        user = self._user() if phase in ("validate", "import", "stored", *REIMPORT_PHASES) else None
        result: dict = {}

        def calamine_read():
            import python_calamine

            book = python_calamine.CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:  # HO, and NHAN_KHAU when there are members
                for _row in book.get_sheet_by_name(name).iter_rows():
                    pass

        def bounds_only():
            from households.workbook.bounds import workbook_bounds_check
            from households.workbook.reader import workbook_limits

            workbook_bounds_check(path, workbook_limits())

        def bounded_read():
            from households.workbook.reader import read_workbook

            book = read_workbook(path, ("HO", "NHAN_KHAU"))
            rows = sum(len(s.rows) for s in book.sheets.values())
            result["note"] = f"{rows} rows (the child's memory is not in this peak RSS)"

        def openpyxl_read():
            book = load_workbook(path, read_only=True, data_only=True)
            for sheet in book.worksheets:
                for _row in sheet.iter_rows(values_only=True):
                    pass
            book.close()

        def validate_only():
            plan = services.workbook_validate(path=path, user=user, year=2024)
            if plan.errors:
                raise RuntimeError(plan.errors[:3])
            result["note"] = f"plan: {plan.counts}"

        def full_import():
            stages = {}

            def progress(stage: str, _count: int) -> None:
                stages[stage] = time.perf_counter()  # the last report of each stage

            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    plan = services.workbook_import(
                        path=path, user=user, year=2024, progress=progress
                    )
                    if plan.errors:
                        raise RuntimeError(plan.errors[:3])
                    _run_deferred_checks()
                    end = time.perf_counter()
                    result["note"] = (
                        f"plan: {plan.counts}; read + validate "
                        f"{stages['validated'] - start:.2f} s, write "
                        f"{stages['written'] - stages['validated']:.2f} s, deferred "
                        f"foreign-key checks (run at commit) {end - stages['written']:.2f} s"
                    )
                    raise Rollback
            except Rollback:
                pass

        def stored():
            """Setup of the re-import phases: the workbook imported and committed."""
            _delete_bench_households(path)
            # The rounds there were before: the import creates the year's rounds of the
            # workbook's communes, which the cleanup removes again.
            _rounds_file(path).write_text(
                json.dumps(list(ReviewRound.objects.values_list("pk", flat=True)))
            )
            services.workbook_import(path=path, user=user, year=2024)
            return 0.0, 0.0

        def reimport(target: Path):
            """The officer's usual case: the workbook again (nothing changes), or a corrected
            one (every tenth household's income changed: updates, audited); rolled back."""
            with transaction.atomic():
                plan = services.workbook_import(path=target, user=user, year=2024)
                _run_deferred_checks()
                result["note"] = f"plan: {plan.counts}"
                transaction.set_rollback(True)

        def corrected_reimport():
            corrected = path.with_name("corrected.xlsx")
            self._generate(corrected, options["rows"], members=options["members"], corrected=True)
            start, cpu = time.perf_counter(), time.process_time()
            reimport(corrected)
            return time.perf_counter() - start, time.process_time() - cpu

        def big_export():
            with transaction.atomic():
                wanted = options["export_rows"]
                missing = wanted - Household.objects.count()
                if missing > 0:
                    self._fill(missing)
                last = Household.objects.order_by("pk").values_list("pk", flat=True)[wanted - 1]
                target = path.with_name("export.xlsx")
                households = Household.objects.filter(pk__lte=last)
                members = Member.objects.filter(household__in=households, left_on__isnull=True)
                # What the web export and the background job write: households and members.
                count = export_file_write(target, households, user=self._user(), year=2024)
                result["note"] = (
                    f"exported {count} households and {members.count()} members, "
                    f"{target.stat().st_size / 1048576:.1f} MB"
                )
                transaction.set_rollback(True)

        func = {
            "baseline": lambda: None,
            "calamine": calamine_read,
            "bounds": bounds_only,
            "bounded": bounded_read,
            "openpyxl": openpyxl_read,
            "export": big_export,
            "validate": validate_only,
            "import": full_import,
            "stored": stored,
            "reimport": lambda: reimport(path),
            "corrected": corrected_reimport,
            "cleanup": lambda: _delete_bench_households(path),
        }[phase]
        if trace:
            tracemalloc.start()
        cpu = time.process_time()
        start = time.perf_counter()
        measured = func()  # (seconds, cpu) when the phase times a part of itself
        result["seconds"] = time.perf_counter() - start
        result["cpu"] = time.process_time() - cpu
        if measured:
            result["seconds"], result["cpu"] = measured
        if trace:
            result["tracemalloc_mb"] = tracemalloc.get_traced_memory()[1] / 1048576
            tracemalloc.stop()
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(json.dumps(result))

    def _user(self):
        from django.contrib.auth.models import Group

        group = Group.objects.filter(name=roles.PROVINCIAL_STAFF).first()
        if group is None or not Area.objects.filter(code__in=COMMUNES).exists():
            raise CommandError(
                "Chưa có dữ liệu danh mục (vai trò, địa bàn): hãy chạy "
                "`manage.py load_reference_data` trước."
            )
        user, _created = get_user_model().objects.get_or_create(username=BENCH_USER)
        user.groups.add(group)
        return user

    def _generate(
        self, path: Path, rows: int, *, members: int = 0, corrected: bool = False
    ) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("HO")
        sheet.append([c.title for c in HOUSEHOLD_COLUMNS])
        for i in range(rows):
            ticks = [(i >> k) & 1 for k in range(12)]
            income = 1_000_000 + (i % 50) * 50_000 + (100_000 if corrected and i % 10 == 0 else 0)
            sheet.append(
                [
                    f"BENCH-{i:06d}",
                    COMMUNES[i % len(COMMUNES)],
                    f"Ấp {i % 7 + 1}",
                    f"Nguyễn Văn {i}",
                    "",
                    1 + i % 6,
                    f"{income:,}".replace(",", "."),
                    *ticks,
                    i % 2,
                    0,
                    0,
                    1,
                ]
            )
        if members:
            self._members(book, rows, members)
        book.save(path)

    @staticmethod
    def _members(book, rows: int, per_household: int) -> None:
        """NHAN_KHAU: the head (a working adult with a card) and dependants of every age."""
        sheet = book.create_sheet("NHAN_KHAU")
        sheet.append([c.title for c in MEMBER_COLUMNS])
        relation = {v: k for k, v in RELATIONSHIP_CHOICES.items()}
        work = {v: k for k, v in WORK_CHOICES.items()}
        education = {v: k for k, v in EDUCATION_CHOICES.items()}
        school = {v: k for k, v in SCHOOL_CHOICES.items()}
        for i in range(rows):
            for k in range(per_household):
                head = k == 0
                born = date(1960 + (i + 7 * k) % 60, 1 + (i + k) % 12, 1 + (i * 3 + k) % 28)
                adult = born.year <= 2005
                sheet.append(
                    [
                        f"BENCH-{i:06d}",
                        f"Nguyễn Văn {i}" if head else f"Trần Thị {i} {k}",
                        born,
                        "Nam" if head or k % 2 else "Nữ",
                        relation["head" if head else "child"],
                        "",
                        int((i + k) % 3 != 0),
                        "" if adult else school["lower_secondary"],
                        education["lower_secondary" if adult else "primary"],
                        work["self_employed" if adult else "not_in_labour_force"],
                    ]
                )

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
