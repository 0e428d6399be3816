from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.site.backups import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Sao lưu CSDL và thư mục tệp (media) vào BACKUP_ROOT, rồi xóa bản cũ quá hạn."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, help="thư mục sao lưu (mặc định BACKUP_ROOT)")
        parser.add_argument("--keep-days", type=int, help="giữ bao nhiêu ngày (BACKUP_KEEP_DAYS)")

    def handle(self, *args, dir: Path | None = None, keep_days: int | None = None, **options):
        try:
            result = backup_create(root=dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.counts.values())
        self.stdout.write(
            f"Đã sao lưu {result.path} ({len(result.counts)} bảng, {rows} bản ghi) "
            f"trong {result.seconds:.1f} s"
        )
        for removed in backups_prune(root=dir, keep_days=keep_days):
            self.stdout.write(f"Đã xóa bản sao lưu cũ {removed.name}")
