"""The readiness page (he-thong/tinh-trang/, issue 20): the last rebuild and its duration, the
media directory's disk space with its warning, and the jobs that failed in the last 24 hours."""

import shutil
from datetime import timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation

from households.models import ExportJob, ImportJob
from reports.models import RebuildJob
from reports.tasks import snapshot_rebuild_task

pytestmark = pytest.mark.django_db


def _health(client, user, language="vi"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("system-health"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_last_rebuild_shows_when_which_year_and_how_long(client, pat):
    assert "Chưa có lần tính lại nào hoàn thành." in _health(client, pat)
    snapshot_rebuild_task.delay(2024, RebuildJob.Trigger.MANUAL).get()
    RebuildJob.objects.create(year=2023, status=RebuildJob.Status.FAILED)  # not "done"
    job = RebuildJob.objects.get(status=RebuildJob.Status.DONE)
    page = _health(client, pat)
    text = page[page.index('id="last-rebuild"') :]
    assert "Năm 2024, xong lúc " + timezone.localtime(job.finished_at).strftime("%H:%M:%S") in text
    with translation.override("vi"):
        assert f"Thời gian: {intcomma(job.duration_ms)} ms." in text
    assert "Last rebuild" not in page
    en = _health(client, pat, "en")
    assert "Year 2024, finished at" in en


def test_the_media_disk_shows_free_and_total_and_warns_below_the_threshold(
    client, pat, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media-not-made-yet")
    settings.MEDIA_FREE_WARN_MB = 0
    usage = shutil.disk_usage(tmp_path)
    page = _health(client, pat)
    disk = page[page.index('id="media-disk"') :]
    assert 'data-low="0"' in disk
    assert "Đủ chỗ" in disk
    assert f"trên {filesizeformat(usage.total)}" in disk
    assert "media-not-made-yet" in disk
    assert "Dưới ngưỡng cảnh báo" not in disk
    settings.MEDIA_FREE_WARN_MB = usage.total // 1024**2 + 1  # more than the whole disk
    disk = _health(client, pat)
    disk = disk[disk.index('id="media-disk"') :]
    assert 'data-low="1"' in disk
    assert "Sắp hết chỗ" in disk
    assert "Dưới ngưỡng cảnh báo" in disk
    en = _health(client, pat, "en")
    assert "Running out of space" in en


def test_failed_jobs_of_every_kind_are_counted_over_the_last_24_hours(client, alice, pat):
    now = timezone.now()
    for age in (timedelta(hours=2), timedelta(hours=23), timedelta(days=3)):
        ImportJob.objects.filter(
            pk=ImportJob.objects.create(
                user=alice, file_path="/x.xlsx", year=2024, status=ImportJob.Status.FAILED
            ).pk
        ).update(created_at=now - age)
        ExportJob.objects.filter(
            pk=ExportJob.objects.create(user=alice, year=2024, status="failed").pk
        ).update(created_at=now - age)
        RebuildJob.objects.filter(
            pk=RebuildJob.objects.create(year=2024, status="failed").pk
        ).update(created_at=now - age)
    ImportJob.objects.create(user=alice, file_path="/y.xlsx", year=2024, status="done")
    RebuildJob.objects.create(year=2024, status="done")
    page = _health(client, pat)
    assert "Công việc thất bại trong 24 giờ qua" in page
    assert "Nhập Excel: 2" in page
    assert "Xuất Excel: 2" in page
    assert f'<a href="{reverse("reports:jobs")}">Tính lại số liệu</a>: 2' in page
    en = _health(client, pat, "en")
    assert "Failed jobs in the last 24 hours" in en
