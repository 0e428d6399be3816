"""The hostile-workbook corpus against both imports (households HO, programmes HO_TRO).

Each file is refused with a clear Vietnamese message, nothing is written, and the process
that read it (this one: the suite runs Celery eagerly, in-process) still answers afterwards.
The real-worker case is in tests/faults/test_killed_workers.py.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse

from households.models import Household, HouseholdReview, ImportJob, Member
from households.workbook import reader
from households.workbook.reader import WorkbookError
from programs.models import SupportRecord
from tests.households.test_excel_support import build_workbook, household_row

from . import hostile_files

pytestmark = pytest.mark.django_db

# What the user reads for each file (a part of the message).
EXPECTED = {
    "sparse-range": "vùng dữ liệu quá lớn",
    "sparse-used-range": "vùng dữ liệu quá lớn",
    "zip-bomb": "nén bất thường",
    "entity-expansion": "khai báo DTD",
    "external-entity": "khai báo DTD",
    "million-rows": "vùng dữ liệu quá lớn",
    "renamed-pdf": "không phải là tệp Excel",
    "truncated": "bị hỏng",
}


@pytest.fixture(scope="module")
def household_corpus() -> dict[str, bytes]:
    return hostile_files.corpus("HO", build_workbook([household_row()]))


@pytest.fixture(scope="module")
def support_corpus() -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "HO_TRO"
    book.active.append(["Mã hộ", "CCCD", "Mã chương trình", "Ngày"])
    out = BytesIO()
    book.save(out)
    return hostile_files.corpus("HO_TRO", out.getvalue())


def _upload(data: bytes, name: str) -> BytesIO:
    handle = BytesIO(data)
    handle.name = f"{name}.xlsx"
    return handle


def _still_answering(client) -> None:
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("name", list(EXPECTED))
def test_household_import_refuses_hostile_file(
    client, alice, household_corpus, name, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("households:import"),
            {"file": _upload(household_corpus[name], name), "year": 2024},
        )
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    page = response.content.decode()
    assert EXPECTED[name] in page
    job = ImportJob.objects.filter(user=alice).first()
    if job is not None:  # refused by the upload form itself when no job was made
        assert job.status == ImportJob.Status.REFUSED
        assert EXPECTED[name] in job.errors[0]["message"]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    assert HouseholdReview.objects.count() == 0
    _still_answering(client)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_support_import_refuses_hostile_file(
    client, alice, support_corpus, name, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(alice)
    response = client.post(
        reverse("programs:import"), {"file": _upload(support_corpus[name], name)}
    )
    assert response.status_code == 200
    assert EXPECTED[name] in response.content.decode()
    assert SupportRecord.objects.count() == 0
    # Nothing is left for the confirm step to write.
    assert client.post(reverse("programs:import"), {"confirm": "1"}).status_code == 302
    assert SupportRecord.objects.count() == 0
    _still_answering(client)


def test_the_sparse_file_really_would_exhaust_memory_and_only_the_child_dies(tmp_path, settings):
    """Without the bounds check the reader asks for the 512 GiB: the child process meets its
    memory limit, the caller gets the user's message and goes on."""
    settings.WORKBOOK_READ_MEMORY_MB = 512
    path = tmp_path / "sparse.xlsx"
    path.write_bytes(hostile_files.sparse_range("HO"))
    with pytest.raises(WorkbookError, match="quá nhiều bộ nhớ"):
        reader.run_reader(reader._read_calamine, str(path), ("HO",), reader.MAX_ROWS)
    assert Household.objects.count() == 0


def test_a_reader_that_never_ends_is_stopped_in_time(settings):
    settings.WORKBOOK_READ_SECONDS = 1
    with pytest.raises(WorkbookError, match="quá 1 giây"):
        reader.run_reader(_spin)


def _spin() -> None:
    while True:
        pass


def test_a_workbook_within_bounds_is_still_read(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(build_workbook([household_row(), household_row(code="HB-0002")]))
    book = reader.read_workbook(path, ("HO",))
    assert [row[0] for _n, row in book.sheets["HO"].rows] == ["HB-0001", "HB-0002"]
