"""Excel import jobs: one uploaded workbook, its preview and its progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ kiểm tra")
        VALIDATING = "validating", _("Đang kiểm tra")
        READY = "ready", _("Sẵn sàng nhập")
        REFUSED = "refused", _("Có lỗi, không nhập")
        QUEUED = "queued", _("Đang chờ ghi")
        IMPORTING = "importing", _("Đang ghi dữ liệu")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Ghi thất bại, không có thay đổi")

    RUNNING = frozenset({Status.PENDING, Status.VALIDATING, Status.QUEUED, Status.IMPORTING})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    file_path = models.CharField(_("tệp"), max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # {"create": n, "update": n, "unchanged": n, "error_rows": n, "new_hamlets": [...], ...}
    preview = models.JSONField(default=dict, blank=True)
    # [{"sheet", "row", "column", "col", "message"}, ...]; row/col are 1-based, may be null.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a worker claims the job: the stale-job sweep fails a job running too long.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("lần nhập Excel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.year})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class ExportJob(models.Model):
    """A household list too long to download at once: written by a task, then downloaded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ tạo tệp")
        EXPORTING = "exporting", _("Đang tạo tệp")
        DONE = "done", _("Tệp đã sẵn sàng")
        FAILED = "failed", _("Tạo tệp thất bại")

    RUNNING = frozenset({Status.PENDING, Status.EXPORTING})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # The list's filters as in its address (re-applied, with the user's areas, by the task).
    params = models.TextField(blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần xuất Excel")
        verbose_name_plural = _("lần xuất Excel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def filename(self) -> str:
        return f"ho-gia-dinh-{self.year}-{self.pk}.xlsx"
