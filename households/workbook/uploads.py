"""Private uploads (evidence files, attachments): checked by content, stored outside static.

The type is decided from the bytes (the `filetype` package), never from the name or the
browser's content type, so an executable renamed `.pdf` is refused. Files are stored under
settings.MEDIA_ROOT with a random name and served only through permission-checked views.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class UploadType:
    extension: str
    mime: str


PDF = UploadType("pdf", "application/pdf")
PNG = UploadType("png", "image/png")
JPEG = UploadType("jpg", "image/jpeg")
DOCX = UploadType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = UploadType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOC = UploadType("doc", "application/msword")
XLS = UploadType("xls", "application/vnd.ms-excel")

_SIMPLE = {"pdf": PDF, "png": PNG, "jpg": JPEG, "doc": DOC, "xls": XLS}
# filetype recognises OOXML by its first zip entries; Office sometimes writes them in another
# order, when it answers only "zip". Both are confirmed by opening the zip.
_ZIP_KINDS = {"zip", "docx", "xlsx"}
HEAD_BYTES = 8192


def _office_type(file) -> UploadType | None:
    """A zip-based Office document: it must hold [Content_Types].xml and a word/ or xl/ part."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def detect_upload_type(file) -> UploadType | None:
    """The accepted type of an uploaded file, from its content; None when not accepted."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.extension in _ZIP_KINDS:
        return _office_type(file)
    return _SIMPLE.get(kind.extension)


def validate_upload(file, *, max_bytes: int | None = None) -> str | None:
    """An error message (Vietnamese) for a file that may not be kept, or None when it is fine."""
    limit = max_bytes if max_bytes is not None else settings.PRIVATE_UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if not size:
        return _("Tệp rỗng, không có nội dung.")
    if size > limit:
        return _("Tệp quá lớn (%(size)s MB); tối đa %(limit)s MB.") % {
            "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
            "limit": f"{limit / 1024 / 1024:.0f}",
        }
    if detect_upload_type(file) is None:
        return _(
            "Loại tệp không được chấp nhận: chỉ nhận PDF, ảnh PNG/JPEG, Word, Excel "
            "(nội dung tệp được kiểm tra, không dựa vào tên tệp)."
        )
    return None


def private_path(relative: str) -> Path:
    """The absolute path of a stored private file; refuses paths that leave MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside MEDIA_ROOT")
    return path


def store_private_file(file, subdir: str) -> str:
    """Write a validated upload under MEDIA_ROOT/subdir with a random name; the relative path."""
    kind = detect_upload_type(file)
    extension = kind.extension if kind else "bin"
    relative = f"{subdir.strip('/')}/{uuid.uuid4().hex}.{extension}"
    path = private_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    file.seek(0)
    with path.open("wb") as handle:
        for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
            handle.write(chunk)
    return relative


def mime_of(relative: str) -> str:
    extension = relative.rsplit(".", 1)[-1].lower()
    for kind in (PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS):
        if kind.extension == extension:
            return kind.mime
    return "application/octet-stream"
