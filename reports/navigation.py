from django.utils.translation import gettext_lazy as _

from households.organisation import roles


def items(user) -> list[tuple[str, str]]:
    entries = []
    if roles.has_working_role(user):
        entries.append(("reports:dashboard", _("Bảng điều khiển")))
    if roles.works_with_areas(user):
        entries.append(("reports:official", _("Biểu báo cáo")))
    if roles.is_provincial(user):
        entries.append(("reports:jobs", _("Tính lại số liệu")))
    return entries
