"""Columns of a workbook sheet and header matching: titles matched ignoring case, spacing and
diacritics, in any order (every app's import describes its sheet with `Column`s)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from households.rules import normalize_text

from .issues import Issue
from .reader import Sheet


@lru_cache(maxsize=65536)
def _normalize_word(word: str) -> str:
    return normalize_text(word)


def normalize(text: str) -> str:
    """normalize_text, cheaper over 20,000 rows: ASCII text directly, other text word by
    word through a cache (names share few words). Same result (tests compare the two)."""
    if text.isascii():
        return " ".join(text.lower().split())
    words = (w.lower() if w.isascii() else _normalize_word(w) for w in text.split())
    return " ".join(word for word in words if word)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # text | code | integer | flag | indicator | date | choice
    required: bool = True
    width: int = 14

    @property
    def normalized(self) -> str:
        return normalize_text(self.title)


class ColumnMap:
    """Header matching: title -> column, ignoring case, spacing and diacritics."""

    def __init__(self, sheet: Sheet, columns, required, errors, warnings):
        self.index: dict[str, int] = {}
        self.titles = {c.key: c.title for c in columns}
        by_title = {c.normalized: c for c in columns}
        # A tick column is also found by its code ("CS11 ..."): each standard names its own.
        by_code = {c.normalized.split()[0]: c for c in columns if c.kind == "indicator"}
        for position, title in enumerate(sheet.header):
            if not title:
                continue
            normalized = normalize(title)
            column = by_title.get(normalized)
            if column is None and normalized:
                column = by_code.get(normalized.split()[0])
            if column is None:
                warnings.append(
                    Issue(
                        sheet.name,
                        1,
                        title,
                        position + 1,
                        _("Cột “%(title)s” không có trong mẫu, được bỏ qua.") % {"title": title},
                    )
                )
            elif column.key in self.index:
                errors.append(Issue(sheet.name, 1, title, position + 1, _("Cột này bị lặp lại.")))
            else:
                self.index[column.key] = position
        self.missing = [c for c in columns if c.key in required and c.key not in self.index]
        for column in self.missing:
            errors.append(
                Issue(
                    sheet.name,
                    1,
                    column.title,
                    None,
                    _("Thiếu cột bắt buộc “%(title)s” ở dòng tiêu đề.") % {"title": column.title},
                )
            )

    def get(self, values: list, key: str):
        position = self.index.get(key)
        return values[position] if position is not None else None

    def issue(self, sheet: str, row: int, key: str, message: str) -> Issue:
        position = self.index.get(key)
        return Issue(
            sheet, row, self.titles[key], None if position is None else position + 1, message
        )
