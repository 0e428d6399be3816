from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.organisation.selectors import commune_list_for_user, hamlet_list_for_user

from . import rules
from .models import Household, HouseholdReview, Member, PovertyCause
from .models.households import MEMBER_FACT_FIELDS
from .models.reviews import INDICATOR_NAMES
from .services import ReviewInput

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: each message on its field when the
    form has it, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today() -> date:
    return timezone.localdate()


# The hidden edit version (optimistic locking): a value the page did not send means a damaged
# or forged post; its message shows above the form (includes/form_errors.html).
VERSION_FIELD = {
    "widget": forms.HiddenInput,
    "required": False,
    "min_value": 0,
    "max_value": 2**31 - 1,
    "error_messages": {
        "invalid": _(
            "Dữ liệu gửi lên không khớp với trang (số phiên bản không hợp lệ). Hãy tải lại "
            "trang rồi nhập lại."
        ),
        "min_value": _(
            "Dữ liệu gửi lên không khớp với trang (số phiên bản không hợp lệ). Hãy tải lại "
            "trang rồi nhập lại."
        ),
        "max_value": _(
            "Dữ liệu gửi lên không khớp với trang (số phiên bản không hợp lệ). Hãy tải lại "
            "trang rồi nhập lại."
        ),
    },
}


# --- the household and its members ------------------------------------------------------------


class HouseholdForm(forms.ModelForm):
    version = forms.IntegerField(**VERSION_FIELD)
    poverty_causes = forms.ModelMultipleChoiceField(
        label=_("Nguyên nhân nghèo"),
        queryset=PovertyCause.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Household
        fields = [
            "code",
            "commune",
            "hamlet",
            "address",
            "head_name",
            "head_citizen_id",
            "phone",
            "declared_size",
            "is_meritorious",
            "is_ethnic_minority",
            "no_labour_capacity",
            "is_social_protection",
            "wants_loan",
            "poverty_causes",
        ]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list_for_user(user)
        self.fields["hamlet"].queryset = hamlet_list_for_user(user)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["code"].help_text = _("Mã hộ duy nhất trong tỉnh.")

    def clean_phone(self) -> str:
        value = rules.normalize_phone((self.cleaned_data.get("phone") or "").strip())
        error = rules.phone_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_head_citizen_id(self) -> str:
        value = (self.cleaned_data.get("head_citizen_id") or "").strip()
        if value:
            error = rules.citizen_id_error(value)
            if error:
                raise forms.ValidationError(error)
        return value

    def clean(self) -> dict:
        data = super().clean()
        commune, hamlet = data.get("commune"), data.get("hamlet")
        if commune and hamlet and hamlet.parent_id != commune.pk:
            self.add_error(
                "hamlet",
                _("Ấp/khu phố %(hamlet)s không thuộc %(commune)s.")
                % {"hamlet": hamlet, "commune": commune},
            )
        return data


CITIZEN_ID_TAKEN = _("Số CCCD này đã có ở một nhân khẩu khác đang cư trú.")
NOT_RECORDED = _("Chưa ghi nhận")
# The form's value for "not attending" (stored ""), so that "" can mean "not recorded".
NOT_ATTENDING = "none"


class UnknownYesNo(forms.NullBooleanSelect):
    """Chưa ghi nhận / Có / Không: an unrecorded fact stays unknown, never "no"."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", NOT_RECORDED), ("true", _("Có")), ("false", _("Không"))]

    def value_from_datadict(self, data, files, name):
        # Also "on"/"1"/"0", as a checkbox or a script would send them.
        value = data.get(name)
        if value in ("on", "1"):
            return True
        if value == "0":
            return False
        return super().value_from_datadict(data, files, name)


def _fact_flag(label) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=UnknownYesNo)


def _fact_choice(label, choices, *, coerce=str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", NOT_RECORDED), *choices],
        coerce=coerce,
        empty_value=None,
        required=False,
    )


class MemberForm(forms.ModelForm):
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    health_insurance_expiry = forms.DateField(
        label=_("Hạn thẻ BHYT"), widget=DateInput(), input_formats=DATE_FORMATS, required=False
    )
    joined_on = forms.DateField(
        label=_("Ngày vào hộ"), widget=DateInput(), input_formats=DATE_FORMATS, required=False
    )
    left_on = forms.DateField(
        label=_("Ngày ra khỏi hộ"), widget=DateInput(), input_formats=DATE_FORMATS, required=False
    )
    has_health_insurance = _fact_flag(_("Có thẻ BHYT"))
    has_disability = _fact_flag(_("Người khuyết tật"))
    receives_social_allowance = _fact_flag(_("Hưởng trợ cấp xã hội hằng tháng"))
    is_malnourished = _fact_flag(_("Trẻ suy dinh dưỡng (thấp còi hoặc nhẹ cân)"))
    school_level = _fact_choice(
        _("Đang đi học cấp"),
        [
            (NOT_ATTENDING, _("Không đi học")),
            *[(v, label) for v, label in Member.SchoolLevel.choices if v],
        ],
        coerce=lambda value: "" if value == NOT_ATTENDING else value,
    )
    education = _fact_choice(_("Trình độ học vấn cao nhất"), Member.Education.choices)
    work_status = _fact_choice(_("Tình trạng việc làm"), Member.WorkStatus.choices)

    class Meta:
        model = Member
        fields = ["full_name", *MEMBER_FACT_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.school_level == "":
            self.initial["school_level"] = NOT_ATTENDING
        if not self.instance.pk:
            # A new member's facts start unrecorded, never "no".
            for name in (
                "has_health_insurance",
                "has_disability",
                "receives_social_allowance",
                "is_malnourished",
                "school_level",
                "education",
                "work_status",
            ):
                self.initial.setdefault(name, None)

    def _get_validation_exclusions(self):
        # The citizen ID's uniqueness among active members is checked in clean() (and again
        # in the service) so that the message is Vietnamese and next to the field.
        exclude = super()._get_validation_exclusions()
        exclude.add("citizen_id")
        return exclude

    def clean_date_of_birth(self) -> date:
        value = self.cleaned_data["date_of_birth"]
        if value > _today():
            raise forms.ValidationError(_("Ngày sinh không được ở tương lai."))
        error = rules.birth_date_error(value, _today())
        if error:
            raise forms.ValidationError(error)
        return value

    def clean(self) -> dict:
        data = super().clean()
        citizen_id = (data.get("citizen_id") or "").strip()
        data["citizen_id"] = citizen_id
        if citizen_id:
            error = rules.citizen_id_error(
                citizen_id,
                date_of_birth=data.get("date_of_birth"),
                is_female=(data["sex"] == Member.Sex.FEMALE) if data.get("sex") else None,
            )
            if error:
                self.add_error("citizen_id", error)
            elif not data.get("left_on"):
                taken = Member.objects.filter(citizen_id=citizen_id, left_on__isnull=True)
                if self.instance.pk:
                    taken = taken.exclude(pk=self.instance.pk)
                if taken.exists():
                    self.add_error("citizen_id", CITIZEN_ID_TAKEN)
        left_on = data.get("left_on")
        if left_on and left_on > _today():
            self.add_error("left_on", _("Ngày ra khỏi hộ không được ở tương lai."))
        if left_on and not data.get("leave_reason"):
            self.add_error("leave_reason", _("Hãy chọn lý do ra khỏi hộ."))
        dob = data.get("date_of_birth")
        if left_on and dob and left_on < dob:
            self.add_error("left_on", _("Ngày ra khỏi hộ trước ngày sinh."))
        return data


class BaseMemberFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen_ids: dict[str, int] = {}
        seen_people: dict[tuple, int] = {}
        for index, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("left_on"):
                continue
            citizen_id = data.get("citizen_id")
            if citizen_id:
                if citizen_id in seen_ids:
                    form.add_error(
                        "citizen_id",
                        _("Nhân khẩu này bị nhập hai lần (trùng số CCCD với dòng %(row)s).")
                        % {"row": seen_ids[citizen_id] + 1},
                    )
                seen_ids.setdefault(citizen_id, index)
            person = (rules.normalize_text(data.get("full_name", "")), data.get("date_of_birth"))
            if person[0] and person[1]:
                if person in seen_people:
                    form.add_error(
                        "full_name",
                        _(
                            "Nhân khẩu này bị nhập hai lần (trùng họ tên và ngày sinh với dòng %(row)s)."
                        )
                        % {"row": seen_people[person] + 1},
                    )
                seen_people.setdefault(person, index)

    def member_rows(self) -> list[tuple[MemberForm, Member]]:
        """The rows to save. Removing a saved member records that they left (today, "khác"
        unless given): history is kept. A new row removed before saving is simply dropped."""
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    member = form.instance
                    member.left_on = member.left_on or _today()
                    member.leave_reason = member.leave_reason or Member.LeaveReason.OTHER
                    rows.append((form, member))
                continue
            if not form.instance.pk and not form.has_changed():
                continue
            rows.append((form, form.save(commit=False)))
        return rows


MemberFormSet = inlineformset_factory(
    Household,
    Member,
    form=MemberForm,
    formset=BaseMemberFormSet,
    extra=1,
    can_delete=True,
)


# --- the annual review (Phiếu B) ----------------------------------------------------------------

TICK_CHOICES = [
    ("", _("Theo thông tin nhân khẩu")),
    ("1", _("Thiếu hụt")),
    ("0", _("Không thiếu hụt")),
]
YES_NO_UNKNOWN = [("", _("Chưa ghi nhận")), ("1", _("Có")), ("0", _("Không"))]


class ReviewForm(forms.Form):
    version = forms.IntegerField(**VERSION_FIELD)
    income_per_capita = forms.CharField(
        label=_("Thu nhập bình quân (đồng/người/tháng)"),
        help_text=_("Ví dụ: 1.500.000"),
        max_length=20,
    )
    nondurable_parts = forms.TypedChoiceField(
        label=_("Số bộ phận nhà (tường, cột, mái) bằng vật liệu không bền chắc"),
        choices=[("", _("Chưa ghi nhận")), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    floor_area_m2 = forms.DecimalField(
        label=_("Diện tích ở (m²)"),
        min_value=0,
        max_digits=7,
        decimal_places=1,
        required=False,
        localize=True,
    )
    water_source = forms.ChoiceField(
        label=_("Nguồn nước sinh hoạt"),
        choices=[("", _("Chưa ghi nhận")), *HouseholdReview.WaterSource.choices],
        required=False,
    )
    latrine = forms.ChoiceField(
        label=_("Nhà tiêu"),
        choices=[("", _("Chưa ghi nhận")), *HouseholdReview.Latrine.choices],
        required=False,
    )
    uses_internet = forms.ChoiceField(
        label=_("Có thành viên sử dụng internet (di động hoặc cố định)"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    has_information_device = forms.ChoiceField(
        label=_("Có TV, radio, máy tính, điện thoại thông minh hoặc máy tính bảng"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    income_confirmed = forms.BooleanField(
        label=_("Tôi đã kiểm tra: thu nhập này đúng (cao bất thường so với ngưỡng hoặc năm trước)"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n, name in INDICATOR_NAMES.items():
            self.fields[f"t{n:02d}"] = forms.ChoiceField(
                label=f"CS{n:02d} {name}", choices=TICK_CHOICES, required=False
            )
            self.fields[f"r{n:02d}"] = forms.CharField(
                label=_("Lý do điều chỉnh CS%(n)02d") % {"n": n},
                max_length=500,
                required=False,
            )

    def tick_fields(self):
        return [self[f"t{n:02d}"] for n in INDICATOR_NAMES]

    def tick_rows(self):
        """(tick, reason) pairs, for the template."""
        return [(self[f"t{n:02d}"], self[f"r{n:02d}"]) for n in INDICATOR_NAMES]

    def clean_income_per_capita(self) -> int:
        value = rules.parse_vietnamese_integer(self.cleaned_data["income_per_capita"])
        if value is None:
            raise forms.ValidationError(_("Thu nhập phải là số nguyên đồng, ví dụ 1.500.000."))
        if value < 0:
            raise forms.ValidationError(_("Thu nhập không được âm."))
        return value

    def review_input(self) -> ReviewInput:
        data = self.cleaned_data

        def tri(value: str) -> bool | None:
            return None if value in ("", None) else value == "1"

        return ReviewInput(
            income_per_capita=data["income_per_capita"],
            facts=rules.HouseholdFacts(
                nondurable_parts=data.get("nondurable_parts"),
                floor_area_m2=data.get("floor_area_m2"),
                water_source=data.get("water_source") or "",
                latrine=data.get("latrine") or "",
                uses_internet=tri(data.get("uses_internet")),
                has_information_device=tri(data.get("has_information_device")),
            ),
            ticks={n: tri(data.get(f"t{n:02d}")) for n in INDICATOR_NAMES},
            override_reasons={
                n: data[f"r{n:02d}"].strip()
                for n in INDICATOR_NAMES
                if (data.get(f"r{n:02d}") or "").strip()
            },
            income_confirmed=bool(data.get("income_confirmed")),
        )

    @staticmethod
    def initial_from(review: HouseholdReview | None) -> dict:
        if review is None:
            return {}

        def tri(value: bool | None) -> str:
            return "" if value is None else ("1" if value else "0")

        initial = {
            "version": review.version,
            "income_per_capita": f"{review.income_per_capita:,}".replace(",", "."),
            "nondurable_parts": review.nondurable_parts,
            "floor_area_m2": review.floor_area_m2,
            "water_source": review.water_source,
            "latrine": review.latrine,
            "uses_internet": tri(review.uses_internet),
            "has_information_device": tri(review.has_information_device),
            "income_confirmed": review.income_confirmed,
        }
        flags = review.deprivation_flags()
        for n in INDICATOR_NAMES:
            # Only what a person chose is shown as a choice; derived and undecided results
            # (and their stored default "not deprived") re-derive from the facts.
            tick = rules.tick_from_source(review.sources.get(str(n), ""), flags[n])
            if tick is not None:
                initial[f"t{n:02d}"] = tri(tick)
            override = (review.overrides or {}).get(str(n))
            if override:
                initial[f"r{n:02d}"] = override.get("reason", "")
        return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class PopulationForm(forms.Form):
    households = forms.IntegerField(label=_("Tổng số hộ dân cư"), min_value=0)
    persons = forms.IntegerField(label=_("Tổng số nhân khẩu"), min_value=0)
