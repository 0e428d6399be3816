"""Support programmes (chương trình, dự án hỗ trợ) and what each household or member received."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Agency, Household, Member


class Programme(models.Model):
    """One programme, project (dự án) or sub-project (tiểu dự án) of the catalogue; editable."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Tín dụng ưu đãi")
        HEALTH_CARD = "health_card", _("Thẻ bảo hiểm y tế")
        TUITION = "tuition", _("Miễn, giảm học phí")
        TRAINING = "training", _("Đào tạo nghề, tập huấn khuyến nông")
        JOB = "job", _("Hỗ trợ việc làm")
        ABROAD = "abroad", _("Đi làm việc ở nước ngoài theo hợp đồng")
        HOUSING = "housing", _("Hỗ trợ nhà ở")
        WATER = "water", _("Nước sạch, vệ sinh")
        LEGAL = "legal", _("Trợ giúp pháp lý")
        LIVELIHOOD = "livelihood", _("Sinh kế, phát triển sản xuất")
        INFORMATION = "information", _("Thông tin, truyền thông")
        INFRASTRUCTURE = "infrastructure", _("Cơ sở hạ tầng")
        OTHER = "other", _("Khác")

    class Target(models.TextChoices):
        HOUSEHOLD = "household", _("Hộ gia đình")
        MEMBER = "member", _("Nhân khẩu")

    class Measure(models.TextChoices):
        AMOUNT = "amount", _("Số tiền (đồng)")
        QUANTITY = "quantity", _("Số lượng")
        VALIDITY = "validity", _("Thời hạn hiệu lực")

    class Group(models.TextChoices):
        POOR = "poor", _("Hộ nghèo")
        NEAR_POOR = "near_poor", _("Hộ cận nghèo")
        RECENTLY_ESCAPED = "recently_escaped", _("Hộ mới thoát nghèo, thoát cận nghèo (3 năm)")
        MERITORIOUS = "meritorious", _("Hộ người có công")
        CHILDREN = "children", _("Trẻ em dưới 16 tuổi")
        WORKING_AGE = "working_age", _("Người trong độ tuổi lao động")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    owner_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("cơ quan chủ trì"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc dự án"),
    )
    kind = models.CharField(_("loại hỗ trợ"), max_length=20, choices=Kind.choices)
    target = models.CharField(
        _("đối tượng nhận"), max_length=12, choices=Target.choices, default=Target.HOUSEHOLD
    )
    # Codes of Programme.Group; empty = no restriction.
    eligible_groups = models.JSONField(_("đối tượng được hưởng"), default=list, blank=True)
    measure = models.CharField(
        _("đo bằng"), max_length=12, choices=Measure.choices, default=Measure.AMOUNT
    )
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    # Numbers 1..12 of the deprivation indicators (CS01..CS12) the programme addresses.
    addresses_indicators = models.JSONField(
        _("chỉ số thiếu hụt giải quyết"), default=list, blank=True
    )
    valid_from = models.DateField(_("thời gian thực hiện từ"), null=True, blank=True)
    valid_to = models.DateField(_("thời gian thực hiện đến"), null=True, blank=True)
    active = models.BooleanField(_("đang thực hiện"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chương trình hỗ trợ")
        verbose_name_plural = _("chương trình hỗ trợ")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_credit(self) -> bool:
        return self.kind == self.Kind.CREDIT

    @property
    def indicator_codes(self) -> list[str]:
        return [f"CS{n:02d}" for n in self.addresses_indicators]

    def group_labels(self) -> list[str]:
        labels = dict(self.Group.choices)
        return [str(labels.get(g, g)) for g in self.eligible_groups]


class SupportRecord(models.Model):
    """What a household (or one of its members) received from a programme, on a date."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="records", verbose_name=_("chương trình")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="support_records", verbose_name=_("hộ")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_records",
        verbose_name=_("nhân khẩu"),
    )
    date = models.DateField(_("ngày hỗ trợ"))
    # For a card or a loan: the end of its validity or term; None = one-off support.
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    quantity = models.DecimalField(
        _("số lượng"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    eligibility_override = models.BooleanField(_("ghi nhận ngoài đối tượng"), default=False)
    override_note = models.TextField(_("lý do ghi nhận ngoài đối tượng"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hỗ trợ đã nhận")
        verbose_name_plural = _("hỗ trợ đã nhận")
        ordering = ["-date", "-id"]
        constraints = [
            # Overlapping periods are refused by the service; the DB catches the same start date.
            models.UniqueConstraint(
                fields=["programme", "member", "date"],
                condition=Q(member__isnull=False),
                name="uniq_support_member_programme_date",
            ),
            models.UniqueConstraint(
                fields=["programme", "household", "date"],
                condition=Q(member__isnull=True),
                name="uniq_support_household_programme_date",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("date")),
                name="support_valid_until_after_date",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "date"], name="support_programme_date"),
            models.Index(fields=["household", "date"], name="support_household_date"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.household_id} {self.date:%d/%m/%Y}"
