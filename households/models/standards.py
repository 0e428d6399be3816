"""The poverty standard as versioned data (Decree 07/2021/NĐ-CP for 2022-2025)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PovertyStandard(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"))
    # Income lines in đồng per person per month; "≤" is inclusive (domain §1).
    rural_poverty_line = models.PositiveIntegerField(_("chuẩn nghèo nông thôn (đồng)"))
    urban_poverty_line = models.PositiveIntegerField(_("chuẩn nghèo thành thị (đồng)"))
    rural_average_line = models.PositiveIntegerField(
        _("mức sống trung bình nông thôn, cận trên (đồng)")
    )
    urban_average_line = models.PositiveIntegerField(
        _("mức sống trung bình thành thị, cận trên (đồng)")
    )
    poor_min_deprivations = models.PositiveSmallIntegerField(
        _("số chỉ số thiếu hụt tối thiểu của hộ nghèo"), default=3
    )

    class Meta:
        verbose_name = _("chuẩn nghèo")
        verbose_name_plural = _("chuẩn nghèo")
        ordering = ["-year_from"]

    def __str__(self) -> str:
        return self.name

    def lines(self):
        from households.rules import StandardLines

        return StandardLines(
            rural_poverty_line=self.rural_poverty_line,
            urban_poverty_line=self.urban_poverty_line,
            rural_average_line=self.rural_average_line,
            urban_average_line=self.urban_average_line,
            poor_min_deprivations=self.poor_min_deprivations,
        )


class PovertyIndicator(models.Model):
    """One of the deprivation indicators of a standard (chỉ số đo lường mức độ thiếu hụt)."""

    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    code = models.CharField(_("mã"), max_length=8)
    service = models.CharField(_("dịch vụ xã hội cơ bản"), max_length=80)
    name = models.CharField(_("chỉ số"), max_length=120)
    description = models.TextField(_("thiếu hụt khi"), blank=True)

    class Meta:
        verbose_name = _("chỉ số thiếu hụt")
        verbose_name_plural = _("chỉ số thiếu hụt")
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="uniq_indicator_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
