"""manage.py export_reviews --year YEAR PATH [--user USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from households.excel.export import export_member_rows, export_rows, year_indicators
from households.excel.writer import export_write
from households.models import Household
from households.selectors import household_list_for_user


class Command(BaseCommand):
    help = "Xuất danh sách hộ và kết quả rà soát một năm ra tệp Excel (cùng mẫu với nhập)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="Chỉ xuất địa bàn của người dùng này.")
        parser.add_argument("--no-members", action="store_true")

    def handle(self, *args, path: str, year: int, user: str | None, **options) -> None:
        queryset = Household.objects.all()
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"Không có người dùng {user}.") from exc
            queryset = household_list_for_user(account)
        members = None if options["no_members"] else export_member_rows(queryset, year=year)
        rows = export_rows(queryset, year=year)
        count = export_write(path, rows, members, year_indicators(year))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {count} hộ ra {path}."))
