"""Plans, their targets (chỉ tiêu), the tasks (nhiệm vụ) assigned to agencies, and their updates.

The reports app reads these to show actual against target:
- `Target` (plan, code, indicator_code, unit, baseline, target_value, direction, deadline) and
  `TargetBreakdown` (target, area, year, value: the province's and each district's figure);
- `ManualFigure` (figures entered by hand for targets whose indicator_code is "manual");
- `Task` with its denormalised state (status, percent, last_update_at).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Agency, Area

from . import rules

MANUAL = "manual"


class Plan(models.Model):
    """A year's plan of an issuing body, e.g. Sở LĐ-TB&XH's 2023 plan implementing 452/KH-UBND."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    title = models.CharField(_("tên kế hoạch"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    issuing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="plans", verbose_name=_("cơ quan ban hành")
    )
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    implements = models.CharField(
        _("thực hiện văn bản"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Kế hoạch số 452/KH-UBND ngày 24/01/2022 của UBND tỉnh."),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class PrivateFile(models.Model):
    """A file kept under MEDIA_ROOT with a random name, served only by permission-checked views."""

    file_path = models.CharField(max_length=255, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class PlanDocument(PrivateFile):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("tiêu đề"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản kèm theo")
        verbose_name_plural = _("văn bản kèm theo")
        ordering = ["plan", "id"]


class Target(models.Model):
    """A target (chỉ tiêu) of a plan and how it is measured.

    `indicator_code` names a computed indicator of the reports app ("poor_rate_change",
    "health_insurance_coverage", ...) or is "manual" (figures entered as ManualFigure rows).
    `direction`: at_least (actual >= target_value), at_most (actual <= target_value),
    reduction_by (baseline - actual >= target_value), see targets.rules.on_track.
    """

    class Direction(models.TextChoices):
        AT_LEAST = rules.AT_LEAST, _("Tối thiểu")
        AT_MOST = rules.AT_MOST, _("Tối đa")
        REDUCTION_BY = rules.REDUCTION_BY, _("Giảm ít nhất")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("mã"), max_length=40)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    statement = models.TextField(_("nội dung chỉ tiêu"))
    indicator_code = models.CharField(
        _("chỉ số đo"),
        max_length=60,
        default=MANUAL,
        help_text=_("Mã chỉ số tính tự động, hoặc “manual” nếu cơ quan báo cáo số liệu."),
    )
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    baseline = models.DecimalField(
        _("giá trị nền"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("chiều"), max_length=16, choices=Direction.choices, default=Direction.AT_LEAST
    )
    deadline = models.DateField(_("thời hạn"))
    responsible_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_targets",
        verbose_name=_("cơ quan báo cáo số liệu"),
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="uniq_target_plan_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.statement[:80]}"

    @property
    def is_manual(self) -> bool:
        return self.indicator_code == MANUAL


class TargetBreakdown(models.Model):
    """A target's figure for one area and year: the province's and each district's share,
    on the same area x year grid as the actual figures."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="breakdowns")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    baseline = models.DecimalField(
        _("giá trị nền"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("chỉ tiêu theo địa bàn")
        verbose_name_plural = _("chỉ tiêu theo địa bàn")
        ordering = ["target", "year", "area__path"]
        constraints = [
            models.UniqueConstraint(fields=["target", "area", "year"], name="uniq_target_breakdown")
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.area} {self.year}: {self.value}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = rules.NOT_STARTED, _("Chưa thực hiện")
    IN_PROGRESS = rules.IN_PROGRESS, _("Đang thực hiện")
    DONE = rules.DONE, _("Hoàn thành")
    BLOCKED = rules.BLOCKED, _("Vướng mắc")


class Task(models.Model):
    """A task (nhiệm vụ) of a plan assigned to a lead agency, with supporting agencies.

    `status`, `percent` and `last_update_at` are the latest TaskUpdate, copied by the service
    `task_update_create` in the same transaction (the history stays in TaskUpdate).
    A periodic task (recurrence) has `due_date` = the current period's due date.
    """

    class Recurrence(models.TextChoices):
        NONE = rules.NO_RECURRENCE, _("Không lặp lại")
        MONTHLY = rules.MONTHLY, _("Hằng tháng")
        QUARTERLY = rules.QUARTERLY, _("Hằng quý")
        YEARLY = rules.YEARLY, _("Hằng năm")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("mã"), max_length=40, blank=True)
    title = models.CharField(_("tên nhiệm vụ"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    targets = models.ManyToManyField(
        Target, blank=True, related_name="tasks", verbose_name=_("phục vụ chỉ tiêu")
    )
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="lead_tasks", verbose_name=_("chủ trì")
    )
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supporting_tasks", verbose_name=_("phối hợp")
    )
    due_date = models.DateField(_("hạn hoàn thành"), db_index=True)
    recurrence = models.CharField(
        _("định kỳ"), max_length=16, choices=Recurrence.choices, blank=True
    )
    recurrence_day = models.PositiveSmallIntegerField(
        _("ngày trong tháng"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Với nhiệm vụ định kỳ: hạn vào ngày này (ví dụ báo cáo ngày 5 hằng tháng)."),
    )
    recurrence_until = models.DateField(_("lặp đến ngày"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_update_at = models.DateTimeField(_("cập nhật lần cuối"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["lead_agency", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today) -> bool:
        return rules.is_overdue(self.due_date, self.status, today)


class TaskUpdate(models.Model):
    """One progress report on a task; the history is kept, the latest is the task's state."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("trạng thái"), max_length=16, choices=TaskStatus.choices)
    percent = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("nội dung tiến độ"), blank=True)
    period_due_date = models.DateField(_("kỳ hạn"), null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} – {self.get_status_display()} {self.percent}%"


class TaskEvidence(PrivateFile):
    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["id"]


class ManualFigure(PrivateFile):
    """A figure reported by hand (e.g. officers trained) for a target measured "manual", by the
    responsible agency, for one area and period, with its evidence file (optional)."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="manual_figures")
    indicator_code = models.CharField(max_length=60, default=MANUAL, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    value = models.DecimalField(_("số liệu"), max_digits=14, decimal_places=2)
    note = models.TextField(_("ghi chú"), blank=True)
    file_path = models.CharField(max_length=255, editable=False, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="manual_figures")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["-period_end", "area__path"]
        indexes = [models.Index(fields=["indicator_code", "year"])]

    def __str__(self) -> str:
        return f"{self.target.code} {self.area} {self.period_end}: {self.value}"


class ReminderLog(models.Model):
    """One reminder sent to an agency on a day: unique, so a second run the same day sends none."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=24, default="tasks")
    task_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["agency", "date", "kind"], name="uniq_reminder_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.date} {self.kind}"
