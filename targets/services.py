"""Writes of the targets app; each owns its transaction and takes keyword-only arguments."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households.models import Agency, Area, StaffProfile
from households.organisation.selectors import agency_of
from households.types import User
from households.workbook import private_path, store_private_file, validate_upload

from . import rules
from .models import (
    ManualFigure,
    Plan,
    PlanDocument,
    ReminderLog,
    Target,
    Task,
    TaskEvidence,
    TaskStatus,
    TaskUpdate,
)

logger = logging.getLogger(__name__)

EVIDENCE_DIR = "targets/evidence"
FIGURE_DIR = "targets/figures"


def _check_due_date(due_date: date, plan: Plan) -> None:
    if rules.due_date_error(due_date, plan.year):
        raise ValidationError(
            {
                "due_date": _("Hạn hoàn thành không được trước năm của kế hoạch (%(year)s).")
                % {"year": plan.year}
            }
        )


def _check_files(files: Iterable, field: str) -> list:
    files = list(files or [])
    errors = [
        f"{getattr(f, 'name', '')}: {message}"
        for f in files
        if (message := validate_upload(f)) is not None
    ]
    if errors:
        raise ValidationError({field: errors})
    return files


def _store_all(files: list, subdir: str) -> list[tuple[object, str]]:
    stored: list[tuple[object, str]] = []
    try:
        for f in files:
            stored.append((f, store_private_file(f, subdir)))  # noqa: PERF401 - undo on error
    except Exception:
        _discard(stored)
        raise
    return stored


def _discard(stored: list[tuple[object, str]]) -> None:
    for _file, relative in stored:
        try:
            private_path(relative).unlink(missing_ok=True)
        except (OSError, ValueError):
            logger.warning("could not remove %s", relative)


def task_create(
    *,
    plan: Plan,
    title: str,
    lead_agency: Agency,
    due_date: date,
    description: str = "",
    supporting_agencies: Iterable[Agency] = (),
    targets: Iterable[Target] = (),
    recurrence: str = "",
    recurrence_day: int = 5,
    recurrence_until: date | None = None,
    code: str = "",
    created_by: User | None = None,
) -> Task:
    _check_due_date(due_date, plan)
    task = Task(
        plan=plan,
        code=code,
        title=title,
        description=description,
        lead_agency=lead_agency,
        due_date=due_date,
        recurrence=recurrence,
        recurrence_day=recurrence_day,
        recurrence_until=recurrence_until,
        created_by=created_by,
    )
    return _task_save(task, supporting_agencies, targets)


def task_edit(
    *,
    task: Task,
    title: str,
    lead_agency: Agency,
    due_date: date,
    description: str = "",
    supporting_agencies: Iterable[Agency] = (),
    targets: Iterable[Target] = (),
    recurrence: str = "",
    recurrence_day: int = 5,
    recurrence_until: date | None = None,
) -> Task:
    _check_due_date(due_date, task.plan)
    task.title, task.description = title, description
    task.lead_agency, task.due_date = lead_agency, due_date
    task.recurrence, task.recurrence_day = recurrence, recurrence_day
    task.recurrence_until = recurrence_until
    return _task_save(task, supporting_agencies, targets)


@transaction.atomic
def _task_save(
    task: Task, supporting_agencies: Iterable[Agency], targets: Iterable[Target]
) -> Task:
    """Save a task with its supporting agencies (the lead agency left out) and its targets."""
    task.save()
    task.supporting_agencies.set([a for a in supporting_agencies if a.pk != task.lead_agency_id])
    task.targets.set(list(targets))
    return task


def task_update_create(
    *,
    task: Task,
    user: User,
    agency: Agency | None,
    status: str,
    percent: int,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> TaskUpdate:
    """Record a progress update with its evidence and make it the task's state.

    A periodic task whose period is reported done moves to its next due date (until
    `recurrence_until`, by default the end of the plan year) and starts that period anew as
    "not started"; the "done" update stays in the history. Files are checked by content before
    anything is written, and removed again if the database write fails.
    """
    problem = rules.percent_error(percent, status)
    if problem == "range":
        raise ValidationError({"percent": _("Tiến độ phải từ 0 đến 100%.")})
    if problem == "done_needs_100":
        raise ValidationError({"percent": _("Nhiệm vụ hoàn thành thì tiến độ phải là 100%.")})
    if status not in rules.STATUSES:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    files = _check_files(files, "evidence")
    stored = _store_all(files, f"{EVIDENCE_DIR}/{task.pk}")
    try:
        with transaction.atomic():
            task = Task.objects.select_for_update().get(pk=task.pk)
            update = TaskUpdate.objects.create(
                task=task,
                status=status,
                percent=percent,
                note=note,
                period_due_date=task.due_date,
                agency=agency,
                created_by=user,
            )
            TaskEvidence.objects.bulk_create(
                [
                    TaskEvidence(
                        update=update,
                        file_path=relative,
                        original_name=getattr(f, "name", "")[:255] or relative,
                        size=getattr(f, "size", 0) or 0,
                    )
                    for f, relative in stored
                ]
            )
            task.status, task.percent = status, percent
            task.last_update_at = update.created_at
            if status == rules.DONE and task.recurrence:
                until = task.recurrence_until or date(task.plan.year, 12, 31)
                following = rules.next_due_date(task.recurrence, task.due_date, task.recurrence_day)
                if following is not None and following <= until:
                    task.due_date = following
                    task.status, task.percent = rules.NOT_STARTED, 0
            task.save(update_fields=["status", "percent", "last_update_at", "due_date"])
    except Exception:
        _discard(stored)
        raise
    return update


def manual_figure_create(
    *,
    target: Target,
    area: Area,
    year: int,
    period_start: date,
    period_end: date,
    value: Decimal,
    user: User,
    agency: Agency | None = None,
    note: str = "",
    file: UploadedFile | None = None,
) -> ManualFigure:
    """Record a figure; reported by `agency`, else the user's agency, else the target's
    responsible agency, else the plan's issuing agency."""
    agency = agency or agency_of(user) or target.responsible_agency or target.plan.issuing_agency
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("Ngày kết thúc kỳ phải sau ngày bắt đầu.")
    if value is not None and value < 0:
        errors["value"] = _("Số liệu không được âm.")
    if not target.is_manual:
        errors["target"] = _("Chỉ tiêu này được tính tự động, không nhập tay.")
    if errors:
        raise ValidationError(errors)
    files = _check_files([file] if file else [], "evidence")
    stored = _store_all(files, f"{FIGURE_DIR}/{target.pk}")
    try:
        with transaction.atomic():
            figure = ManualFigure.objects.create(
                target=target,
                indicator_code=target.indicator_code,
                area=area,
                year=year,
                period_start=period_start,
                period_end=period_end,
                value=value,
                note=note,
                agency=agency,
                entered_by=user,
                file_path=stored[0][1] if stored else "",
                original_name=(getattr(file, "name", "") or "")[:255] if stored else "",
                size=(getattr(file, "size", 0) or 0) if stored else 0,
            )
    except Exception:
        _discard(stored)
        raise
    return figure


def plan_document_create(*, plan: Plan, title: str, file: UploadedFile, user: User) -> PlanDocument:
    """Attach a document (the plan itself, its legal basis) to a plan."""
    files = _check_files([file], "file")
    stored = _store_all(files, f"targets/plans/{plan.pk}")
    try:
        with transaction.atomic():
            document = PlanDocument.objects.create(
                plan=plan,
                title=title,
                file_path=stored[0][1],
                original_name=(getattr(file, "name", "") or "")[:255],
                size=getattr(file, "size", 0) or 0,
                uploaded_by=user,
            )
    except Exception:
        _discard(stored)
        raise
    return document


def _sender() -> str:
    """The From header names the lead department and the province in force (data)."""
    from email.utils import formataddr, parseaddr

    from households.organisation.selectors import organisation_header

    header = organisation_header()
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if header["lead"]:
        name = " – ".join(n for n in (header["lead"], header["province"]) if n)
    return formataddr((name, address)) if name else address


def _reminder_body(agency: Agency, due_soon: list[Task], overdue: list[Task]) -> str:
    lines = [_("Kính gửi %(agency)s,") % {"agency": agency.name}, ""]
    if overdue:
        lines.append(_("Nhiệm vụ đã quá hạn:"))
        lines += [f"- {t.title} ({_('hạn')} {date_format(t.due_date, 'd/m/Y')})" for t in overdue]
        lines.append("")
    if due_soon:
        lines.append(_("Nhiệm vụ đến hạn trong 7 ngày tới:"))
        lines += [f"- {t.title} ({_('hạn')} {date_format(t.due_date, 'd/m/Y')})" for t in due_soon]
        lines.append("")
    lines.append(_("Vui lòng cập nhật tiến độ trên hệ thống quản lý giảm nghèo bền vững."))
    from households.organisation.selectors import organisation_header

    header = organisation_header()
    if header["lead"]:
        lines += ["", f"{header['lead']} – {header['province']}"]
    return "\n".join(lines)


def task_reminders_send(*, today: date) -> int:
    """E-mail each agency its tasks due within 7 days and overdue, once a day.

    A ReminderLog row (unique per agency, day, kind) is written in the same transaction as the
    sending; a second run the same day finds it and sends nothing. Returns e-mails sent.
    """
    window_end = today + timedelta(days=rules.REMINDER_WINDOW_DAYS)
    tasks = (
        Task.objects.exclude(status=rules.DONE)
        .filter(due_date__lte=window_end)
        .select_related("lead_agency")
        .order_by("lead_agency_id", "due_date", "id")
    )
    by_agency: dict[int, list[Task]] = {}
    for task in tasks:
        by_agency.setdefault(task.lead_agency_id, []).append(task)
    already = set(
        ReminderLog.objects.filter(date=today, kind="tasks").values_list("agency_id", flat=True)
    )
    staff_emails: dict[int, list[str]] = {}
    for agency_id, email in (
        StaffProfile.objects.filter(agency_id__in=by_agency, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("agency_id", "user__email")
    ):
        staff_emails.setdefault(agency_id, []).append(email)
    sent = 0
    for agency_id, agency_tasks in by_agency.items():
        agency = agency_tasks[0].lead_agency
        # The agency's own address; without one, its staff members' addresses.
        recipients = [agency.email] if agency.email else staff_emails.get(agency_id, [])
        if agency_id in already or not recipients:
            continue
        overdue = [t for t in agency_tasks if rules.is_overdue(t.due_date, t.status, today)]
        due_soon = [t for t in agency_tasks if rules.is_due_soon(t.due_date, t.status, today)]
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    agency=agency, date=today, kind="tasks", task_count=len(agency_tasks)
                )
                send_mail(
                    _("[Giảm nghèo] Nhắc việc ngày %(day)s: %(n)s nhiệm vụ")
                    % {"day": date_format(today, "d/m/Y"), "n": len(agency_tasks)},
                    _reminder_body(agency, due_soon, overdue),
                    _sender(),
                    recipients,
                )
        except IntegrityError:
            # Another run sent it first (the unique constraint decided).
            continue
        except (OSError, smtplib.SMTPException):
            # Not sent, not logged (rolled back): tomorrow's run, or a rerun today, tries again.
            logger.exception("reminder to agency %s failed", agency.code)
            continue
        sent += 1
    return sent


def reminder_today() -> date:
    return timezone.localdate()


__all__ = [
    "manual_figure_create",
    "plan_document_create",
    "task_create",
    "task_edit",
    "task_reminders_send",
    "task_update_create",
]


@transaction.atomic
def agency_tasks_hand_over(*, agency: Agency, user: User, to: Agency | None = None) -> int:
    """Hand a closed agency's unfinished tasks to its successor (or `to`) in one action: the
    lead and the supporting roles. Finished tasks and every progress report stay as they were
    (readable under the old agency). Returns the tasks handed over."""
    from django.core.exceptions import ValidationError

    successor = to or agency.successor
    if successor is None:
        raise ValidationError(_("Cơ quan này chưa có cơ quan kế thừa."))
    if successor.pk == agency.pk:
        raise ValidationError(_("Không thể giao nhiệm vụ cho chính cơ quan đó."))
    open_tasks = Task.objects.filter(lead_agency=agency).exclude(status=TaskStatus.DONE)
    moved = open_tasks.update(lead_agency=successor)
    through = Task.supporting_agencies.through
    supporting = through.objects.filter(agency=agency).exclude(task__status=TaskStatus.DONE)
    task_ids = list(supporting.values_list("task_id", flat=True))
    supporting.delete()
    already = set(
        through.objects.filter(agency=successor, task_id__in=task_ids).values_list(
            "task_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(task_id=t, agency_id=successor.pk) for t in task_ids if t not in already]
    )
    logger.info(
        "tasks of %s handed to %s by %s: %s lead, %s supporting",
        agency.code, successor.code, getattr(user, "pk", None), moved, len(task_ids),
    )  # fmt: skip
    return moved + len(task_ids)
