"""Long household lists are exported by a background task; short ones download at once."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.excel import exports, services
from households.excel.tasks import export_files_prune_task
from households.models import ExportJob
from tests.conftest import login
from tests.households.test_excel_support import build_workbook, household_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_households(tmp_path, alice):
    path = tmp_path / "in.xlsx"
    rows = [household_row(f"HB-{i}", **{"Họ tên chủ hộ": f"Lê Văn {i}"}) for i in range(3)]
    build_workbook(rows, path=path)
    services.workbook_import(path=path, user=alice, year=2024)


@pytest.fixture
def long_lists(settings, tmp_path):
    settings.EXPORT_DIRECT_MAX_HOUSEHOLDS = 1
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_short_list_downloads_at_once(client, alice, three_households):
    response = login(client, alice).get(reverse("households:export") + "?year=2024")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(BytesIO(b"".join(response.streaming_content)))["HO"].max_row == 4


def test_a_long_list_is_prepared_in_the_background_with_its_filters(
    client, alice, three_households, long_lists, django_capture_on_commit_callbacks
):
    login(client, alice)
    page = client.get(reverse("households:export") + "?year=2024&q=le van")
    text = page.content.decode()
    assert page.status_code == 200
    assert "có 3 hộ" in text
    assert 'name="q" value="le van"' in text
    assert not ExportJob.objects.exists()  # a GET starts nothing

    with django_capture_on_commit_callbacks(execute=True):
        data = {"year": "2024", "q": "van 1", "csrfmiddlewaretoken": "not-kept"}
        response = client.post(reverse("households:export"), data)
    job = ExportJob.objects.get()
    assert job.params == "year=2024&q=van+1"
    assert response.url == reverse("households:export-job", args=[job.pk])
    assert (job.status, job.rows_total, job.rows_written) == ("done", 1, 1)
    assert client.get(reverse("households:export-status", args=[job.pk])).json() == {
        "status": "done",
        "rows_total": 1,
        "rows_validated": 1,
        "rows_written": 1,
    }
    job_page = client.get(reverse("households:export-job", args=[job.pk])).content.decode()
    assert "Tệp đã sẵn sàng: 1 hộ" in job_page
    download = client.get(reverse("households:export-download", args=[job.pk]))
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content)))["HO"]
    assert [sheet.max_row, sheet["A2"].value] == [2, "HB-1"]


def test_an_export_belongs_to_its_owner(
    client, alice, bob, three_households, long_lists, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, alice).post(reverse("households:export"), {"year": "2024"})
    job = ExportJob.objects.get()
    login(client, bob)
    for name in ("households:export-job", "households:export-status", "households:export-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_a_failed_export_says_so_and_leaves_no_file(
    client, alice, three_households, long_lists, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(path, *args, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(exports, "export_file_write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        login(client, alice).post(reverse("households:export"), {"year": "2024"})
    job = ExportJob.objects.get()
    assert job.status == "failed"
    assert "disk full" not in job.error  # the exception's text is in the log only
    assert not list((Path(exports.settings.MEDIA_ROOT) / "exports").iterdir())
    page = client.get(reverse("households:export-job", args=[job.pk])).content.decode()
    assert "Không tạo được tệp" in page
    assert "Có lỗi ngoài dự kiến" in page
    assert "disk full" not in page
    assert client.get(reverse("households:export-download", args=[job.pk])).status_code == 404


def test_old_export_files_are_removed(
    client, alice, three_households, long_lists, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, alice).post(reverse("households:export"), {"year": "2024"})
    job = ExportJob.objects.get()
    assert Path(job.file_path).exists()
    assert exports.export_files_prune() == 0
    ExportJob.objects.update(created_at=timezone.now() - timedelta(hours=49))
    assert export_files_prune_task.delay().get() == 1  # the nightly task (celery beat)
    assert not Path(job.file_path).exists()
    assert not ExportJob.objects.exists()
