from django.utils.translation import gettext_lazy as _

from households.organisation import roles


def items(user) -> list[tuple[str, str]]:
    entries = [("home", _("Trang chủ"))]
    if roles.works_with_areas(user):
        entries.append(("households:list", _("Hộ gia đình")))
        entries.append(("households:review-queue", _("Duyệt phiếu")))
        entries.append(("households:population", _("Dân số địa bàn")))
        entries.append(("households:year-locks", _("Khóa số liệu")))
    if roles.is_provincial(user):  # administrators included
        entries.append(("households:officers-unscoped", _("Cán bộ chưa phân công")))
        entries.append(("admin:index", _("Quản trị")))
    return entries
