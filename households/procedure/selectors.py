"""Reads of the review procedure's steps (meeting, posting, complaints, recognition)."""

from __future__ import annotations

from typing import Any

from households.models import Area


def recognition_for_paper(*, area: Area, year: int) -> dict[str, Any]:
    """The recognition decision of `area`'s periodic round of `year`, for printing."""
    return {}


def posting_for_paper(*, area: Area, year: int) -> tuple[Any, list[dict[str, Any]]]:
    """The recorded posting of `area` in `year` and the rows it posted (its snapshot)."""
    return None, []
