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

    def dashboard_targets(self, *, user, year: int) -> list[dict]:
        """The targets of `year`'s plans for the reports dashboard (see targets.dashboard)."""
        from .dashboard import dashboard_targets

        return dashboard_targets(user=user, year=year)
