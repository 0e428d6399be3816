"""Issues found in a workbook (sheet, row, column, message), and those the reader reports."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .reader import Workbook


@dataclass(frozen=True, slots=True)
class Issue:
    sheet: str
    row: int | None
    column: str
    col: int | None
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "col": self.col,
            "message": self.message,
        }


def book_issues(book: Workbook) -> list[Issue]:
    """What the reader found and leaves to the caller: formula cells, merged header cells."""
    issues = [
        Issue(
            name,
            row,
            ref,
            col,
            _("Ô %(ref)s chứa công thức; hãy dán giá trị (Paste Special > Values).") % {"ref": ref},
        )
        for name, ref, row, col in book.formula_cells
    ]
    message = _("Dòng tiêu đề có ô gộp (merge); hãy bỏ gộp, mỗi cột một tiêu đề.")
    issues += [Issue(s.name, 1, "", None, message) for s in book.sheets.values() if s.header_merged]
    return issues
