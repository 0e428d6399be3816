from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Chỉ số và báo cáo")

    def ready(self) -> None:
        from households.signals import review_data_changed

        from .receivers import on_review_data_changed

        review_data_changed.connect(on_review_data_changed, dispatch_uid="reports-rebuild")

        from targets.selectors import indicator_namer_register

        from .indicators import indicator_get

        def _name(code: str) -> str | None:
            indicator = indicator_get(code)
            return str(indicator.name) if indicator is not None else None

        indicator_namer_register(_name)

        from households import jobs

        from . import selectors, services, tasks

        jobs.job_kind_register(
            jobs.JobKind(
                name="rebuild",
                tasks={tasks.snapshot_rebuild_task.name: "job_id"},
                fail=services.rebuild_job_fail,
                sweep=services.rebuild_jobs_sweep,
                failed_since=selectors.rebuild_failed_since,
                label=_("Tính lại số liệu"),
                list_url="reports:jobs",
                last_finished=selectors.rebuild_last_done,
            )
        )

    def home_todos(self, *, user) -> list[dict]:
        """Provincial staff: the poor rate against its target, the areas behind."""
        from .home import province_todos

        return province_todos(user=user)

    def load_demo_data(self) -> str:
        """Rebuild the snapshots of every year with reviews, so `make run` shows figures."""
        from .models import RebuildJob
        from .services import snapshot_rebuild, years_with_data

        jobs = [
            snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.DEMO)
            for year in years_with_data()
        ]
        return ", ".join(
            f"{job.year}: {job.get_status_display()} ({job.rows})" for job in jobs
        ) or ("không có năm nào có phiếu rà soát")
