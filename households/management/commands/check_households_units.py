from datetime import date

from django.core.management.base import BaseCommand, CommandError

from households.organisation.selectors import households_under_closed_units


class Command(BaseCommand):
    help = "Kiểm tra: hộ nào còn thuộc đơn vị hành chính đã giải thể sau ngày hiệu lực."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", help="ngày kiểm tra (YYYY-MM-DD), mặc định hôm nay")

    def handle(self, *args, **options) -> None:
        on = date.fromisoformat(options["on"]) if options["on"] else None
        rows = households_under_closed_units(on)
        for row in rows:
            self.stdout.write(
                f"  {row['commune__code']:<12} {row['commune__name']:<30} "
                f"giải thể {row['commune__valid_to']:%d/%m/%Y}: {row['n']} hộ"
            )
        if rows:
            total = sum(r["n"] for r in rows)
            raise CommandError(
                f"{total} hộ còn thuộc {len(rows)} đơn vị đã giải thể "
                "(chạy carry_households, hoặc phân công đơn vị cho hộ của đơn vị bị chia tách)."
            )
        self.stdout.write("Không có hộ nào thuộc đơn vị đã giải thể.")
