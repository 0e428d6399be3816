"""The administrative area tree, agencies, and who works where."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A node of the administrative tree (tỉnh > huyện > xã > ấp), of any depth.

    `path` is a materialised path of codes ("83/831/28801/") so that "this area and everything
    below it" is one indexed prefix match, for scoping and roll-ups alike.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT = "district", _("Huyện")
        COMMUNE = "commune", _("Xã")
        HAMLET = "hamlet", _("Ấp/khu phố")

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CITY = "thanh_pho", _("Thành phố")
        TOWN_DISTRICT = "thi_xa", _("Thị xã")
        DISTRICT = "huyen", _("Huyện")
        WARD = "phuong", _("Phường")
        TOWNSHIP = "thi_tran", _("Thị trấn")
        COMMUNE = "xa", _("Xã")
        HAMLET = "ap", _("Ấp")
        QUARTER = "khu_pho", _("Khu phố")

    # The unique internal key. Units of 2023 carry their GSO code; a later unit whose GSO code was
    # already used (GSO reuses a predecessor's code) gets "<gso>-<year>" (e.g. "29110-2025").
    code = models.CharField(_("mã"), max_length=32, unique=True)
    gso_code = models.CharField(
        _("mã thống kê"),
        max_length=16,
        blank=True,
        db_index=True,
        help_text=_("Mã đơn vị hành chính của Tổng cục Thống kê (có thể được dùng lại)."),
    )
    name = models.CharField(_("tên"), max_length=200)
    note = models.TextField(
        _("ghi chú"), blank=True, help_text=_("Ví dụ: các đơn vị cũ hợp thành, căn cứ pháp lý.")
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices, db_index=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Urban (thành thị) = phường, thị trấn; rural (nông thôn) = xã. A commune can change type:
    # `former_kind` and `kind_changed_on` keep what it was before, so the type in force for a
    # review year can be derived (households.rules.is_urban_on).
    former_kind = models.CharField(
        _("loại trước đây"), max_length=16, choices=Kind.choices, blank=True
    )
    kind_changed_on = models.DateField(_("ngày đổi loại"), null=True, blank=True)
    is_coastal_difficult = models.BooleanField(
        _("xã đặc biệt khó khăn vùng bãi ngang, ven biển"), default=False
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        from households.rules import normalize_text

        self.search_name = normalize_text(self.name)
        if not self.gso_code:
            self.gso_code = self.code.split("-", 1)[0]
        parent_path = self.parent.path if self.parent_id else ""
        self.path = f"{parent_path}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    @property
    def is_urban(self) -> bool:
        from households.rules import is_urban_kind

        return is_urban_kind(self.kind)

    def is_urban_on(self, on: date) -> bool:
        """The kind in force on a date decides (households.rules.is_urban_on)."""
        from households.rules import is_urban_on

        return is_urban_on(
            self.kind, former_kind=self.former_kind, kind_changed_on=self.kind_changed_on, on=on
        )

    def is_valid_on(self, on) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


class Agency(models.Model):
    """A provincial department (sở, ngành) or a district People's Committee (UBND huyện)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ngành tỉnh")
        DISTRICT_COMMITTEE = "district_committee", _("UBND huyện, thành phố")
        COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("địa bàn"),
        help_text=_("Với UBND huyện: huyện đó."),
    )
    is_lead = models.BooleanField(_("cơ quan thường trực"), default=False)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Agencies are merged too (2025: planning into finance, information into science and
    # technology, ...): validity dates and the agency that took over its tasks.
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("cơ quan kế thừa"),
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["kind", "-is_lead", "name"]

    def __str__(self) -> str:
        # One name wherever an agency is shown (its official name); `short_name` only where a
        # column is too narrow, asked for by name (issue 17: one agency named two ways).
        return self.name


class StaffProfile(models.Model):
    """Where a user works: the area nodes an officer covers, the agency a staff member is in.

    The role itself is the user's Django group (households.organisation.roles).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="officers", verbose_name=_("địa bàn phụ trách")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("cơ quan"),
    )
    title = models.CharField(_("chức vụ"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("hồ sơ cán bộ")
        verbose_name_plural = _("hồ sơ cán bộ")

    def __str__(self) -> str:
        from .rules import person_name

        return person_name(
            family=self.user.last_name, given=self.user.first_name, username=self.user.username
        )
