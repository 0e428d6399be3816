from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import DayMonthYearField
from households.models import Household, Member

from .models import Programme
from .services import SupportInput


class SupportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Chương trình"), queryset=Programme.objects.filter(active=True)
    )
    member = forms.ModelChoiceField(
        label=_("Nhân khẩu"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— Cả hộ —"),
    )
    date = DayMonthYearField(label=_("Ngày hỗ trợ"))
    valid_until = DayMonthYearField(
        label=_("Hiệu lực đến"),
        required=False,
        help_text=_("Với thẻ BHYT, khoản vay: ngày hết hạn."),
    )
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), required=False)
    quantity = forms.DecimalField(
        label=_("Số lượng"), required=False, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override = forms.BooleanField(label=_("Ghi nhận ngoài đối tượng"), required=False)
    override_note = forms.CharField(
        label=_("Lý do ghi nhận ngoài đối tượng"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, household: Household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.filter(left_on__isnull=True)

    def to_input(self) -> SupportInput:
        d = self.cleaned_data
        return SupportInput(
            programme=d["programme"],
            member=d["member"],
            date=d["date"],
            valid_until=d["valid_until"],
            amount=d["amount"],
            quantity=d["quantity"],
            note=d["note"],
            override=d["override"],
            override_note=d["override_note"],
        )


class BulkSupportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Chương trình"), queryset=Programme.objects.filter(active=True)
    )
    date = DayMonthYearField(label=_("Ngày hỗ trợ"))
    valid_until = DayMonthYearField(label=_("Hiệu lực đến"), required=False)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), required=False)
    quantity = forms.DecimalField(
        label=_("Số lượng"), required=False, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx), trang tính HO_TRO"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class LackingCardForm(forms.Form):
    """The bulk page's one filter of its own, on top of the household list's HouseholdFilter."""

    lacking_health_insurance = forms.BooleanField(
        label=_("Có người từ 6 tuổi chưa có thẻ BHYT còn hạn"), required=False
    )

    def wanted(self) -> bool:
        return self.is_valid() and self.cleaned_data["lacking_health_insurance"]
