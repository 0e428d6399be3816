from django.utils.translation import gettext_lazy as _

from . import roles


def items(user) -> list[tuple[str, str]]:
    entries = [("home", _("Trang chủ"))]
    if roles.is_area_officer(user) or roles.is_provincial(user):
        entries.append(("households:list", _("Hộ gia đình")))
        entries.append(("households:review-queue", _("Duyệt phiếu")))
        entries.append(("households:population", _("Dân số địa bàn")))
    if roles.is_provincial(user):
        entries.append(("households:officers-unscoped", _("Cán bộ chưa phân công")))
    if roles.is_administrator(user) or roles.is_provincial(user):
        entries.append(("admin:index", _("Quản trị")))
    return entries
