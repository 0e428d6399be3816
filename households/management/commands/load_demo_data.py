import os

from django.apps import apps
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from households.models import Household
from households.organisation.demo import demo_users_create

DEFAULT_DEMO_PASSWORD = "demo-BenTre-2025"  # noqa: S105 - printed demo login, never production


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa (người dùng mẫu, vài trăm hộ, rà soát 2022-2026 qua các lần sắp xếp đơn vị). Chỉ dùng để thử."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=400)
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        )

    def handle(self, *args, **options) -> None:
        users = demo_users_create(password=options["password"])
        # The generator is a development tool (households.devtools, not installed by the
        # production settings): there, only the demo users and the other apps' data are loaded.
        if not Household.objects.exists() and "generate_province" in get_commands():
            call_command(
                "generate_province",
                households=options["households"],
                year=2023,
                seed=1,
                demo=True,
                # The merged Vĩnh Long of 2026: the Bến Tre households reviewed 2022-2025 and
                # carried into the 2025 units, and a few units of the former Trà Vinh and Vĩnh
                # Long with households from 2025 on.
                until=2026,
                new_households=max(options["households"] // 8, 12),
                new_units=4,
                stdout=self.stdout,
            )
        elif not Household.objects.exists():
            self.stdout.write(
                "Không có generate_province (cấu hình production): không sinh hộ mẫu."
            )
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo_data", None)
            if loader is not None:
                self.stdout.write(f"{config.label}: {loader()}")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản thử (mật khẩu chung: {options['password']})")
        for user in users:
            self.stdout.write(f"  {user.username:<20} {user.description}")
