from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Hộ gia đình và rà soát")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from households import lookups  # noqa: F401 - registers field__any_of
        from households.area_selectors import organisation_header_clear
        from households.models import Agency, Area

        post_save.connect(organisation_header_clear, sender=Area, dispatch_uid="org-header-area")
        post_save.connect(organisation_header_clear, sender=Agency, dispatch_uid="org-header-ag")
