"""Snapshots of the indicators (indicator x area x year) and the jobs that rebuild them.

Pages read only these tables (DHIS2's analytics-table pattern): a rebuild writes a fresh
`Snapshot` with all its `IndicatorValue` rows and makes it the active one in the same
transaction, so a reader sees either the whole previous snapshot or the whole new one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Area


class Snapshot(models.Model):
    class Status(models.TextChoices):
        BUILDING = "building", _("Đang tính")
        ACTIVE = "active", _("Đang dùng")
        SUPERSEDED = "superseded", _("Đã thay thế")

    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.BUILDING
    )
    built_at = models.DateTimeField(_("tính lúc"))
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    job = models.ForeignKey(
        "RebuildJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )

    class Meta:
        verbose_name = _("bản số liệu")
        verbose_name_plural = _("bản số liệu")
        ordering = ["-year", "-built_at"]
        constraints = [
            # At most one active snapshot per year: the swap cannot leave two.
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(status="active"), name="uniq_active_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()} {self.built_at:%d/%m/%Y %H:%M}"


class IndicatorValue(models.Model):
    """One indicator for one area in one year, as of its snapshot."""

    # Two composite indexes serve every read; the FKs' own indexes would only slow the rebuild.
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    indicator = models.CharField(_("chỉ số"), max_length=48)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.FloatField(_("giá trị"), null=True)
    numerator = models.BigIntegerField(_("tử số"), null=True)
    denominator = models.BigIntegerField(_("mẫu số"), null=True)

    class Meta:
        verbose_name = _("giá trị chỉ số")
        verbose_name_plural = _("giá trị chỉ số")
        indexes = [
            models.Index(fields=["snapshot", "area", "indicator"], name="value_snapshot_area"),
            models.Index(fields=["area", "indicator"], name="value_area_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area_id} {self.year}: {self.value}"


class RebuildJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Cán bộ yêu cầu")
        COMMAND = "command", _("Lệnh quản trị")
        SIGNAL = "signal", _("Sau khi duyệt hoặc nhập phiếu")
        SCHEDULE = "schedule", _("Theo lịch")
        DEMO = "demo", _("Dữ liệu minh họa")

    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    trigger = models.CharField(
        _("nguồn"), max_length=16, choices=Trigger.choices, default=Trigger.MANUAL
    )
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)

    class Meta:
        verbose_name = _("lần tính lại số liệu")
        verbose_name_plural = _("lần tính lại số liệu")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["year", "-created_at"], name="job_year_created")]

    def __str__(self) -> str:
        return f"{self.year or '*'} {self.get_status_display()}"


class YearState(models.Model):
    """One row per year: the rebuild lock (row-locked during a rebuild) and the dirty mark.

    `dirty_since` is set when review data of the year changed after the last rebuild started;
    the every-few-minutes beat job rebuilds only dirty years, and dashboards warn on them.
    """

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    dirty_since = models.DateTimeField(_("có thay đổi từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái năm")
        verbose_name_plural = _("trạng thái năm")

    def __str__(self) -> str:
        return str(self.year)


class ForecastJob(models.Model):
    """A forecast run: an area's latest approved reviews classified under another standard
    (households.forecast). The reviews are never written; the job keeps the summary shown on
    the page and the workbook for download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    standard = models.ForeignKey(
        "households.PovertyStandard", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm của phiếu đã duyệt"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    households_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("dự báo theo chuẩn khác")
        verbose_name_plural = _("dự báo theo chuẩn khác")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.area} → {self.standard} ({self.get_status_display()})"
