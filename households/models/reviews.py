"""Review rounds (kỳ rà soát) and each household's review (phiếu rà soát)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.organisation.models import Area

from ..rules import INDICATORS
from .households import Household
from .standards import PovertyStandard

# The model's field of each indicator number (rules.INDICATORS): d01 ... d12.
INDICATOR_FIELDS = tuple(f"d{n:02d}" for n in INDICATORS)
# Every result column (d13: household waste treatment, from the 2027 standard). A standard's
# PovertyIndicator.column says which of them holds each of its indicators.
COLUMN_NUMBERS = tuple(range(1, 14))
COLUMN_FIELDS = tuple(f"d{n:02d}" for n in COLUMN_NUMBERS)
# Short names of the 12 indicators of the 2022-2025 standard, for labels (the full wording is
# reference data: PovertyIndicator).
INDICATOR_NAMES = {
    1: _("Việc làm"),
    2: _("Người phụ thuộc"),
    3: _("Dinh dưỡng"),
    4: _("Bảo hiểm y tế"),
    5: _("Trình độ giáo dục người lớn"),
    6: _("Tình trạng đi học trẻ em"),
    7: _("Chất lượng nhà ở"),
    8: _("Diện tích nhà ở bình quân"),
    9: _("Nguồn nước sinh hoạt"),
    10: _("Nhà tiêu hợp vệ sinh"),
    11: _("Sử dụng dịch vụ viễn thông"),
    12: _("Phương tiện tiếp cận thông tin"),
}
# Every result column's short name (d13 from the 2027-2030 standard; a standard's own names are
# its PovertyIndicator rows).
COLUMN_NAMES = {**INDICATOR_NAMES, 13: _("Xử lý rác thải sinh hoạt")}


class Classification(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    AVERAGE = "average", _("Hộ có mức sống trung bình")
    ABOVE = "above", _("Không thuộc diện")


class Movement(models.TextChoices):
    """Diễn biến: how a household moved from last year's approved review to this one. Derived
    from the approved reviews of both years (households.rules.movement), never stored."""

    ESCAPED = "escaped", _("Thoát nghèo")
    ESCAPED_NEAR_POOR = "escaped_near_poor", _("Thoát cận nghèo")
    NEWLY_POOR = "newly_poor", _("Nghèo phát sinh mới")
    REIMPOVERISHED = "reimpoverished", _("Tái nghèo")
    NEWLY_NEAR_POOR = "newly_near_poor", _("Cận nghèo phát sinh mới")
    NEAR_POOR_RETURNED = "near_poor_returned", _("Tái cận nghèo")
    STAYED_POOR = "stayed_poor", _("Vẫn nghèo")
    STAYED_NEAR_POOR = "stayed_near_poor", _("Vẫn cận nghèo")
    POOR_TO_NEAR_POOR = "poor_to_near_poor", _("Thoát nghèo, thành cận nghèo")
    UNCHANGED = "unchanged", _("Không thuộc diện, không đổi")
    JOINED = "joined", _("Tăng khác (năm trước không có trong danh sách của địa bàn)")
    LEFT = "left", _("Giảm khác (năm nay không có phiếu được duyệt ở địa bàn)")


class ReviewRound(models.Model):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Rà soát định kỳ")
        REGULAR = "regular", _("Rà soát thường xuyên")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        CLOSED = "closed", _("Đã đóng")
        LOCKED = "locked", _("Đã phê duyệt, khóa số liệu")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="review_rounds")
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.PERIODIC)
    # 0 for the periodic round; 1-12 for a month's regular round.
    month = models.PositiveSmallIntegerField(_("tháng"), default=0)
    reference_date = models.DateField(_("thời điểm rà soát"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    # The standard the round classifies under; set when the round is made (the national one in
    # force for its year) and changeable only by an explicit, audited re-classification.
    standard = models.ForeignKey(
        PovertyStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("chuẩn nghèo áp dụng"),
    )

    # Who approves the round's reviews (data, not code): the district in a tree with districts;
    # in the two-tier tree (from 1 July 2025) the commune People's Committee recognises the
    # list and the province consolidates. Blank = the default of the tree in force
    # (households.organisation.selectors.approving_level_default).
    class ApprovingLevel(models.TextChoices):
        DISTRICT = "district", _("UBND cấp huyện phê duyệt")
        COMMUNE = "commune", _("UBND cấp xã công nhận, tỉnh tổng hợp")

    approving_level = models.CharField(
        _("cấp phê duyệt"), max_length=16, choices=ApprovingLevel.choices, blank=True
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ rà soát")
        verbose_name_plural = _("kỳ rà soát")
        ordering = ["-year", "area__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "kind", "month"], name="uniq_review_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.area}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.pk or self.standard_id is None:
            return
        stored = ReviewRound.objects.filter(pk=self.pk).values_list("standard_id", flat=True)
        if stored.first() != self.standard_id and self.reviews.exists():
            raise ValidationError(
                {
                    "standard": _(
                        "Kỳ rà soát đã có phiếu: đổi chuẩn bằng thao tác phân loại lại "
                        "(có ghi lý do), không sửa trực tiếp."
                    )
                }
            )


class HouseholdReview(models.Model):
    """Phiếu B of one household in one round: facts, the 12 deprivations, the classification."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Xã đã gửi")
        RETURNED = "returned", _("Huyện trả lại")
        APPROVED = "approved", _("Huyện đã duyệt")

    class Source(models.TextChoices):
        DERIVED = "derived", _("Tính từ thông tin nhân khẩu")
        REVIEWER = "reviewer", _("Cán bộ rà soát xác định")
        OVERRIDDEN = "overridden", _("Cán bộ xác định khác với thông tin nhân khẩu, có ghi lý do")
        UNKNOWN = "unknown", _("Chưa đủ thông tin")

    class WaterSource(models.TextChoices):
        TAP = "tap", _("Nước máy")
        DRILLED_WELL = "drilled_well", _("Giếng khoan")
        PROTECTED_WELL = "protected_well", _("Giếng đào, khe/mó được bảo vệ")
        RAINWATER = "rainwater", _("Nước mưa")
        BOTTLED = "bottled", _("Nước đóng bình, đóng chai")
        UNPROTECTED = "unprotected", _("Nguồn không hợp vệ sinh (sông, ao, giếng không bảo vệ)")

    class Latrine(models.TextChoices):
        SEPTIC = "septic", _("Tự hoại")
        SEMI_SEPTIC = "semi_septic", _("Bán tự hoại")
        POUR_FLUSH = "pour_flush", _("Thấm dội nước")
        DOUBLE_VAULT = "double_vault", _("Hai ngăn")
        VENTILATED_PIT = "ventilated_pit", _("Chìm có ống thông hơi")
        UNHYGIENIC = "unhygienic", _("Không hợp vệ sinh hoặc không có")

    class WasteTreatment(models.TextChoices):
        COLLECTED = "collected", _("Được thu gom")
        TREATED_ON_SITE = "treated_on_site", _("Tự xử lý hợp vệ sinh (ủ, chôn lấp đúng cách)")
        UNTREATED = "untreated", _("Không thu gom, không xử lý (vứt ra môi trường)")

    # household and year are indexed by the composite indexes below (household first, year first).
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    # The unit the review was made in and its path then (the parent chain in force): a review
    # stays filed there when its household later moves on to a successor unit (domain §5).
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị rà soát"),
        db_index=False,
    )
    area_path = models.CharField(max_length=255, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm"))
    reference_date = models.DateField(_("thời điểm rà soát"))
    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The area type in force for the review year, stored (domain §1).
    is_urban = models.BooleanField(_("thành thị"))
    income_per_capita = models.PositiveBigIntegerField(_("thu nhập bình quân (đồng/người/tháng)"))
    # Household facts from Phiếu B; null = not recorded (the reviewer's tick then stands).
    nondurable_parts = models.PositiveSmallIntegerField(
        _("số bộ phận nhà (tường, cột, mái) làm bằng vật liệu không bền chắc"),
        null=True,
        blank=True,
    )
    floor_area_m2 = models.DecimalField(
        _("diện tích ở (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    water_source = models.CharField(
        _("nguồn nước sinh hoạt"), max_length=20, choices=WaterSource.choices, blank=True
    )
    latrine = models.CharField(_("nhà tiêu"), max_length=20, choices=Latrine.choices, blank=True)
    uses_internet = models.BooleanField(_("có thành viên sử dụng internet"), null=True, blank=True)
    has_information_device = models.BooleanField(
        _("có TV, radio, máy tính, điện thoại thông minh hoặc máy tính bảng"),
        null=True,
        blank=True,
    )
    waste_treatment = models.CharField(
        _("xử lý rác thải sinh hoạt"),
        max_length=20,
        choices=WasteTreatment.choices,
        blank=True,
    )
    uses_digital_services = models.BooleanField(
        _("có thành viên sử dụng dịch vụ số (dịch vụ công trực tuyến, thanh toán số...)"),
        null=True,
        blank=True,
    )
    # The deprivation results: one column each so that reports aggregate them in SQL.
    d01 = models.BooleanField(_("CS01 Việc làm"), default=False)
    d02 = models.BooleanField(_("CS02 Người phụ thuộc"), default=False)
    d03 = models.BooleanField(_("CS03 Dinh dưỡng"), default=False)
    d04 = models.BooleanField(_("CS04 Bảo hiểm y tế"), default=False)
    d05 = models.BooleanField(_("CS05 Trình độ giáo dục người lớn"), default=False)
    d06 = models.BooleanField(_("CS06 Tình trạng đi học trẻ em"), default=False)
    d07 = models.BooleanField(_("CS07 Chất lượng nhà ở"), default=False)
    d08 = models.BooleanField(_("CS08 Diện tích nhà ở"), default=False)
    d09 = models.BooleanField(_("CS09 Nguồn nước sinh hoạt"), default=False)
    d10 = models.BooleanField(_("CS10 Nhà tiêu hợp vệ sinh"), default=False)
    d11 = models.BooleanField(_("CS11 Dịch vụ viễn thông"), default=False)
    d12 = models.BooleanField(_("CS12 Phương tiện tiếp cận thông tin"), default=False)
    d13 = models.BooleanField(_("Xử lý rác thải sinh hoạt (chuẩn 2027-2030)"), default=False)
    # What decided the classification: the standard's revision and the line applied.
    standard_revision = models.PositiveIntegerField(default=1)
    poverty_line = models.PositiveIntegerField(_("chuẩn nghèo áp dụng (đồng)"), null=True)
    # The household's status under the province's local standard, when one is in force; the
    # national figures never read these.
    local_standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_classification = models.CharField(
        _("phân loại theo chuẩn địa phương"),
        max_length=16,
        choices=Classification.choices,
        blank=True,
    )
    local_deprivation_count = models.PositiveSmallIntegerField(null=True, blank=True)
    # {"1": "derived" | "reviewer" | "overridden" | "unknown", ...}, {"1": ["reason", ...]}
    sources = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=dict, blank=True)
    # Every override of the facts: {"4": {"deprived": false, "reason": "...", "by": "username",
    # "by_name": "...", "at": "2026-12-02T09:30:00+07:00"}} (who, when and why).
    overrides = models.JSONField(_("điều chỉnh của cán bộ"), default=dict, blank=True)
    # The officer confirmed an income above the plausibility bound (or 10x last year's).
    income_confirmed = models.BooleanField(_("đã xác nhận thu nhập cao bất thường"), default=False)
    deprivation_count = models.PositiveSmallIntegerField(_("số chỉ số thiếu hụt"), default=0)
    classification = models.CharField(_("phân loại"), max_length=16, choices=Classification.choices)
    member_count = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=0)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    # The review that stands for the household in this year (the latest of the year's rounds).
    is_current = models.BooleanField(default=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
        db_index=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
        db_index=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The audit table is read by review (id), by household and by date; simple_history would
    # otherwise copy every index of the model onto it, each paid on every write.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=[
            "round",
            "year",
            "standard",
            "local_standard",
            "classification",
            "status",
            "is_current",
            "entered_by",
            "approved_by",
            "area",
        ],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("phiếu rà soát hộ")
        verbose_name_plural = _("phiếu rà soát hộ")
        ordering = ["-year", "household"]
        constraints = [
            models.UniqueConstraint(fields=["household", "round"], name="uniq_review_per_round")
        ]
        indexes = [
            models.Index(fields=["year", "is_current", "classification"], name="review_year_class"),
            models.Index(fields=["household", "year"], name="review_household_year"),
            models.Index(fields=["area", "year"], name="review_area_year"),
            # The district's approval queue (status "submitted"): few rows, a small partial index.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="submitted"),
                name="review_submitted_queue",
            ),
            # "Deprived on indicator N" filters and counts: small partial indexes, one each.
            *(
                models.Index(
                    fields=["year", "household"],
                    condition=models.Q(**{field: True}, is_current=True),
                    name=f"review_{field}_deprived",
                )
                for field in INDICATOR_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.year}"

    def save(self, *args, **kwargs) -> None:
        if self.area_id is None and self.household_id:
            # From the database, not a possibly stale instance: households move set-based.
            self.area_id, self.area_path = Household.objects.values_list(
                "commune_id", "area_path"
            ).get(pk=self.household_id)
        elif self.area_id and not self.area_path:
            self.area_path = self.area.path
        super().save(*args, **kwargs)

    def deprivation_flags(self) -> dict[int, bool]:
        return {n: getattr(self, f) for n, f in zip(INDICATORS, INDICATOR_FIELDS, strict=True)}

    def column_flags(self) -> dict[int, bool]:
        """Every result column, d01..d13, keyed 1..13."""
        return {n: getattr(self, f) for n, f in zip(COLUMN_NUMBERS, COLUMN_FIELDS, strict=True)}


class ReviewReopening(models.Model):
    """A recorded reopening of an approved review or a locked round: who, why, when."""

    review = models.ForeignKey(
        HouseholdReview, on_delete=models.CASCADE, null=True, blank=True, related_name="reopenings"
    )
    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, null=True, blank=True, related_name="reopenings"
    )
    reason = models.TextField(_("lý do mở lại"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần mở lại")
        verbose_name_plural = _("lần mở lại")
        ordering = ["-reopened_at"]

    def __str__(self) -> str:
        return f"{self.reopened_at:%d/%m/%Y} {self.reason[:40]}"
