"""What every workbook we write shares: formula-injection neutralising, and the copy of an
uploaded workbook annotated with its errors (each offending cell red, a comment, a "Lỗi" column)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

BOLD = Font(bold=True)
ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """OWASP CSV/formula injection: a text starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def annotate_errors(source: str | Path, target: str | Path, errors: list[dict]) -> None:
    """A copy of the workbook with each offending cell in red, a comment, and a "Lỗi" column."""
    book = load_workbook(source)
    by_sheet: dict[str, dict[int, list[dict]]] = {}
    for error in errors:
        if error.get("row"):
            by_sheet.setdefault(error["sheet"], {}).setdefault(error["row"], []).append(error)
    for name, rows in by_sheet.items():
        sheet = next((book[s] for s in book.sheetnames if s.strip().upper() == name), None)
        if sheet is None:
            continue
        note_col = sheet.max_column + 1
        sheet.cell(row=1, column=note_col, value=_("Lỗi")).font = Font(bold=True, color="B00020")
        sheet.column_dimensions[get_column_letter(note_col)].width = 60
        for row, items in rows.items():
            messages = []
            for item in items:
                messages.append(
                    f"{item['column']}: {item['message']}" if item["column"] else item["message"]
                )
                if item.get("col"):
                    cell = sheet.cell(row=row, column=item["col"])
                    cell.fill = ERROR_FILL
                    cell.comment = Comment(item["message"], "Hệ thống")
            sheet.cell(row=row, column=note_col, value="; ".join(messages))
    general = [e for e in errors if not e.get("row")]
    if general:
        notes = book.create_sheet("LOI_CHUNG", 0)
        notes.cell(row=1, column=1, value=_("Lỗi chung của tệp")).font = BOLD
        for row, error in enumerate(general, start=2):
            notes.cell(row=row, column=1, value=error["message"])
        notes.column_dimensions["A"].width = 100
    book.save(target)
