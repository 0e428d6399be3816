from datetime import date

from django.core.management.base import BaseCommand, CommandError

from households.organisation.services import households_carry


class Command(BaseCommand):
    help = (
        "Chuyển hộ của đơn vị hành chính đã giải thể sang đơn vị kế thừa (một câu lệnh UPDATE, "
        "có ghi vết). --dry-run: chỉ in những gì sẽ chuyển. Chạy lại không chuyển thêm."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", help="ngày áp dụng (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", help="tên đăng nhập ghi vào nhật ký")

    def handle(self, *args, **options) -> None:
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {options['on']}") from exc
        user = None
        if options["user"]:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng {options['user']}")
        plan = households_carry(on=on, user=user, dry_run=options["dry_run"])
        verb = "Sẽ chuyển" if options["dry_run"] else "Đã chuyển"
        for old, new, n in plan.moves:
            self.stdout.write(
                f"  {old.code:<12} {old.name:<28} -> {new.code:<12} {new.name}: {n} hộ"
            )
        self.stdout.write(
            f"{verb} {plan.households} hộ của {len(plan.moves)} đơn vị, {plan.hamlets} ấp "
            f"(ngày {plan.on:%d/%m/%Y})."
        )
