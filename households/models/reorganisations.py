"""Reorganisations of the area tree as data: a legal basis, an effective date and the steps
"old unit -> new unit" (whole or part); dated changes of a unit's type (urban/rural); and the
audit of households carried to their successor units."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.organisation.models import Area


class Reorganisation(models.Model):
    """Một lần sắp xếp đơn vị hành chính (e.g. Resolution 1687/NQ-UBTVQH15, from 1 July 2025)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    source = models.CharField(_("nguồn dữ liệu"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["effective_date", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_date:%d/%m/%Y})"


class ReorganisationStep(models.Model):
    """One unit's part in a reorganisation: it went, whole or in part, into `new_area`."""

    class Share(models.TextChoices):
        WHOLE = "whole", _("Toàn bộ")
        PART = "part", _("Một phần")

    class Certainty(models.TextChoices):
        SURE = "sure", _("Đã xác minh")
        ASSUMED = "assumed", _("Giả định, cần kiểm tra")

    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.CASCADE, related_name="steps"
    )
    old_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="steps_out", verbose_name=_("đơn vị cũ")
    )
    new_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="steps_in", verbose_name=_("đơn vị mới")
    )
    share = models.CharField(_("phạm vi"), max_length=8, choices=Share.choices, default=Share.WHOLE)
    certainty = models.CharField(
        _("độ tin cậy"), max_length=8, choices=Certainty.choices, default=Certainty.SURE
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bước sắp xếp")
        verbose_name_plural = _("các bước sắp xếp")
        ordering = ["reorganisation", "old_area__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "old_area", "new_area"], name="uniq_reorg_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_area} → {self.new_area}"


class AreaKindChange(models.Model):
    """A dated change of a unit's type (xã -> thị trấn, xã -> phường): urban or rural in force
    for a review is the type on its reference date (domain §1)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="kind_changes")
    from_kind = models.CharField(_("loại trước"), max_length=16, choices=Area.Kind.choices)
    to_kind = models.CharField(_("loại sau"), max_length=16, choices=Area.Kind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thay đổi loại đơn vị")
        verbose_name_plural = _("thay đổi loại đơn vị")
        ordering = ["area", "effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["area", "effective_date"], name="uniq_kind_change")
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.from_kind} → {self.to_kind} ({self.effective_date:%d/%m/%Y})"


class TransferRun(models.Model):
    """One run of "households follow their unit": who, when, for which date, how many moved."""

    on = models.DateField(_("áp dụng cho ngày"))
    started_at = models.DateTimeField(_("thực hiện lúc"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    households = models.PositiveIntegerField(_("số hộ chuyển"), default=0)
    hamlets = models.PositiveIntegerField(_("số ấp chuyển"), default=0)
    # {"<old area id>": [new area id, households], ...}
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lần chuyển hộ sang đơn vị mới")
        verbose_name_plural = _("các lần chuyển hộ sang đơn vị mới")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}: {self.households}"


class HouseholdTransfer(models.Model):
    """Audit row: a household carried from a closed unit to its successor (written set-based)."""

    # No database constraints: an audit table written a million rows at a time (as
    # simple_history's tables are), whose rows outlive what they point at.
    run = models.ForeignKey(
        TransferRun, on_delete=models.CASCADE, related_name="transfers", db_index=False
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.DO_NOTHING,
        related_name="transfers",
        db_index=False,
        db_constraint=False,
    )
    from_area = models.ForeignKey(
        Area, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    to_area = models.ForeignKey(
        Area, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = _("hộ chuyển đơn vị")
        verbose_name_plural = _("hộ chuyển đơn vị")
        indexes = [
            models.Index(fields=["household", "run"], name="transfer_household"),
            models.Index(fields=["run"], name="transfer_run"),
            models.Index(fields=["from_area"], name="transfer_from_area"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.from_area_id} → {self.to_area_id}"
