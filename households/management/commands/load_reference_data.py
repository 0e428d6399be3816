from django.core.management.base import BaseCommand

from households.reference_data import all_reference_data_load


class Command(BaseCommand):
    help = "Nạp dữ liệu danh mục (địa bàn, cơ quan, chuẩn nghèo, vai trò, chương trình, kế hoạch). Chạy lại không nhân đôi."

    def handle(self, *args, **options) -> None:
        for name, result in all_reference_data_load().items():
            self.stdout.write(f"{name}: {result}")
