from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.organisation import rules as area_rules
from households.organisation.selectors import (
    approval_wording_for_year,
    commune_list_for_user,
    hamlet_list_for_user,
)

from . import rules
from .models import Classification, Household, HouseholdReview, Member, PovertyCause
from .models.households import MEMBER_FACT_FIELDS
from .models.reviews import INDICATOR_NAMES
from .selectors import EthnicGroups, ethnic_groups_get, household_code_suggest
from .services import ReviewInput

# Dates are typed day first whatever the language or the browser: 25/12/1980 (also 25-12-1980,
# 25.12.1980, and the ISO form 1980-12-25 that scripts and old bookmarks send). Never the active
# language's formats: English's would read 05/06/1980 as 6 May.
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = "dd/mm/yyyy"


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: each message on its field when the
    form has it, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class DateInput(forms.DateInput):
    """A text box for a date shown and typed dd/mm/yyyy (issue 17): the browser's native date
    input shows the browser's own order (mm/dd/yyyy on an English Chrome) and is slow to type a
    birth date into. Used by every date field of the app (`DayMonthYearField`)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None, **kwargs) -> None:
        defaults = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "class": "date-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y", **kwargs)


class DayMonthYearField(forms.DateField):
    """A date typed dd/mm/yyyy, in any language."""

    widget = DateInput
    input_formats = DATE_FORMATS
    default_error_messages = {
        "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/1980."),
    }


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
            "no_labour_capacity",
            "is_social_protection",
            "wants_loan",
            "poverty_causes",
        ]
        error_messages = {
            "code": {
                "unique": _(
                    "Mã hộ này đã có trong tỉnh. Hãy dùng mã khác (ô Mã hộ gợi ý mã tiếp theo "
                    "của xã)."
                )
            }
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list_for_user(user)
        self.fields["hamlet"].queryset = hamlet_list_for_user(user)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["code"].help_text = _("Mã hộ duy nhất trong tỉnh.")
        if not self.instance.pk:
            self._suggest_code()

    def _suggest_code(self) -> None:
        """A new household: the next code of the commune, filled in and still editable (the
        page asks again when another commune is chosen, static/js/app.js)."""
        self.fields["code"].help_text = _(
            "Gợi ý mã tiếp theo của xã; có thể sửa. Mã hộ duy nhất trong tỉnh."
        )
        self.fields["code"].widget.attrs["data-code-suggest"] = reverse(
            "households:code-suggestion"
        )
        if self.is_bound:
            return
        communes = list(self.fields["commune"].queryset[:2])
        if len(communes) == 1:
            self.initial["commune"] = self.initial.get("commune") or communes[0].pk
            self.initial["code"] = self.initial.get("code") or household_code_suggest(communes[0])

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
    date_of_birth = DayMonthYearField(
        label=_("Ngày sinh"),
    )
    health_insurance_expiry = DayMonthYearField(label=_("Hạn thẻ BHYT"), required=False)
    joined_on = DayMonthYearField(label=_("Ngày vào hộ"), required=False)
    left_on = DayMonthYearField(label=_("Ngày ra khỏi hộ"), required=False)
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
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=[], initial="Kinh")

    class Meta:
        model = Member
        fields = ["full_name", *MEMBER_FACT_FIELDS]

    def __init__(self, *args, ethnic_groups: EthnicGroups | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ethnic_choices(ethnic_groups or ethnic_groups_get())
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

    def _ethnic_choices(self, groups: EthnicGroups) -> None:
        """The 54 groups of the official list. A value typed before the list existed is shown
        under the list's name when it is another spelling of one ("Khmer" -> "Khơ-me"), and
        otherwise kept as it is, marked "ngoài danh mục", so that saving changes nothing."""
        choices = [(name, name) for name in groups.names]
        current = self.instance.ethnicity if self.instance.pk else ""
        if current and current not in groups.names:
            official = groups.official_name(current)
            if official:
                self.initial["ethnicity"] = official
            else:
                choices.append((current, _("%(value)s (ngoài danh mục)") % {"value": current}))
        self.fields["ethnicity"].choices = choices

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
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One read of the ethnic groups for every row of the formset.
        self.form_kwargs.setdefault("ethnic_groups", ethnic_groups_get())

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


# Which rules read each optional fact of Phiếu B: the form asks a fact only when an indicator of
# the year's standard reads it.
FACT_RULES = rules.FACT_RULES


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
    # Facts of the 2027-2030 standard (Decree 351/2025/NĐ-CP).
    uses_digital_services = forms.ChoiceField(
        label=_(
            "Có thành viên sử dụng dịch vụ số (dịch vụ công trực tuyến, thanh toán số, internet)"
        ),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    waste_treatment = forms.ChoiceField(
        label=_("Xử lý rác thải sinh hoạt"),
        choices=[("", _("Chưa ghi nhận")), *HouseholdReview.WasteTreatment.choices],
        required=False,
    )
    income_confirmed = forms.BooleanField(
        label=_("Tôi đã kiểm tra: thu nhập này đúng (cao bất thường so với ngưỡng hoặc năm trước)"),
        required=False,
    )

    def __init__(self, *args, indicators=None, **kwargs) -> None:
        """`indicators`: the PovertyIndicator rows of the review year's standard (None: the
        12 of 2022-2025). A fact no indicator of the standard reads is not asked."""
        super().__init__(*args, **kwargs)
        if indicators is None:
            self.codes = {n: f"CS{n:02d}" for n in INDICATOR_NAMES}
            self.columns = {n: f"CS{n:02d} {name}" for n, name in INDICATOR_NAMES.items()}
            used = {spec.rule for spec in rules.DEFAULT_INDICATORS}
        else:
            self.codes = {i.column: i.code for i in indicators}
            self.columns = {i.column: f"{i.code} {i.name}" for i in indicators}
            used = {i.rule for i in indicators}
        for n, label in self.columns.items():
            self.fields[f"t{n:02d}"] = forms.ChoiceField(
                label=label, choices=TICK_CHOICES, required=False
            )
            self.fields[f"r{n:02d}"] = forms.CharField(
                label=_("Lý do điều chỉnh %(code)s") % {"code": self.codes[n]},
                max_length=500,
                required=False,
            )
        for fact, needed_by in FACT_RULES.items():
            if not used & needed_by:
                del self.fields[fact]

    def tick_fields(self):
        return [self[f"t{n:02d}"] for n in self.columns]

    def tick_rows(self):
        """(tick, reason) pairs, for the template."""
        return [(self[f"t{n:02d}"], self[f"r{n:02d}"]) for n in self.columns]

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
                waste_treatment=data.get("waste_treatment") or "",
                uses_digital_services=tri(data.get("uses_digital_services")),
            ),
            ticks={n: tri(data.get(f"t{n:02d}")) for n in self.columns},
            override_reasons={
                n: data[f"r{n:02d}"].strip()
                for n in self.columns
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
            "waste_treatment": review.waste_treatment,
            "uses_digital_services": tri(review.uses_digital_services),
            "income_confirmed": review.income_confirmed,
        }
        flags = review.column_flags()
        for n in flags:
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


QUEUE_STATUSES = (
    HouseholdReview.Status.SUBMITTED,
    HouseholdReview.Status.RETURNED,
    HouseholdReview.Status.APPROVED,
)


class ReviewQueueFilterForm(forms.Form):
    """The approval queue's filters: commune (of the user's own), class, status, submission
    date; every field optional, a bad value is a message and the queue stays unfiltered."""

    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=Household.objects.none(), required=False,
        empty_label=_("Tất cả"),
    )  # fmt: skip
    classification = forms.ChoiceField(label=_("Phân loại"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái phiếu"), required=False)
    submitted_from = DayMonthYearField(label=_("Gửi từ ngày"), required=False)
    submitted_to = DayMonthYearField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list_for_user(user).order_by("name")
        self.fields["classification"].choices = [("", _("Tất cả")), *Classification.choices]
        # The statuses in the words of who approves in the tree in force (two-tier: no district).
        words = approval_wording_for_year(None)
        self.fields["status"].choices = [
            (s.value, area_rules.status_label(words, s.value)) for s in QUEUE_STATUSES
        ]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def filters(self) -> dict:
        """Keyword arguments of selectors.review_queue_for_user (the valid fields only)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "status": data.get("status") or HouseholdReview.Status.SUBMITTED,
            "commune": data.get("commune"),
            "classification": data.get("classification") or "",
            "submitted_from": data.get("submitted_from"),
            "submitted_to": data.get("submitted_to"),
        }
