from django.core.management.base import BaseCommand, CommandError

from reports.models import RebuildJob
from reports.services import snapshot_rebuild, years_with_data


class Command(BaseCommand):
    help = "Tính lại toàn bộ chỉ số của một năm (hoặc mọi năm có phiếu rà soát)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int)

    def handle(self, *args, **options) -> None:
        years = [options["year"]] if options["year"] else years_with_data()
        failed = False
        for year in years:
            job = snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.COMMAND)
            self.stdout.write(
                f"{year}: {job.get_status_display()} – {job.rows} dòng, {job.duration_ms} ms"
                + (f" – {job.error}" if job.error else "")
            )
            failed = failed or job.status == RebuildJob.Status.FAILED
        if failed:
            raise CommandError("Có năm tính lại thất bại.")
