"""Services: rows written, state denormalised, bad input refused with nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError

from households.models import Agency, Area
from targets import selectors, services
from targets.models import (
    ManualFigure,
    Plan,
    ReminderLog,
    Target,
    TargetBreakdown,
    Task,
    TaskEvidence,
    TaskUpdate,
)
from targets.tasks import task_reminders_send_task

from .conftest import EXE_BYTES, PDF_BYTES, make_task, upload


def test_reference_data_seeds_the_2023_plan_once(plan):
    config = apps.get_app_config("targets")
    config.load_reference_data()
    config.load_reference_data()
    assert Plan.objects.count() == 1
    assert plan.year == 2023
    assert "452/KH-UBND" in plan.implements
    assert plan.issuing_agency.code == "SLDTBXH"
    assert Target.objects.filter(plan=plan).count() == 9
    poor = Target.objects.get(plan=plan, code="CT01")
    assert (poor.indicator_code, poor.direction, poor.target_value) == (
        "poor_rate_change",
        "reduction_by",
        Decimal("1.00"),
    )
    assert Target.objects.get(plan=plan, code="CT06").indicator_code == "manual"
    shares = {b.area.code: b.value for b in TargetBreakdown.objects.filter(target=poor)}
    assert shares["83"] == Decimal("1.00")
    assert len(shares) == 10
    districts = {k: v for k, v in shares.items() if k != "83"}
    assert max(districts, key=districts.get) == "836"  # Ba Tri highest


def test_demo_tasks_load_is_idempotent(plan):
    config = apps.get_app_config("targets")
    config.load_demo_data()
    config.load_demo_data()
    assert Task.objects.count() == 15
    bhyt = Task.objects.get(code="NV01")
    assert bhyt.lead_agency.code == "SYT"
    assert bhyt.title == "Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo"
    assert bhyt.due_date.year == 2023
    assert (bhyt.status, bhyt.percent) == ("in_progress", 75)
    assert bhyt.updates.count() == 2
    assert Task.objects.filter(status="done").count() >= 3
    assert Task.objects.filter(lead_agency__kind="district_committee").count() == 2


def test_update_becomes_the_task_state_and_history_is_kept(syt_task, agnes):
    agency = Agency.objects.get(code="SYT")
    services.task_update_create(
        task=syt_task, user=agnes, agency=agency, status="in_progress", percent=30, note="a"
    )
    last = services.task_update_create(
        task=syt_task,
        user=agnes,
        agency=agency,
        status="done",
        percent=100,
        note="Đã cấp đủ thẻ",
        files=[upload("danh-sach.pdf", PDF_BYTES)],
    )
    syt_task.refresh_from_db()
    assert (syt_task.status, syt_task.percent) == ("done", 100)
    assert syt_task.last_update_at == last.created_at
    assert list(syt_task.updates.values_list("percent", flat=True)) == [100, 30]
    evidence = TaskEvidence.objects.get(update=last)
    assert evidence.original_name == "danh-sach.pdf"
    assert evidence.file_path.endswith(".pdf")


@pytest.mark.parametrize(
    ("status", "percent", "files", "field"),
    [
        ("in_progress", 140, [], "percent"),
        ("done", 90, [], "percent"),
        ("in_progress", 50, [upload("virus.pdf", EXE_BYTES)], "evidence"),
        ("in_progress", 50, [upload("rong.pdf", b"")], "evidence"),
    ],
)
def test_bad_update_saves_nothing(syt_task, agnes, private_media, status, percent, files, field):
    with pytest.raises(ValidationError) as exc:
        services.task_update_create(
            task=syt_task, user=agnes, agency=None, status=status, percent=percent, files=files
        )
    assert field in exc.value.message_dict
    syt_task.refresh_from_db()
    assert (syt_task.status, syt_task.percent) == ("not_started", 0)
    assert TaskUpdate.objects.count() == 0
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


def test_due_date_before_plan_year_is_refused(plan):
    with pytest.raises(ValidationError) as exc:
        make_task(plan, "SYT", due=date(2022, 12, 31))
    assert "trước năm của kế hoạch" in exc.value.message_dict["due_date"][0]
    assert Task.objects.count() == 0


def test_periodic_task_moves_to_its_next_period_when_done(plan, nobody):
    task = make_task(plan, "UBND-836", due=date(2023, 2, 5), recurrence="monthly", recurrence_day=5)
    update = services.task_update_create(
        task=task, user=nobody, agency=task.lead_agency, status="done", percent=100
    )
    task.refresh_from_db()
    assert task.due_date == date(2023, 3, 5)
    assert (task.status, task.percent) == ("not_started", 0)
    assert (update.status, update.period_due_date) == ("done", date(2023, 2, 5))


def test_periodic_task_last_period_stays_done(plan, nobody):
    task = make_task(
        plan,
        "UBND-836",
        due=date(2023, 12, 5),
        recurrence="monthly",
        recurrence_until=date(2023, 12, 31),
    )
    services.task_update_create(
        task=task, user=nobody, agency=task.lead_agency, status="done", percent=100
    )
    task.refresh_from_db()
    assert (task.due_date, task.status) == (date(2023, 12, 5), "done")


def test_reminders_are_sent_once_a_day(plan, settings):
    settings.DEFAULT_FROM_EMAIL = "giamngheo@localhost"
    syt, sgddt = Agency.objects.get(code="SYT"), Agency.objects.get(code="SGDDT")
    syt.email, sgddt.email = "syt@bentre.gov.vn", "sgddt@bentre.gov.vn"
    syt.save()
    sgddt.save()
    today = date(2023, 6, 1)
    make_task(plan, "SYT", due=date(2023, 6, 5), title="Sắp đến hạn")
    make_task(plan, "SYT", due=date(2023, 5, 20), title="Đã quá hạn")
    make_task(plan, "SYT", due=date(2023, 7, 30), title="Còn xa")
    make_task(plan, "SGDDT", due=date(2023, 6, 20), title="Chưa trong 7 ngày")

    assert services.task_reminders_send(today=today) == 1
    assert services.task_reminders_send(today=today) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["syt@bentre.gov.vn"]
    assert "Sắp đến hạn" in message.body
    assert "Đã quá hạn" in message.body
    assert "Còn xa" not in message.body
    assert "05/06/2023" in message.body
    assert ReminderLog.objects.filter(agency=syt, date=today).count() == 1
    # The next day it reminds again.
    assert services.task_reminders_send(today=date(2023, 6, 2)) == 1


def test_reminder_task_runs_twice_and_sends_once(plan, syt_task):
    syt_task.lead_agency.email = "syt@bentre.gov.vn"
    syt_task.lead_agency.save()
    task_reminders_send_task.delay()
    task_reminders_send_task.delay()
    assert len(mail.outbox) == 1  # the 2023 task is overdue today


def test_done_tasks_get_no_reminder(plan, syt_task, agnes):
    syt_task.lead_agency.email = "syt@bentre.gov.vn"
    syt_task.lead_agency.save()
    services.task_update_create(task=syt_task, user=agnes, agency=None, status="done", percent=100)
    assert services.task_reminders_send(today=date(2023, 12, 20)) == 0


def test_manual_figure_create(plan, pat, private_media):
    target = Target.objects.get(plan=plan, code="CT06")
    figure = services.manual_figure_create(
        target=target,
        area=Area.objects.get(code="836"),
        year=2023,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 6, 30),
        value=Decimal("85.5"),
        agency=target.responsible_agency,
        user=pat,
        file=upload("danh-sach-tap-huan.pdf", PDF_BYTES),
    )
    assert figure.indicator_code == "manual"
    assert (private_media / figure.file_path).exists()
    assert list(ManualFigure.objects.all()) == [figure]


def test_manual_figure_refuses_computed_targets(plan, pat):
    with pytest.raises(ValidationError) as exc:
        services.manual_figure_create(
            target=Target.objects.get(plan=plan, code="CT04"),
            area=Area.objects.get(code="83"),
            year=2023,
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            value=Decimal(90),
            agency=Agency.objects.get(code="SYT"),
            user=pat,
        )
    assert "target" in exc.value.message_dict
    assert ManualFigure.objects.count() == 0


def test_task_status_counts(plan, syt_task, sgddt_task, agnes):
    services.task_update_create(task=syt_task, user=agnes, agency=None, status="done", percent=100)
    counts = selectors.task_status_counts(plan=plan, today=date(2023, 11, 1))
    assert counts == {
        "not_started": 1,
        "in_progress": 0,
        "done": 1,
        "blocked": 0,
        "overdue": 1,
        "total": 2,
    }


def test_reminder_goes_to_agency_staff_when_the_agency_has_no_address(plan, agnes):
    agnes.email = "agnes@example.invalid"
    agnes.save()
    Agency.objects.filter(code__in=["SYT", "STP"]).update(email="")
    make_task(plan, "SYT", due=date(2023, 6, 3))
    make_task(plan, "STP", due=date(2023, 6, 3))  # no address, no staff: nothing sent
    assert services.task_reminders_send(today=date(2023, 6, 1)) == 1
    assert mail.outbox[0].to == ["agnes@example.invalid"]
    assert not ReminderLog.objects.filter(agency__code="STP").exists()
