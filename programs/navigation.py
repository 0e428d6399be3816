from django.utils.translation import gettext_lazy as _

from households.organisation import roles


def items(user) -> list[tuple[str, str]]:
    entries = []
    if roles.has_working_role(user):
        entries.append(("programs:list", _("Chương trình hỗ trợ")))
    if roles.is_area_officer(user):
        entries.append(("programs:bulk-support", _("Ghi nhận hỗ trợ theo danh sách")))
    return entries
