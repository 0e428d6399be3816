from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.organisation.services import ReorganisationRefused, reorganisation_record
from households.reorganisation_data import reorganisation_file_read


class Command(BaseCommand):
    help = (
        "Nạp một lần sắp xếp đơn vị hành chính từ tệp CSV (old_code,new_code,share,certainty,"
        "note). Tệp có lỗi bị từ chối toàn bộ, kèm dòng và lý do; không ghi gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--legal-basis", required=True)
        parser.add_argument("--effective-date", required=True, help="YYYY-MM-DD")

    def handle(self, *args, **options) -> None:
        try:
            effective = date.fromisoformat(options["effective_date"])
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {options['effective_date']}") from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}")
        try:
            steps = reorganisation_file_read(path)
            result = reorganisation_record(
                code=options["code"],
                name=options["name"],
                legal_basis=options["legal_basis"],
                effective_date=effective,
                steps=steps,
                source=path.name,
            )
        except ReorganisationRefused as exc:
            for row, reason in exc.rows:
                self.stderr.write(f"Dòng {row}: {reason}")
            raise CommandError(
                f"Tệp bị từ chối: {len(exc.rows)} lỗi, không có gì được ghi."
            ) from exc
        self.stdout.write(str(result))
