from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Chương trình hỗ trợ")

    def load_reference_data(self) -> str:
        from .reference_data import programmes_load

        return programmes_load()

    def load_demo_data(self) -> str:
        from .demo import demo_support_create

        return demo_support_create()

    def household_panels(self, request, household) -> list[dict]:
        """The household page's panel: support received, per member, and the gaps."""
        from django.utils import timezone

        from households.organisation import roles

        from .selectors import household_panel

        context = household_panel(household, timezone.localdate())
        context["can_record"] = roles.works_with_areas(request.user)
        return [{"template": "programs/household_panel.html", "context": context}]
