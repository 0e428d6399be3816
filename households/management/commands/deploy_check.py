from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from households.site.deploy_check import deployment_findings


class Command(BaseCommand):
    help = (
        "Kiểm tra môi trường chạy thật: khóa bí mật, tên miền, CSDL, Redis, thư mục tệp và "
        "sao lưu, thư điện tử; rồi `check --deploy` của Django. Báo lỗi bằng lời dễ hiểu."
    )

    def handle(self, *args, **options):
        findings = deployment_findings()
        for finding in findings:
            mark = "OK " if finding.ok else "LỖI"
            self.stdout.write(f"[{mark}] {finding.name}: {finding.message}")
        try:
            call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout)
        except CommandError as error:
            self.stdout.write(f"[LỖI] check --deploy: {error}")
            findings.append(None)  # type: ignore[arg-type]
        failed = [f for f in findings if f is None or not f.ok]
        if failed:
            raise CommandError(f"{len(failed)} mục cần sửa trước khi chạy thật (xem [LỖI] ở trên).")
        self.stdout.write("Môi trường sẵn sàng.")
