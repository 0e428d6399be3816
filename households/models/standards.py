"""The poverty standard as versioned data: Decree 07/2021/NĐ-CP (2022-2025, extended through
2026 by Decree 351/2025/NĐ-CP), the 2027-2030 standard of Decree 351/2025/NĐ-CP, and any local
standard a province adopts beside the national one."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households import rules

# The fields whose change would alter a classification: refused once a review under the
# standard is approved (a new version of the standard is made instead).
DECIDING_FIELDS = (
    "year_from",
    "year_to",
    "rural_poverty_line",
    "urban_poverty_line",
    "has_average_band",
    "rural_average_line",
    "urban_average_line",
    "poor_min_deprivations",
    "low_income_year_from",
    "low_income_year_to",
    "low_income_rural_line",
    "low_income_urban_line",
    "low_income_params",
)
INDICATOR_DECIDING_FIELDS = ("column", "code", "rule", "params")


class PovertyStandard(models.Model):
    class Scope(models.TextChoices):
        NATIONAL = "national", _("Chuẩn quốc gia")
        LOCAL = "local", _("Chuẩn của địa phương")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    scope = models.CharField(
        _("phạm vi"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL
    )
    # A local standard belongs to a province (the area that adopted it).
    province = models.ForeignKey(
        "households.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh ban hành (chuẩn địa phương)"),
    )
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"))
    # Income lines in đồng per person per month; "≤" is inclusive (domain §1).
    rural_poverty_line = models.PositiveIntegerField(_("chuẩn nghèo nông thôn (đồng)"))
    urban_poverty_line = models.PositiveIntegerField(_("chuẩn nghèo thành thị (đồng)"))
    has_average_band = models.BooleanField(_("có mức sống trung bình"), default=True)
    rural_average_line = models.PositiveIntegerField(
        _("mức sống trung bình nông thôn, cận trên (đồng)"), null=True, blank=True
    )
    urban_average_line = models.PositiveIntegerField(
        _("mức sống trung bình thành thị, cận trên (đồng)"), null=True, blank=True
    )
    poor_min_deprivations = models.PositiveSmallIntegerField(
        _("số chỉ số thiếu hụt tối thiểu của hộ nghèo"), default=3
    )
    # Người lao động có thu nhập thấp (Decree 30/2025/NĐ-CP): the years and lines; empty = none.
    low_income_year_from = models.PositiveSmallIntegerField(
        _("xác định người lao động thu nhập thấp từ năm"), null=True, blank=True
    )
    low_income_year_to = models.PositiveSmallIntegerField(
        _("xác định người lao động thu nhập thấp đến năm"), null=True, blank=True
    )
    low_income_rural_line = models.PositiveIntegerField(
        _("thu nhập thấp nông thôn (đồng)"), null=True, blank=True
    )
    low_income_urban_line = models.PositiveIntegerField(
        _("thu nhập thấp thành thị (đồng)"), null=True, blank=True
    )
    # {"min_age": 15, "up_to_retirement": true, "work_statuses": [...]}
    low_income_params = models.JSONField(
        _("điều kiện người lao động thu nhập thấp"), default=dict, blank=True
    )
    low_income_provisional = models.BooleanField(
        _("điều kiện người lao động thu nhập thấp chưa xác nhận"), default=False
    )
    provisional_note = models.TextField(_("ghi chú tạm tính"), blank=True)
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    # Bumped on every change; a review stores the revision that classified it.
    revision = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chuẩn nghèo")
        verbose_name_plural = _("chuẩn nghèo")
        ordering = ["-year_from", "scope"]

    def __str__(self) -> str:
        if self.scope == self.Scope.LOCAL:
            return f"{self.name} ({_('địa phương')})"
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            self.revision = (self.revision or 0) + 1
        super().save(*args, **kwargs)

    def lines(self) -> rules.StandardLines:
        # Without an average band a household above the line is simply "above" (the band's
        # bound is the poverty line itself).
        return rules.StandardLines(
            rural_poverty_line=self.rural_poverty_line,
            urban_poverty_line=self.urban_poverty_line,
            rural_average_line=(
                self.rural_average_line if self.has_average_band else self.rural_poverty_line
            ),
            urban_average_line=(
                self.urban_average_line if self.has_average_band else self.urban_poverty_line
            ),
            poor_min_deprivations=self.poor_min_deprivations,
        )

    def low_income_rule(self, year: int) -> rules.LowIncomeRule | None:
        if not (self.low_income_year_from and self.low_income_year_to):
            return None
        if not self.low_income_year_from <= year <= self.low_income_year_to:
            return None
        params = self.low_income_params or {}
        return rules.LowIncomeRule(
            rural_line=self.low_income_rural_line,
            urban_line=self.low_income_urban_line,
            min_age=params.get("min_age", 15),
            up_to_retirement=params.get("up_to_retirement", True),
            work_statuses=frozenset(
                params.get(
                    "work_statuses",
                    sorted(rules.LowIncomeRule.__dataclass_fields__["work_statuses"].default),
                )
            ),
        )

    def has_approved_reviews(self) -> bool:
        from .reviews import HouseholdReview

        if not self.pk:
            return False
        approved = HouseholdReview.Status.APPROVED
        return (
            HouseholdReview.objects.filter(standard_id=self.pk, status=approved).exists()
            or HouseholdReview.objects.filter(local_standard_id=self.pk, status=approved).exists()
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year_from and self.year_to and self.year_from > self.year_to:
            errors["year_to"] = _("Năm kết thúc phải từ năm bắt đầu trở đi.")
        for field in ("rural_poverty_line", "urban_poverty_line"):
            if not getattr(self, field):
                errors[field] = _("Chuẩn nghèo phải lớn hơn 0 đồng.")
        if self.has_average_band:
            for field, line in (
                ("rural_average_line", self.rural_poverty_line),
                ("urban_average_line", self.urban_poverty_line),
            ):
                value = getattr(self, field)
                if not value:
                    errors[field] = _("Có mức sống trung bình thì phải có cận trên (lớn hơn 0).")
                elif line and value <= line:
                    errors[field] = _("Cận trên mức sống trung bình phải lớn hơn chuẩn nghèo.")
        if not 1 <= (self.poor_min_deprivations or 0) <= 13:
            errors["poor_min_deprivations"] = _("Số chỉ số thiếu hụt phải từ 1 đến 13.")
        if self.low_income_year_from or self.low_income_year_to:
            for field in ("low_income_rural_line", "low_income_urban_line"):
                if not getattr(self, field):
                    errors[field] = _("Mức thu nhập thấp phải lớn hơn 0 đồng.")
            if not (self.low_income_year_from and self.low_income_year_to):
                errors["low_income_year_to"] = _("Hãy ghi đủ năm bắt đầu và năm kết thúc.")
        if self.scope == self.Scope.LOCAL and self.province_id is None:
            errors["province"] = _("Chuẩn địa phương phải ghi tỉnh ban hành.")
        if self.scope == self.Scope.NATIONAL and self.province_id is not None:
            errors["province"] = _("Chuẩn quốc gia không thuộc riêng tỉnh nào.")
        if self.year_from and self.year_to and "year_to" not in errors:
            overlapping = PovertyStandard.objects.filter(
                scope=self.scope,
                province_id=self.province_id,
                year_from__lte=self.year_to,
                year_to__gte=self.year_from,
            ).exclude(pk=self.pk)
            other = overlapping.first()
            if other is not None:
                errors["year_from"] = _(
                    "Các năm %(a)s-%(b)s trùng với chuẩn “%(other)s” (%(c)s-%(d)s) cùng phạm vi."
                ) % {
                    "a": self.year_from,
                    "b": self.year_to,
                    "other": other.name,
                    "c": other.year_from,
                    "d": other.year_to,
                }
        if self.pk and self.has_approved_reviews():
            stored = PovertyStandard.objects.filter(pk=self.pk).values(*DECIDING_FIELDS).first()
            changed = [f for f in DECIDING_FIELDS if stored and stored[f] != getattr(self, f)]
            if changed:
                errors[changed[0]] = _(
                    "Chuẩn này đã có phiếu rà soát được duyệt, không sửa được. Hãy tạo một "
                    "phiên bản chuẩn mới."
                )
        if errors:
            raise ValidationError(errors)


class PovertyIndicator(models.Model):
    """One deprivation indicator of a standard (chỉ số đo lường mức độ thiếu hụt): its code,
    name, dimension, order, the rule deriving it from the facts and the rule's parameters."""

    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    code = models.CharField(_("mã"), max_length=8)
    # The dimension (dịch vụ xã hội cơ bản), e.g. "Nước sạch, vệ sinh và môi trường" from 2027.
    service = models.CharField(_("chiều thiếu hụt (dịch vụ xã hội cơ bản)"), max_length=80)
    name = models.CharField(_("chỉ số"), max_length=120)
    description = models.TextField(_("thiếu hụt khi"), blank=True)
    # Where the result is stored: HouseholdReview.d01..d13. One concept keeps its column across
    # standards, so a year comparison of the same indicator reads the same column.
    column = models.PositiveSmallIntegerField(_("cột lưu kết quả (d01..d13)"))
    rule = models.CharField(_("quy tắc"), max_length=32, choices=[(r, r) for r in rules.RULES])
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    provisional = models.BooleanField(_("tham số tạm tính, chưa xác nhận"), default=False)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ số thiếu hụt")
        verbose_name_plural = _("chỉ số thiếu hụt")
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="uniq_indicator_number"),
            models.UniqueConstraint(fields=["standard", "column"], name="uniq_indicator_column"),
            models.UniqueConstraint(fields=["standard", "code"], name="uniq_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def spec(self) -> rules.IndicatorSpec:
        return rules.IndicatorSpec(
            column=self.column,
            code=self.code,
            rule=self.rule,
            params=tuple(sorted((self.params or {}).items())),
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.rule:
            errors["rule"] = _("Chỉ số %(code)s chưa có quy tắc xác định.") % {"code": self.code}
        else:
            problems = rules.rule_params_errors(self.rule, self.params or {})
            if "rule" in problems:
                errors["rule"] = problems.pop("rule")
            if problems:
                errors["params"] = "; ".join(f"{k}: {v}" for k, v in problems.items())
        if not 1 <= (self.column or 0) <= 13:
            errors["column"] = _("Cột lưu kết quả phải từ 1 đến 13.")
        if self.standard_id and self.pk and self.standard.has_approved_reviews():
            stored = (
                PovertyIndicator.objects.filter(pk=self.pk)
                .values(*INDICATOR_DECIDING_FIELDS)
                .first()
            )
            if stored and any(stored[f] != getattr(self, f) for f in INDICATOR_DECIDING_FIELDS):
                errors["params"] = _(
                    "Chuẩn này đã có phiếu rà soát được duyệt, không sửa được chỉ số. Hãy tạo "
                    "một phiên bản chuẩn mới."
                )
        if errors:
            raise ValidationError(errors)
