"""What a user actually receives: the text of a page, an export or a download."""

from __future__ import annotations

import io
import zipfile

from django.core.signals import request_finished
from django.db import close_old_connections


def response_bytes(response) -> bytes:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
        # close() sends request_finished; its close_old_connections would drop the test
        # transaction's connection (autocommit is off inside it) on PostgreSQL.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        return data
    return response.content


def response_text(response) -> str:
    """The decoded body; for a zip container (xlsx, docx, ods, zip) every member's text."""
    data = response_bytes(response)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(info).decode("utf-8", "replace")
                for info in archive.infolist()
                if not info.is_dir()
            )
    # "replace" keeps every valid UTF-8 sequence, so a name inside a binary file still matches.
    return data.decode("utf-8", "replace")
