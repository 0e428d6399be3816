from django.utils.translation import gettext_lazy as _

from households import roles
from households.selectors import agency_of


def items(user) -> list[tuple[str, str]]:
    if roles.is_provincial(user):
        return [
            ("targets:plan-list", _("Kế hoạch")),
            ("targets:matrix", _("Tiến độ nhiệm vụ")),
            ("targets:overdue", _("Nhiệm vụ quá hạn")),
        ]
    if roles.is_agency_staff(user) and agency_of(user) is not None:
        return [
            ("targets:task-list", _("Nhiệm vụ của cơ quan")),
            ("targets:figure-list", _("Số liệu báo cáo")),
        ]
    return []
