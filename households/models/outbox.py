"""Work a write owes to the background (a task to queue, a signal to send), recorded in the
write's own transaction and dispatched once it commits — now, or when the broker is back
(households.outbox)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Kind(models.TextChoices):
        TASK = "task", _("Công việc nền")
        SIGNAL = "signal", _("Thông báo thay đổi")

    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    # A Celery task name, or the name of a signal registered in households.outbox.
    name = models.CharField(_("tên"), max_length=200)
    # {"args": [...], "kwargs": {...}, "countdown": seconds}
    payload = models.JSONField(_("nội dung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("việc chờ gửi")
        verbose_name_plural = _("việc chờ gửi")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class Heartbeat(models.Model):
    """The last sign of life of a background process ("worker", "beat"), for the health page."""

    name = models.CharField(_("tiến trình"), max_length=32, unique=True)
    at = models.DateTimeField(_("lúc"))
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhịp hoạt động")
        verbose_name_plural = _("nhịp hoạt động")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%d/%m/%Y %H:%M:%S}"
