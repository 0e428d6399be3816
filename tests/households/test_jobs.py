"""Jobs never stay "running" after their worker died: the failure signal and the beat sweep."""

from datetime import timedelta

import pytest
from billiard.exceptions import WorkerLostError
from celery.signals import task_failure
from django.urls import reverse
from django.utils import timezone

from households.excel.tasks import import_job_validate_task
from households.models import ExportJob, ImportJob
from households.tasks import jobs_stale_sweep_task
from reports.models import RebuildJob
from reports.tasks import snapshot_rebuild_task

pytestmark = pytest.mark.django_db
LOST = "Máy xử lý nền đã dừng đột ngột"
STALE = "không hoàn thành trong thời gian cho phép"


def _job(user, status, **fields):
    return ImportJob.objects.create(
        user=user, file_path="/nonexistent.xlsx", year=2024, status=status, **fields
    )


def test_a_job_whose_worker_was_lost_is_failed_and_its_user_told(client, alice):
    job = _job(alice, ImportJob.Status.VALIDATING, started_at=timezone.now())
    # What Celery's main process sends when the child running the task was killed.
    task_failure.send(
        sender=import_job_validate_task,
        task_id="x",
        exception=WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL)."),
        args=[job.pk],
        kwargs={},
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    client.force_login(alice)
    page = client.get(reverse("households:import-job", args=[job.pk])).content.decode()
    assert LOST in page
    assert "Ghi thất bại, không có thay đổi" in page


def test_a_rebuild_whose_worker_was_lost_is_failed(db):
    job = RebuildJob.objects.create(year=2024, status=RebuildJob.Status.RUNNING)
    task_failure.send(
        sender=snapshot_rebuild_task,
        task_id="x",
        exception=WorkerLostError("lost"),
        args=[2024],
        kwargs={"trigger": "manual", "job_id": job.pk},
    )
    job.refresh_from_db()
    assert (job.status, job.error.startswith(LOST)) == (RebuildJob.Status.FAILED, True)


def test_the_sweep_fails_jobs_running_too_long_and_leaves_the_others(alice, settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    old = timezone.now() - timedelta(seconds=700)
    stale = _job(alice, ImportJob.Status.IMPORTING, started_at=old)
    fresh = _job(alice, ImportJob.Status.VALIDATING, started_at=timezone.now())
    done = _job(alice, ImportJob.Status.DONE, started_at=old)
    export = ExportJob.objects.create(
        user=alice, year=2024, status=ExportJob.Status.EXPORTING, started_at=old
    )
    rebuild = RebuildJob.objects.create(year=2024, status="running", started_at=old)
    counts = jobs_stale_sweep_task.delay().get()
    assert counts == {"import": 1, "export": 1, "rebuild": 1, "papers": 0}
    stale.refresh_from_db()
    assert stale.status == ImportJob.Status.FAILED
    assert STALE in stale.errors[0]["message"]
    assert ImportJob.objects.get(pk=fresh.pk).status == ImportJob.Status.VALIDATING
    assert ImportJob.objects.get(pk=done.pk).status == ImportJob.Status.DONE
    assert ExportJob.objects.get(pk=export.pk).status == ExportJob.Status.FAILED
    assert RebuildJob.objects.get(pk=rebuild.pk).status == RebuildJob.Status.FAILED


def test_a_claimed_job_records_when_it_started(alice):
    job = _job(alice, ImportJob.Status.PENDING)
    import_job_validate_task.delay(job.pk)
    job.refresh_from_db()
    assert job.started_at is not None
    assert job.status == ImportJob.Status.REFUSED  # the file is missing: refused, not stuck


def test_each_job_kind_shows_its_failure_to_its_user(client, alice, pat, settings):
    """Import, export and rebuild: once failed (here by the sweep), the page says so."""
    settings.JOB_STALE_AFTER_SECONDS = 60
    old = timezone.now() - timedelta(hours=1)
    imported = _job(alice, ImportJob.Status.VALIDATING, started_at=old)
    exported = ExportJob.objects.create(
        user=alice, year=2024, status=ExportJob.Status.EXPORTING, started_at=old
    )
    RebuildJob.objects.create(year=2024, status="running", started_at=old)
    jobs_stale_sweep_task.delay()
    client.force_login(alice)
    page = client.get(reverse("households:import-job", args=[imported.pk])).content.decode()
    assert STALE in page
    page = client.get(reverse("households:export-job", args=[exported.pk])).content.decode()
    assert "Tạo tệp thất bại" in page
    assert "Không tạo được tệp" in page
    client.force_login(pat)
    page = client.get(reverse("reports:jobs")).content.decode()
    assert "Thất bại" in page
    assert STALE in page
    health = client.get(reverse("system-health")).content.decode()
    assert "Nhập Excel: 1" in health
    assert "Xuất Excel: 1" in health


def test_health_page_is_for_provincial_staff_only(client, alice, pat):
    client.force_login(alice)
    assert client.get(reverse("system-health")).status_code == 404
    client.force_login(pat)
    page = client.get(reverse("system-health")).content.decode()
    assert "Tình trạng hệ thống" in page


def test_the_relay_sends_what_waits_in_the_outbox(db, django_capture_on_commit_callbacks):
    """A row left pending (its dispatch failed when written) is sent by the beat relay."""
    from households.models import OutboxMessage
    from households.signals import review_data_changed
    from households.tasks import outbox_relay_task

    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    review_data_changed.connect(listener, dispatch_uid="test-relay-listener")
    try:
        OutboxMessage.objects.create(
            kind="signal",
            name="review_data_changed",
            payload={"kwargs": {"years": [2031], "area_paths": ["83/"]}},
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_relay_task.delay().get() == [1, 0]
    finally:
        review_data_changed.disconnect(dispatch_uid="test-relay-listener")
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    # The receivers got it as written (reports then skips a year with no review and no snapshot).
    assert [(r["years"], list(r["area_paths"])) for r in received] == [([2031], ["83/"])]
