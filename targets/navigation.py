from django.utils.translation import gettext_lazy as _

from households.organisation import roles

from .selectors import can_use_targets


def items(user) -> list[tuple[str, str]]:
    if roles.is_provincial(user):
        return [
            ("targets:plan-list", _("Kế hoạch")),
            ("targets:matrix", _("Tiến độ nhiệm vụ")),
            ("targets:overdue", _("Nhiệm vụ quá hạn")),
        ]
    if can_use_targets(user):  # agency staff attached to an agency
        return [
            ("targets:task-list", _("Nhiệm vụ của cơ quan")),
            ("targets:figure-list", _("Số liệu báo cáo")),
        ]
    return []
