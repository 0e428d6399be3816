"""Generate a realistic province in bulk: see households.devtools.generator."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from households.devtools.generator import Generator


class Command(BaseCommand):
    help = "Sinh dữ liệu một tỉnh (hộ, nhân khẩu, hai năm rà soát, dân số) để thử và đo tốc độ."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=1000)
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, households: int, year: int, seed: int, demo: bool, **options) -> None:
        generator = Generator(
            households=households, year=year, seed=seed, demo=demo, out=self.stdout
        )
        totals = generator.run()
        self.stdout.write(
            f"Đã sinh {totals['households']} hộ, {totals['members']} nhân khẩu, "
            f"{totals['reviews']} phiếu trong {totals['seconds']} giây."
        )
