"""Generate a realistic province in bulk: see households.devtools.generator (and
generator_years for the years after, through the reorganisations)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from households.devtools.generator import Generator


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu một tỉnh (hộ, nhân khẩu, hai năm rà soát, dân số) để thử và đo tốc độ. "
        "--until 2026: thêm các năm sau, hộ theo đơn vị mới qua các lần sắp xếp; "
        "--new-households N: hộ của các đơn vị không có tiền thân Bến Tre, từ 2025."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=1000)
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--demo", action="store_true")
        parser.add_argument("--until", type=int, default=None, help="last review year")
        parser.add_argument("--new-households", type=int, default=0)
        parser.add_argument(
            "--new-units", type=int, default=None, help="how many such units (default: all)"
        )

    def handle(self, *args, households: int, year: int, seed: int, demo: bool, **options) -> None:
        until = options["until"] or year
        if until < year:
            raise CommandError("--until phải từ năm --year trở đi.")
        try:
            generator = Generator(
                households=households, year=year, seed=seed, demo=demo, out=self.stdout
            )
        except ValidationError as exc:  # no standard covers a year: say so, no traceback
            raise CommandError(" ".join(exc.messages)) from exc
        generator.until = until
        totals = generator.run()
        self.stdout.write(
            f"Đã sinh {totals['households']} hộ, {totals['members']} nhân khẩu, "
            f"{totals['reviews']} phiếu trong {totals['seconds']} giây."
        )
        if until == year and not options["new_households"]:
            return
        from households.devtools.generator_years import new_unit_codes, year_extend

        for later in range(year + 1, until + 1):
            year_extend(generator, year=later, out=self.stdout)
        if options["new_households"] and until >= 2026:
            fresh = Generator(
                households=options["new_households"], year=until, seed=seed + 1, demo=False,
                out=self.stdout, communes=new_unit_codes(options["new_units"]),
            )  # fmt: skip
            more = fresh.run()
            self.stdout.write(
                f"Đơn vị mới (từ 2025): {more['households']} hộ, {more['reviews']} phiếu."
            )
