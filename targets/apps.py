from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Kế hoạch, chỉ tiêu, nhiệm vụ")

    def load_reference_data(self) -> str:
        """The 2023 plan of Sở LĐ-TB&XH Bến Tre and its targets (idempotent, matched on code)."""
        from .reference_data import plan_2023_load

        return plan_2023_load()

    def load_demo_data(self) -> str:
        """About fifteen tasks of the 2023 plan, with updates (idempotent, matched on code)."""
        from .reference_data import demo_tasks_load

        return demo_tasks_load()

    def home_todos(self, *, user) -> list[dict]:
        """Agency staff: their overdue tasks (the list behind: the task list, status overdue)."""
        from django.urls import reverse
        from django.utils import timezone
        from django.utils.translation import ngettext

        from households.organisation import roles

        from .selectors import overdue_task_list

        if not roles.is_agency_staff(user):
            return []
        late = overdue_task_list(user, today=timezone.localdate()).count()
        text = ngettext("%(n)s nhiệm vụ quá hạn", "%(n)s nhiệm vụ quá hạn", late) % {"n": late}
        return [{
            "key": "tasks_overdue", "count": late, "url": f"{reverse('targets:task-list')}?status=overdue",
            "details": [], "tone": "warning" if late else "", "text": text,
        }]  # fmt: skip

    def dashboard_targets(self, *, user, year: int) -> list[dict]:
        """The targets of `year`'s plans for the reports dashboard (see targets.dashboard)."""
        from .dashboard import dashboard_targets

        return dashboard_targets(user=user, year=year)
