import os
import tempfile

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.workbook import WorkbookError, check_workbook_file


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Theo mẫu của hệ thống: trang HO, không bắt buộc trang NHAN_KHAU."),
    )
    year = forms.IntegerField(label=_("Năm rà soát"), min_value=2022, max_value=2030)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from households.selectors import default_year

        self.fields["year"].initial = default_year(for_entry=True) or timezone.localdate().year
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.WORKBOOK_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn; giới hạn là %(limit)s MB.")
                % {"limit": settings.WORKBOOK_MAX_BYTES // 1048576}
            )
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            check_workbook_file(path)
        except WorkbookError as exc:
            raise forms.ValidationError(str(exc)) from exc
        finally:
            os.unlink(path)
        upload.seek(0)
        return upload
