from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Hộ gia đình và rà soát")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from households import lookups  # noqa: F401 - registers field__any_of
        from households.models import Agency, Area
        from households.organisation.selectors import organisation_header_clear

        post_save.connect(organisation_header_clear, sender=Area, dispatch_uid="org-header-area")
        post_save.connect(organisation_header_clear, sender=Agency, dispatch_uid="org-header-ag")

        from households import outbox, signals

        outbox.outbox_signal_register(signals.REVIEW_DATA_CHANGED, signals.review_data_changed)
        _register_jobs()

    def home_todos(self, *, user) -> list[dict]:
        """The approver's queue and the commune's returned and unreviewed households."""
        from households.site.todos import household_todos

        return household_todos(user=user)


def _register_jobs() -> None:
    """Imports and exports fail visibly when their worker dies (households.jobs)."""
    from celery.signals import task_failure
    from django.utils.translation import gettext_lazy as _

    from households import jobs
    from households.excel import exports, services, tasks
    from households.models import ExportJob, ImportJob

    jobs.job_kind_register(
        jobs.JobKind(
            name="import",
            tasks={tasks.import_job_validate_task.name: 0, tasks.import_job_run_task.name: 0},
            fail=services.import_job_fail,
            sweep=services.import_jobs_sweep,
            failed_since=lambda since: ImportJob.objects.filter(
                status=ImportJob.Status.FAILED, created_at__gte=since
            ).count(),
            label=_("Nhập Excel"),
        )
    )
    jobs.job_kind_register(
        jobs.JobKind(
            name="export",
            tasks={tasks.export_job_run_task.name: 0},
            fail=exports.export_job_fail,
            sweep=exports.export_jobs_sweep,
            failed_since=lambda since: ExportJob.objects.filter(
                status=ExportJob.Status.FAILED, created_at__gte=since
            ).count(),
            label=_("Xuất Excel"),
        )
    )
    from households.papers import jobs as paper_jobs
    from households.papers import tasks as paper_tasks

    jobs.job_kind_register(
        jobs.JobKind(
            name="papers",
            tasks={paper_tasks.paper_job_run_task.name: 0},
            fail=paper_jobs.paper_job_fail,
            sweep=paper_jobs.paper_jobs_sweep,
        )
    )
    task_failure.connect(jobs.on_task_failure, weak=False, dispatch_uid="households-jobs")

    from celery.signals import beat_init, before_task_publish

    from households import health

    beat_init.connect(health.on_beat_init, weak=False, dispatch_uid="households-beat-init")
    before_task_publish.connect(
        health.on_before_task_publish, weak=False, dispatch_uid="households-beat-heartbeat"
    )
