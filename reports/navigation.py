from django.utils.translation import gettext_lazy as _

from households.organisation import roles


def items(user) -> list[tuple[str, str]]:
    entries = []
    if roles.is_provincial(user) or roles.is_area_officer(user) or roles.is_agency_staff(user):
        entries.append(("reports:dashboard", _("Bảng điều khiển")))
    if roles.is_provincial(user) or roles.is_area_officer(user):
        entries.append(("reports:official", _("Biểu báo cáo")))
    if roles.is_provincial(user):
        entries.append(("reports:jobs", _("Tính lại số liệu")))
    return entries
