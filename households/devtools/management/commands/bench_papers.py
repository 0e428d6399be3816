"""Benchmark: the certificates of N households (default 2,000) of one commune as one PDF.

Builds N synthetic households (2-5 members, an approved poor or near-poor review each) in a
hamlet of Xã An Đức inside a transaction, renders their certificates through the same code as
the page (households.papers: PAPER_CHUNK households per WeasyPrint pass, passes appended), prints
the time, the pages, the file size, the peak RSS and the RSS after each pass (flat memory), then
rolls everything back. Goal: under 30 s. Run it under `nice`.
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.models import Area, Household, HouseholdReview, Member, ReviewRound
from households.papers import selectors, views
from households.papers.render import chunk_size, papers_pdf
from households.selectors import standard_for_year

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Thanh", "Minh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Khải", "Lộc", "Mỹ", "Nhung", "Phúc", "Thủy"]


class Rollback(Exception):
    pass


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1024 / 1024


class Command(BaseCommand):
    help = "Đo thời gian in giấy chứng nhận của N hộ thành một tệp PDF (dữ liệu tạm, hoàn tác)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--out", default="", help="giữ tệp PDF tại đường dẫn này")

    def handle(self, *args, **options) -> None:
        n, year = options["households"], options["year"]
        commune = Area.objects.filter(code="29173").first()
        if commune is None:
            raise CommandError("Chưa có cây địa bàn: chạy load_reference_data trước.")
        try:
            with transaction.atomic():
                hamlet = self._fill(commune, n, year)
                self._render(hamlet, year, options["out"])
                raise Rollback
        except Rollback:
            self.stdout.write("Đã hoàn tác dữ liệu tạm.")

    def _fill(self, commune: Area, n: int, year: int) -> Area:
        hamlet = Area.objects.create(
            code="29173-BENCH", name="Ấp Thử Nghiệm", level=Area.Level.HAMLET,
            kind=Area.Kind.HAMLET, parent=commune,
        )  # fmt: skip
        round_, _ = ReviewRound.objects.get_or_create(
            area=commune, year=year, kind="periodic", month=0,
            defaults={"reference_date": date(year, 9, 1)},
        )  # fmt: skip
        standard = standard_for_year(year)
        households = Household.objects.bulk_create(
            Household(
                code=f"BENCH-{i:06d}", commune=commune, hamlet=hamlet, area_path=hamlet.path,
                head_name=self._name(i), address=f"Số {i % 300 + 1}", search_text="",
            )
            for i in range(n)
        )  # fmt: skip
        members, reviews = [], []
        for i, h in enumerate(households):
            size = 2 + i % 4
            members += [
                Member(
                    household=h, full_name=h.head_name if k == 0 else self._name(i * 7 + k),
                    search_name="", sex="F" if (i + k) % 2 else "M",
                    date_of_birth=date(1960 + (i + 9 * k) % 55, 1 + k, 1 + i % 27),
                    relationship="head" if k == 0 else "child",
                )
                for k in range(size)
            ]  # fmt: skip
            reviews.append(
                HouseholdReview(
                    household=h, round=round_, area=commune, area_path=commune.path, year=year,
                    reference_date=round_.reference_date, standard=standard, is_urban=False,
                    income_per_capita=1_100_000, deprivation_count=3 + i % 2,
                    classification="poor" if i % 3 else "near_poor", member_count=size,
                    status=HouseholdReview.Status.APPROVED,
                )
            )  # fmt: skip
        Member.objects.bulk_create(members, batch_size=5000)
        HouseholdReview.objects.bulk_create(reviews, batch_size=5000)
        self.stdout.write(f"{n:,} hộ tạm, {len(members):,} nhân khẩu")
        return hamlet

    def _cpu(self) -> float:
        """CPU seconds of this process and of its finished render processes."""
        own, children = (
            resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def _name(self, i: int) -> str:
        return f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 6]} {GIVEN[i // 60 % 11]}"

    def _render(self, hamlet: Area, year: int, out_path: str) -> None:
        user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model()(
            is_superuser=True
        )
        rss = []
        cpu_before = self._cpu()
        started = time.perf_counter()
        ids = selectors.certified_review_ids(user, area=hamlet, year=year)
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=not out_path) as tmp:
            target = open(out_path, "wb") if out_path else tmp  # noqa: SIM115
            pages = papers_pdf(
                "households/papers/certificates.html",
                lambda batch: views.certificate_context(
                    hamlet, year, selectors.reviews_with_members(batch)
                ),
                selectors.iter_batches(ids, chunk_size()),
                target,
                progress=lambda _n: rss.append(rss_mb()),
            )
            target.flush()
            size = target.tell()
            if out_path:
                target.close()
        seconds = time.perf_counter() - started
        cpu = self._cpu() - cpu_before
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.stdout.write(
            f"{len(ids):,} giấy chứng nhận, {pages:,} trang, {size / 1024 / 1024:.1f} MB "
            f"trong {seconds:.1f} s, CPU {cpu:.1f} s ({len(ids) / max(cpu, 1e-9):.0f} hộ/s CPU; "
            "mục tiêu < 30 s); "
            f"PAPER_CHUNK={settings.PAPER_CHUNK}"
        )
        self.stdout.write(
            f"peak RSS {peak:.0f} MB (tiến trình in phụ: {peak_child:.0f} MB, "
            f"PAPER_WORKERS={settings.PAPER_WORKERS}); RSS sau mỗi lượt (MB): "
            + ", ".join(f"{m:.0f}" for m in rss[:: max(1, len(rss) // 10)])
        )
