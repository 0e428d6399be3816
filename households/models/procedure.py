"""The periodic review's steps after Phiếu B (issue 18): the hamlet meeting, the public
posting, complaints, the recognition decision, and each step's closing. Every paper prints the
data as recorded at its step: each step stores the rows it was made on (`snapshot`), a later
correction makes a new version, it never rewrites an old paper."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.organisation.models import Area

from .reviews import Classification, HouseholdReview, ReviewRound


class ReviewCalendar(models.Model):
    """The periodic review's calendar, as data (Decision 24/2021/QĐ-TTg, Article 4 and 5)
    [verify each date and the posting period against the text in force]."""

    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    start_day = models.CharField(_("bắt đầu (ngày/tháng)"), max_length=5, default="01/09")
    end_day = models.CharField(_("kết thúc (ngày/tháng)"), max_length=5, default="14/12")
    preliminary_by_day = models.CharField(
        _("gửi kết quả sơ bộ trước ngày (ngày/tháng)"), max_length=5, default="15/11"
    )
    official_by_day = models.CharField(
        _("gửi kết quả chính thức trước ngày (ngày/tháng)"), max_length=5, default="20/12"
    )
    posting_working_days = models.PositiveSmallIntegerField(
        _("thời gian niêm yết tối thiểu (ngày làm việc)"), default=3
    )
    meeting_share_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ đồng ý tối thiểu của cuộc họp (%)"), default=50
    )
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lịch rà soát định kỳ")
        verbose_name_plural = _("lịch rà soát định kỳ")
        ordering = ["-year_from"]

    def __str__(self) -> str:
        return f"{self.year_from}-{self.year_to}"


class ProcedureStep(models.Model):
    """One step of a round closed for a hamlet (meeting, posting, complaints) or for the
    commune (recognition, certificates, report): who, when."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="steps")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("bước"), max_length=16)
    closed_on = models.DateField(_("ngày hoàn thành"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước rà soát")
        verbose_name_plural = _("bước rà soát")
        constraints = [
            models.UniqueConstraint(fields=["round", "area", "step"], name="uniq_procedure_step")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.area} {self.step}"


class HamletMeeting(models.Model):
    """Biên bản họp dân ở thôn/ấp: who attended and the result per household."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="meetings")
    hamlet = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("ngày họp"))
    chair = models.CharField(_("chủ trì"), max_length=120)
    secretary = models.CharField(_("thư ký"), max_length=120, blank=True)
    # One name per line: the attendance list of the minutes.
    attendees = models.JSONField(_("người tham dự"), default=list)
    note = models.TextField(_("ghi chú"), blank=True)
    # The rows the meeting decided on, as they stood (posting_rows + agreeing, share, kept).
    snapshot = models.JSONField(default=list)
    version = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biên bản họp dân")
        verbose_name_plural = _("biên bản họp dân")
        ordering = ["-held_on", "-version"]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.held_on:%d/%m/%Y}"


class MeetingResult(models.Model):
    meeting = models.ForeignKey(HamletMeeting, on_delete=models.CASCADE, related_name="results")
    review = models.ForeignKey(HouseholdReview, on_delete=models.PROTECT, related_name="+")
    agreeing = models.PositiveIntegerField(_("số người đồng ý"))
    kept = models.BooleanField(_("đạt tỷ lệ đồng ý"))

    class Meta:
        verbose_name = _("kết quả họp của hộ")
        verbose_name_plural = _("kết quả họp của hộ")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "review"], name="uniq_meeting_result")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.review_id}"


class Posting(models.Model):
    """Niêm yết công khai: the preliminary list of a hamlet, its dates, the rows posted."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="postings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("niêm yết từ ngày"))
    end = models.DateField(_("đến ngày"))
    place = models.CharField(_("nơi niêm yết"), max_length=255, blank=True)
    snapshot = models.JSONField(default=list)
    version = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("niêm yết danh sách")
        verbose_name_plural = _("niêm yết danh sách")
        ordering = ["-start", "-version"]

    def __str__(self) -> str:
        return f"{self.area} {self.start:%d/%m/%Y}-{self.end:%d/%m/%Y}"


class Complaint(models.Model):
    """A complaint received during the posting and its outcome (biên bản giải quyết)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Đang xem xét")
        CHANGED = "changed", _("Có cơ sở: rà soát lại, thay đổi kết quả")
        REJECTED = "rejected", _("Không có cơ sở: giữ nguyên kết quả")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="complaints")
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="complaints")
    review = models.ForeignKey(HouseholdReview, on_delete=models.PROTECT, related_name="complaints")
    received_on = models.DateField(_("ngày nhận"))
    complainant = models.CharField(_("người khiếu nại"), max_length=120)
    content = models.TextField(_("nội dung"))
    outcome = models.CharField(
        _("kết quả"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_note = models.TextField(_("kết luận"), blank=True)
    resolved_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    class_before = models.CharField(
        _("phân loại trước"), max_length=16, choices=Classification.choices
    )
    class_after = models.CharField(
        _("phân loại sau"), max_length=16, choices=Classification.choices, blank=True
    )
    income_before = models.PositiveBigIntegerField(default=0)
    income_after = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khiếu nại")
        verbose_name_plural = _("khiếu nại")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.complainant} {self.received_on:%d/%m/%Y}"


class Recognition(models.Model):
    """The decision recognising a commune's poor and near-poor lists, by the round's approving
    level; `snapshot` holds the annexed lists as decided."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="recognitions")
    number = models.CharField(_("số quyết định"), max_length=40)
    decided_on = models.DateField(_("ngày quyết định"))
    level = models.CharField(_("cấp phê duyệt"), max_length=16)
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ"), max_length=120, default="Chủ tịch")
    snapshot = models.JSONField(default=list)
    version = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["-decided_on", "-version"]

    def __str__(self) -> str:
        return f"{self.number} {self.decided_on:%d/%m/%Y}"


class PaperJob(models.Model):
    """Many households' papers as one PDF, made by a background task (a commune's
    certificates): its progress per batch, then its file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ tạo tệp")
        RENDERING = "rendering", _("Đang tạo tệp")
        DONE = "done", _("Tệp đã sẵn sàng")
        FAILED = "failed", _("Tạo tệp thất bại")

    RUNNING = frozenset({Status.PENDING, Status.RENDERING})

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("giấy tờ"), max_length=32, default="certificates")
    review_ids = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần in giấy tờ")
        verbose_name_plural = _("lần in giấy tờ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.area_id} {self.year}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def filename(self) -> str:
        return f"giay-chung-nhan-{self.year}-{self.pk}.pdf"
