"""Excel output (openpyxl): dashboard tables and the official result tables (Phụ lục VII)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FORMATS = {"int": "#,##0", "pct": "0.00", "pts": "0.00", "text": "@"}


def _as_of(snapshot) -> str:
    return timezone.localtime(snapshot.built_at).strftime("%d/%m/%Y %H:%M")


def _print_setup(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4


def _write_grid(ws: Worksheet, start: int, columns, rows, bold_rows=(), indents=None) -> int:
    for j, (label, _kind) in enumerate(columns, start=1):
        cell = ws.cell(row=start, column=j, value=str(label))
        cell.font, cell.alignment, cell.border = BOLD, CENTER, BOX
    r = start
    for i, row in enumerate(rows):
        r = start + 1 + i
        for j, ((_label, kind), value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=j, value=value)
            cell.border = BOX
            cell.number_format = FORMATS[kind]
            if i in bold_rows:
                cell.font = BOLD
            if indents and j == 2:  # the unit's name, indented by its level
                cell.alignment = Alignment(indent=2 * indents[i])
    for j, (_label, kind) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = 34 if kind == "text" else 13
    return r


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_workbook(table, *, area, snapshot) -> bytes:
    """A dashboard table as a workbook: title, area, as-of, then the grid."""
    wb = Workbook()
    ws = wb.active
    ws.title = table.key[:31]
    ws["A1"] = str(table.title)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"{area.name} – {_('năm')} {snapshot.year}"
    ws["A3"] = _("Số liệu tính đến %(time)s") % {"time": _as_of(snapshot)}
    _write_grid(ws, 5, table.columns, table.rows)
    _print_setup(ws, 5)
    return _save(wb)


def official_workbook(
    *, title: str, unit: str, area, snapshot, columns, rows, bold_rows, indents
) -> bytes:
    """An official result table: national heading, unit, title, period, grid, signatures."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Biểu")
    width = len(columns)
    left_end = max(2, width // 3)
    right_start = max(left_end + 1, width - max(3, width // 3) + 1)

    def merged(row: int, first: int, last: int, value: str, *, bold=False, italic=False, size=11):
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = ws.cell(row=row, column=first, value=value)
        cell.font = Font(bold=bold, italic=italic, size=size)
        cell.alignment = CENTER

    merged(1, 1, left_end, unit.upper(), bold=True)
    merged(1, right_start, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    merged(2, right_start, width, "Độc lập - Tự do - Hạnh phúc", bold=True)
    merged(4, 1, width, title.upper(), bold=True, size=13)
    merged(
        5,
        1,
        width,
        _("Địa bàn: %(area)s – Năm %(year)s") % {"area": area.name, "year": snapshot.year},
    )
    merged(
        6, 1, width,
        _("(Kết quả rà soát chính thức: phiếu đã được duyệt; số liệu tính đến %(time)s)")
        % {"time": _as_of(snapshot)}, italic=True,
    )  # fmt: skip
    ws.row_dimensions[8].height = 48
    last = _write_grid(ws, 8, columns, rows, bold_rows, indents)
    sign = last + 2
    merged(sign, right_start, width, _("........, ngày ..... tháng ..... năm ......."), italic=True)
    merged(sign + 1, 1, left_end, _("NGƯỜI LẬP BIỂU"), bold=True)
    merged(sign + 1, right_start, width, _("THỦ TRƯỞNG ĐƠN VỊ"), bold=True)
    merged(sign + 2, 1, left_end, _("(Ký, ghi rõ họ tên)"), italic=True)
    merged(sign + 2, right_start, width, _("(Ký tên, đóng dấu)"), italic=True)
    _print_setup(ws, 8)
    return _save(wb)
