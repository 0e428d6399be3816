"""Households (hộ), their members (nhân khẩu), and each commune's resident population."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.organisation.models import Area


class PovertyCause(models.Model):
    """Nguyên nhân nghèo (lack of land, capital, labour, ...), editable reference data."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nguyên nhân nghèo")
        verbose_name_plural = _("nguyên nhân nghèo")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class EthnicGroup(models.Model):
    """One of the 54 ethnic groups of Viet Nam with its statistical code (Danh mục các dân tộc
    Việt Nam, Tổng cục Thống kê; households/reference/ethnic-groups.csv and its README).

    A member's `ethnicity` holds the group's `name`; values typed before the list existed stay
    as they were (readable, shown as "ngoài danh mục") and are matched through `other_names`."""

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên dân tộc"), max_length=40, unique=True)
    other_names = models.CharField(
        _("tên gọi khác"),
        max_length=300,
        blank=True,
        help_text=_("Cách viết khác, cách nhau bằng dấu chấm phẩy (ví dụ: Khmer; Khơ Me)."),
    )
    is_minority = models.BooleanField(_("dân tộc thiểu số"), default=True)

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("danh mục dân tộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    code = models.CharField(_("mã hộ"), max_length=32, unique=True)
    # Indexed by household_commune_hamlet (commune first).
    commune = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("xã"),
        db_index=False,
    )
    hamlet = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hamlet_households",
        verbose_name=_("thôn/ấp"),
    )
    # Denormalised from commune.path so that scoping is one indexed prefix match
    # (household_area_path: pattern operators, so the prefix match is indexed in any collation).
    area_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=120)
    head_citizen_id = models.CharField(_("CCCD chủ hộ"), max_length=12, blank=True)
    # Normalised (no diacritics, lower case) head name + code, for search: a substring match,
    # served on PostgreSQL by the trigram index of migration 0002 (a btree would never be used).
    search_text = models.CharField(max_length=255, editable=False)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    declared_size = models.PositiveSmallIntegerField(
        _("số nhân khẩu"),
        null=True,
        blank=True,
        help_text=_("Khi chưa nhập danh sách nhân khẩu."),
    )
    is_meritorious = models.BooleanField(_("hộ người có công"), default=False)
    is_ethnic_minority = models.BooleanField(_("hộ dân tộc thiểu số"), default=False)
    no_labour_capacity = models.BooleanField(_("hộ không có khả năng lao động"), default=False)
    is_social_protection = models.BooleanField(_("hộ có người hưởng bảo trợ xã hội"), default=False)
    wants_loan = models.BooleanField(_("có nhu cầu vay vốn"), default=False)
    poverty_causes = models.ManyToManyField(
        PovertyCause, blank=True, related_name="households", verbose_name=_("nguyên nhân nghèo")
    )
    # Optimistic concurrency: every write bumps it; a write carrying an old value is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The audit table is read by household (id) and date only; the other indexes simple_history
    # would copy from the model cost every write and serve no query.
    history = HistoricalRecords(
        excluded_fields=["search_text", "area_path", "updated_at"],
        no_db_index=["code", "commune", "hamlet", "head_citizen_id", "created_by"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["area_path", "code"], name="household_area_code"),
            models.Index(fields=["commune", "hamlet"], name="household_commune_hamlet"),
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="household_area_path"
            ),
            models.Index(fields=["head_citizen_id"], name="household_head_citizen_id"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"

    def save(self, *args, **kwargs) -> None:
        from households.rules import household_search_text

        self.search_text = household_search_text(self.head_name, self.code)
        if self.commune_id and not self.area_path:
            self.area_path = self.commune.path
        super().save(*args, **kwargs)


# A member's recorded facts and stay, in the order the member form shows them (the generator
# writes the same columns).
MEMBER_FACT_FIELDS = (
    "sex",
    "date_of_birth",
    "relationship",
    "citizen_id",
    "ethnicity",
    "has_health_insurance",
    "health_insurance_expiry",
    "school_level",
    "education",
    "work_status",
    "has_disability",
    "receives_social_allowance",
    "is_malnourished",
    "joined_on",
    "join_reason",
    "left_on",
    "leave_reason",
)


class Member(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    class Relationship(models.TextChoices):
        HEAD = "head", _("Chủ hộ")
        SPOUSE = "spouse", _("Vợ/chồng")
        CHILD = "child", _("Con")
        PARENT = "parent", _("Cha/mẹ")
        GRANDPARENT = "grandparent", _("Ông/bà")
        GRANDCHILD = "grandchild", _("Cháu")
        SIBLING = "sibling", _("Anh/chị/em")
        IN_LAW = "in_law", _("Con dâu/con rể")
        OTHER = "other", _("Khác")

    class SchoolLevel(models.TextChoices):
        NONE = "", _("Không đi học")
        PRESCHOOL = "preschool", _("Mầm non")
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
        VOCATIONAL = "vocational", _("Giáo dục nghề nghiệp")
        HIGHER = "higher", _("Cao đẳng, đại học")

    class Education(models.TextChoices):
        NONE = "none", _("Chưa tốt nghiệp tiểu học")
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
        VOCATIONAL = "vocational", _("Chứng chỉ, bằng nghề")
        HIGHER = "higher", _("Cao đẳng, đại học trở lên")

    class WorkStatus(models.TextChoices):
        WAGE_CONTRACT = "wage_contract", _("Làm công ăn lương có hợp đồng")
        WAGE_NO_CONTRACT = "wage_no_contract", _("Làm công ăn lương không có hợp đồng")
        SELF_EMPLOYED = "self_employed", _("Tự làm, sản xuất kinh doanh")
        UNEMPLOYED = "unemployed", _("Thất nghiệp")
        NOT_IN_LABOUR_FORCE = "not_in_labour_force", _("Không tham gia lực lượng lao động")

    class JoinReason(models.TextChoices):
        INITIAL = "initial", _("Có từ khi lập hồ sơ")
        BIRTH = "birth", _("Sinh")
        MOVE_IN = "move_in", _("Chuyển đến")
        MARRIAGE = "marriage", _("Kết hôn")

    class LeaveReason(models.TextChoices):
        DEATH = "death", _("Chết")
        MOVE_OUT = "move_out", _("Chuyển đi")
        MARRIAGE = "marriage", _("Kết hôn")
        OTHER = "other", _("Khác")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    relationship = models.CharField(
        _("quan hệ với chủ hộ"), max_length=16, choices=Relationship.choices
    )
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True, db_index=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    # The facts the 12 indicators read. null = not recorded (unknown, never "absent"): the
    # indicator that needs it says "chưa đủ thông tin" until someone records it.
    has_health_insurance = models.BooleanField(_("có thẻ BHYT"), null=True, default=False)
    health_insurance_expiry = models.DateField(_("hạn thẻ BHYT"), null=True, blank=True)
    # "" = not attending; null = not recorded.
    school_level = models.CharField(  # noqa: DJ001
        _("đang đi học cấp"),
        max_length=20,
        choices=SchoolLevel.choices,
        blank=True,
        null=True,
        default="",
    )
    education = models.CharField(  # noqa: DJ001
        _("trình độ học vấn cao nhất"),
        max_length=20,
        choices=Education.choices,
        default="none",
        null=True,
        blank=True,
    )
    work_status = models.CharField(  # noqa: DJ001
        _("tình trạng việc làm"),
        max_length=24,
        choices=WorkStatus.choices,
        default=WorkStatus.NOT_IN_LABOUR_FORCE,
        null=True,
        blank=True,
    )
    has_disability = models.BooleanField(_("người khuyết tật"), null=True, default=False)
    receives_social_allowance = models.BooleanField(
        _("hưởng trợ cấp xã hội hằng tháng"), null=True, default=False
    )
    is_malnourished = models.BooleanField(
        _("trẻ suy dinh dưỡng"),
        null=True,
        default=False,
        help_text=_("Thấp còi hoặc nhẹ cân."),
    )
    joined_on = models.DateField(_("ngày vào hộ"), null=True, blank=True)
    join_reason = models.CharField(
        _("lý do vào hộ"), max_length=16, choices=JoinReason.choices, default=JoinReason.INITIAL
    )
    left_on = models.DateField(_("ngày ra khỏi hộ"), null=True, blank=True)
    leave_reason = models.CharField(
        _("lý do ra khỏi hộ"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(left_on__isnull=True) & ~Q(citizen_id=""),
                name="uniq_active_member_citizen_id",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        from households.rules import normalize_text

        self.search_name = normalize_text(self.full_name)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def attending_school(self) -> bool:
        return bool(self.school_level)


class AreaPopulation(models.Model):
    """Tổng số hộ dân cư: resident households and persons of an area in a year.

    The denominator of every rate; entered by the commune officer or imported.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="populations")
    year = models.PositiveSmallIntegerField(_("năm"))
    households = models.PositiveIntegerField(_("tổng số hộ dân cư"))
    persons = models.PositiveIntegerField(_("tổng số nhân khẩu"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dân số địa bàn")
        verbose_name_plural = _("dân số địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="uniq_area_population_year")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"
