"""Every job kind that can fail shows its stored reason on its page, in the reader's language,
without the exception's text (issue 16: the export page showed a generic failure)."""

from datetime import timedelta
from pathlib import Path

import pytest
from billiard.exceptions import WorkerLostError
from celery.signals import task_failure
from django.urls import reverse
from django.utils import timezone

from households.excel.tasks import export_job_run_task, import_job_run_task
from households.models import ExportJob, ImportJob
from households.tasks import jobs_stale_sweep_task
from reports.models import RebuildJob
from reports.tasks import snapshot_rebuild_task

pytestmark = pytest.mark.django_db

LOST_VI = "Máy xử lý nền đã dừng đột ngột"
LOST_EN = "The background worker stopped suddenly"
STALE_VI = "không hoàn thành trong thời gian cho phép"
STALE_EN = "did not finish within the time allowed"
UNEXPECTED_VI = "Có lỗi ngoài dự kiến"
UNEXPECTED_EN = "An unexpected error"
# What an exception's text looks like; none of it may reach a page.
LEAKS = ("Traceback", "Errno", "Error:", "/proc")


def _page(client, user, url, language="vi"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _no_leak(page):
    assert not [leak for leak in LEAKS if leak in page]


def test_an_export_that_fails_shows_a_plain_reason_in_both_languages(
    client, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    # The exports folder points where nobody (not even root) can create a file.
    (Path(tmp_path) / "exports").symlink_to("/proc")
    job = ExportJob.objects.create(user=alice, year=2024, params="year=2024", rows_total=1)
    export_job_run_task.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    url = reverse("households:export-job", args=[job.pk])
    vi = _page(client, alice, url)
    assert "Không tạo được tệp." in vi
    assert UNEXPECTED_VI in vi
    _no_leak(vi)
    en = _page(client, alice, url, "en")
    assert "The file could not be made." in en
    assert UNEXPECTED_EN in en
    _no_leak(en)


def test_an_export_whose_worker_was_lost_says_so(client, alice):
    job = ExportJob.objects.create(
        user=alice, year=2024, status=ExportJob.Status.EXPORTING, started_at=timezone.now()
    )
    task_failure.send(
        sender=export_job_run_task, task_id="x", exception=WorkerLostError("SIGKILL"),
        args=[job.pk], kwargs={},
    )  # fmt: skip
    url = reverse("households:export-job", args=[job.pk])
    assert LOST_VI in _page(client, alice, url)
    assert LOST_EN in _page(client, alice, url, "en")


def test_an_import_that_failed_shows_its_reason_not_the_file_errors_text(client, alice):
    job = ImportJob.objects.create(
        user=alice, file_path="/nonexistent.xlsx", year=2024,
        status=ImportJob.Status.IMPORTING, started_at=timezone.now(),
    )  # fmt: skip
    task_failure.send(
        sender=import_job_run_task, task_id="x", exception=ValueError("Nguyễn Văn A 0912000111"),
        args=[job.pk], kwargs={},
    )  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    url = reverse("households:import-job", args=[job.pk])
    vi = _page(client, alice, url)
    assert "Không nhập được tệp; không có dữ liệu nào được ghi." in vi
    assert UNEXPECTED_VI in vi
    assert "Tệp có lỗi" not in vi  # the refused file's text is not the reason
    assert "0912000111" not in vi
    assert "Nguyễn Văn A" not in vi
    en = _page(client, alice, url, "en")
    assert UNEXPECTED_EN in en


def test_an_import_left_running_is_failed_by_the_sweep_with_its_reason(client, alice, settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    job = ImportJob.objects.create(
        user=alice, file_path="/nonexistent.xlsx", year=2024,
        status=ImportJob.Status.VALIDATING, started_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    jobs_stale_sweep_task.delay().get()
    url = reverse("households:import-job", args=[job.pk])
    assert STALE_VI in _page(client, alice, url)
    assert STALE_EN in _page(client, alice, url, "en")


def test_a_failed_rebuild_shows_its_reason_on_the_jobs_page(client, pat, settings):
    settings.JOB_STALE_AFTER_SECONDS = 600
    stale = RebuildJob.objects.create(
        year=2023, status=RebuildJob.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    lost = RebuildJob.objects.create(year=2024, status=RebuildJob.Status.RUNNING)
    jobs_stale_sweep_task.delay().get()
    task_failure.send(
        sender=snapshot_rebuild_task, task_id="x", exception=KeyError("083190000111"),
        args=[2024], kwargs={"trigger": "manual", "job_id": lost.pk},
    )  # fmt: skip
    assert RebuildJob.objects.get(pk=stale.pk).status == RebuildJob.Status.FAILED
    assert RebuildJob.objects.get(pk=lost.pk).status == RebuildJob.Status.FAILED
    url = reverse("reports:jobs")
    vi = _page(client, pat, url)
    assert STALE_VI in vi
    assert UNEXPECTED_VI in vi
    assert "083190000111" not in vi
    assert "KeyError" not in vi
    en = _page(client, pat, url, "en")
    assert STALE_EN in en
    assert UNEXPECTED_EN in en
