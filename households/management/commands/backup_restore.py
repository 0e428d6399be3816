from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.site.backups import BackupError, backup_list, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục CSDL và thư mục tệp từ một bản sao lưu (THAY THẾ toàn bộ dữ liệu hiện có). "
        "Không nêu đường dẫn: bản mới nhất trong BACKUP_ROOT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="xác nhận thay thế dữ liệu hiện có bằng bản sao lưu"
        )

    def handle(self, *args, path: Path | None = None, yes: bool = False, **options):
        if path is None:
            found = backup_list()
            if not found:
                raise CommandError("Không có bản sao lưu hoàn chỉnh nào trong BACKUP_ROOT.")
            path = found[0]
        if not yes:
            raise CommandError(
                f"Khôi phục {path} sẽ thay thế toàn bộ CSDL và tệp hiện có. Chạy lại với --yes."
            )
        try:
            counts = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã khôi phục {path}: {len(counts)} bảng, {sum(counts.values())} bản ghi, khớp với bản sao lưu."
        )
