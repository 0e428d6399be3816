"""Fixtures of the targets tests: the 2023 plan, tasks of Sở Y tế and Sở GD&ĐT, sample files."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from households.models import Agency
from targets.models import Plan, Task
from targets.reference_data import PLAN_CODE, plan_2023_load
from targets.services import task_create

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(db) -> Plan:
    plan_2023_load()
    return Plan.objects.get(code=PLAN_CODE)


def make_task(plan: Plan, agency_code: str, *, due=date(2023, 12, 15), title="", **kwargs) -> Task:
    return task_create(
        plan=plan,
        title=title or f"Nhiệm vụ của {agency_code}",
        lead_agency=Agency.objects.get(code=agency_code),
        due_date=due,
        **kwargs,
    )


@pytest.fixture
def syt_task(plan) -> Task:
    return make_task(
        plan, "SYT", title="Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo", due=date(2023, 12, 15)
    )


@pytest.fixture
def sgddt_task(plan) -> Task:
    return make_task(plan, "SGDDT", title="Miễn giảm học phí", due=date(2023, 10, 31))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A live-server test flushes the database when it ends; the rest of the session expects
    the reference data loaded once in tests/conftest.py, so load it again after the flush."""
    yield
    if item.get_closest_marker("browser") is None:
        return
    from pytest_django.plugin import blocking_manager_key

    from households.reference_data import reference_data_load

    with item.config.stash[blocking_manager_key].unblock():
        reference_data_load()
