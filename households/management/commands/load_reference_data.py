from django.core.management.base import BaseCommand

from households.reference_data import reference_data_load


class Command(BaseCommand):
    help = "Nạp dữ liệu danh mục (địa bàn, cơ quan, chuẩn nghèo, vai trò). Chạy lại không nhân đôi."

    def handle(self, *args, **options) -> None:
        for name, result in reference_data_load().items():
            self.stdout.write(f"{name}: {result}")
        # Other apps seed their own catalogues (programmes, the plan) through this hook.
        from django.apps import apps

        for config in apps.get_app_configs():
            loader = getattr(config, "load_reference_data", None)
            if loader is not None:
                self.stdout.write(f"{config.label}: {loader()}")
