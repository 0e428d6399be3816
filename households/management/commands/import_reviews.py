"""manage.py import_reviews PATH --year YEAR --user USERNAME [--dry-run]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from households.excel import services
from households.workbook import WorkbookError


class Command(BaseCommand):
    help = "Nhập kết quả rà soát hộ từ tệp Excel: kiểm tra, rồi ghi toàn bộ hoặc không ghi gì."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", required=True, help="Tên đăng nhập; dùng địa bàn của họ.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước.")

    def handle(self, *args, path: str, year: int, user: str, dry_run: bool, **options) -> None:
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Không có người dùng {user}.") from exc
        try:
            if dry_run:
                plan = services.workbook_validate(path=path, user=account, year=year)
            else:
                plan = services.workbook_import(path=path, user=account, year=year)
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        except services.ImportRefused as exc:
            plan = exc.plan
        self._print(plan)
        if plan.errors:
            raise CommandError(f"Tệp có {len(plan.errors)} lỗi; không có dữ liệu nào được ghi.")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi dữ liệu.")
        else:
            self.stdout.write(self.style.SUCCESS("Đã nhập xong."))

    def _print(self, plan) -> None:
        s = plan.summary()
        self.stdout.write(
            f"Thêm mới: {s['create']}, cập nhật: {s['update']}, không đổi: {s['unchanged']}, "
            f"dòng lỗi: {s['error_rows']}"
        )
        if s["new_hamlets"]:
            self.stdout.write("Ấp mới: " + ", ".join(s["new_hamlets"]))
        for issue in plan.errors[:100]:
            where = f"{issue.sheet} dòng {issue.row}" if issue.row else issue.sheet
            self.stderr.write(f"LỖI {where}, cột {issue.column}: {issue.message}")
        for issue in plan.warnings[:20]:
            self.stdout.write(f"Cảnh báo {issue.sheet}: {issue.message}")
