from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import DayMonthYearField
from households.models import Agency, Area
from households.workbook import validate_upload

from . import rules
from .models import Plan, Target, Task, TaskStatus

ACCEPT = ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; each is checked by content (households.workbook)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        errors = []
        for f in files:
            message = validate_upload(f)
            if message:
                errors.append(f"{f.name}: {message}")
        if errors:
            raise forms.ValidationError(errors)
        return files


def _check_file(f) -> None:
    message = validate_upload(f)
    if message:
        raise forms.ValidationError(message)


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=TaskStatus.choices)
    percent = forms.IntegerField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            # These messages are %-formatted with the limit: "%%" is a literal percent sign.
            "min_value": _("Tiến độ phải từ 0 đến 100%%."),
            "max_value": _("Tiến độ phải từ 0 đến 100%%."),
            "invalid": _("Nhập một số nguyên từ 0 đến 100."),
        },
    )
    note = forms.CharField(
        label=_("Nội dung tiến độ"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    evidence = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, ảnh PNG/JPEG, Word, Excel; có thể chọn nhiều tệp."),
    )

    def clean(self):
        data = super().clean()
        status, percent = data.get("status"), data.get("percent")
        if status == rules.DONE and percent is not None and percent != 100:
            self.add_error("percent", _("Nhiệm vụ hoàn thành thì tiến độ phải là 100%."))
        return data


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=255)
    description = forms.CharField(
        label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Cơ quan chủ trì"), queryset=Agency.objects.filter(is_active=True)
    )
    supporting_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    targets = forms.ModelMultipleChoiceField(
        label=_("Phục vụ chỉ tiêu"), queryset=Target.objects.none(), required=False
    )
    due_date = DayMonthYearField(label=_("Hạn hoàn thành"))
    recurrence = forms.ChoiceField(
        label=_("Định kỳ"), choices=Task.Recurrence.choices, required=False
    )
    recurrence_day = forms.IntegerField(
        label=_("Ngày trong tháng (nhiệm vụ định kỳ)"), min_value=1, max_value=31, initial=5
    )
    recurrence_until = DayMonthYearField(label=_("Lặp đến ngày"), required=False)

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["targets"].queryset = plan.targets.all()

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if rules.due_date_error(due_date, self.plan.year):
            raise forms.ValidationError(
                _("Hạn hoàn thành không được trước năm của kế hoạch (%(year)s)."),
                params={"year": self.plan.year},
            )
        return due_date

    @classmethod
    def initial_for(cls, task: Task) -> dict:
        return {
            "title": task.title,
            "description": task.description,
            "lead_agency": task.lead_agency_id,
            "supporting_agencies": list(task.supporting_agencies.all()),
            "targets": list(task.targets.all()),
            "due_date": task.due_date,
            "recurrence": task.recurrence,
            "recurrence_day": task.recurrence_day,
            "recurrence_until": task.recurrence_until,
        }


class ManualFigureForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Target.objects.none())
    area = forms.ModelChoiceField(
        label=_("Địa bàn"),
        # Province and districts of any tree (a figure is for a year; the 2023 plan's are by
        # 2023 district, the 2026 ones by province): the year decides which tree applies.
        queryset=Area.objects.filter(level__in=[Area.Level.PROVINCE, Area.Level.DISTRICT]),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    period_start = DayMonthYearField(label=_("Từ ngày"))
    period_end = DayMonthYearField(label=_("Đến ngày"))
    value = forms.DecimalField(
        label=_("Số liệu"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={"min_value": _("Số liệu không được âm.")},
    )
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, ảnh PNG/JPEG, Word, Excel."),
        error_messages={
            "empty": _("Tệp rỗng, không có nội dung."),
            "required": _("Cần đính kèm tệp minh chứng."),
        },
    )

    def __init__(self, *args, targets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets

    def clean_evidence(self):
        f = self.cleaned_data["evidence"]
        _check_file(f)
        return f

    def clean(self):
        data = super().clean()
        start, end, year = data.get("period_start"), data.get("period_end"), data.get("year")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc kỳ phải sau ngày bắt đầu."))
        if end and year and end.year != year:
            self.add_error("year", _("Năm phải là năm của ngày kết thúc kỳ."))
        return data


class PlanDocumentForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề văn bản"), max_length=255)
    file = forms.FileField(
        label=_("Tệp"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "empty": _("Tệp rỗng, không có nội dung."),
            "required": _("Chọn tệp văn bản."),
        },
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        _check_file(f)
        return f
