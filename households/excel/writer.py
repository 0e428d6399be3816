"""Workbooks we write: the template, the streamed export, the annotated error workbook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from households.models import Classification
from households.workbook.writer import BOLD, neutralise

from .columns import (
    EXPORT_EXTRA_TITLES,
    HOUSEHOLD_CHOICE_LISTS,
    HOUSEHOLD_SHEET,
    INSTRUCTIONS_SHEET,
    MEMBER_CHOICE_LISTS,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    household_columns,
)

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
    "",
    "1. Trang HO: mỗi dòng một hộ; dòng 1 là tiêu đề, không sửa tên cột (có thể đổi thứ tự).",
    "2. Mã hộ: duy nhất trong tệp; nhập lại cùng mã hộ sẽ cập nhật hộ đó, không tạo hộ mới.",
    "3. Mã xã: mã thống kê của xã, phường, thị trấn (ví dụ 29173 là Xã An Đức).",
    "4. Thôn/ấp: tên ấp của xã; tên chưa có sẽ được tạo mới (không phân biệt hoa thường, dấu).",
    "5. Thu nhập: số đồng/người/tháng, có thể gõ 1.500.000 hoặc 1 500 000.",
    "6. CS01 đến CS12: để trống = tính theo thông tin hộ và nhân khẩu; 1 = thiếu hụt,"
    " 0 = không thiếu hụt chỉ khi cán bộ xác định. Ghi khác với thông tin thì bắt buộc ghi"
    " lý do ở cột “Lý do điều chỉnh CSxx”, nếu không tệp bị từ chối. Tên các chỉ số là của"
    " chuẩn nghèo áp dụng cho năm của mẫu (từ năm 2027: Nghị định 351/2025/NĐ-CP).",
    "   Thông tin nhà ở (số bộ phận không bền chắc, diện tích, nước, nhà tiêu, internet,"
    " phương tiện thông tin; từ năm 2027: xử lý rác thải, sử dụng dịch vụ số): để trống ="
    " chưa ghi nhận. Mẫu của mỗi năm chỉ có các thông tin mà chuẩn của năm đó dùng.",
    "   Thu nhập trên 50.000.000 đồng/người/tháng hoặc gấp hơn 10 lần năm trước: ghi 1 ở cột"
    " “Xác nhận thu nhập cao” nếu đúng.",
    "7. Người có công, Dân tộc thiểu số, Không có khả năng lao động, Nhu cầu vay vốn: 1 hoặc 0.",
    "8. Để trống cả thu nhập và 12 chỉ số nếu hộ chưa có phiếu rà soát năm nhập.",
    "9. Trang NHAN_KHAU (không bắt buộc): mỗi dòng một nhân khẩu, Mã hộ phải có ở trang HO.",
    "   Ngày sinh, hạn thẻ BHYT nhập ô kiểu ngày (dd/mm/yyyy), không gõ dạng văn bản.",
    "   Có thẻ BHYT, Khuyết tật, Trợ cấp xã hội hằng tháng, Trẻ suy dinh dưỡng: 1 hoặc 0;"
    " để trống = chưa ghi nhận (chỉ số liên quan là “chưa đủ thông tin”).",
    "   CCCD của chủ hộ ở trang NHAN_KHAU phải trùng CCCD chủ hộ ở trang HO.",
    "10. Không dùng công thức, không gộp ô ở dòng tiêu đề; chỉ nhập giá trị.",
    "11. Hệ thống kiểm tra toàn bộ tệp trước khi ghi: có lỗi thì không ghi dòng nào, và bạn tải",
    "    về tệp đã đánh dấu lỗi (ô tô đỏ, cột “Lỗi”) để sửa rồi nhập lại.",
    "12. Phiếu nhập vào ở trạng thái “Đang nhập”; xã kiểm tra rồi gửi huyện duyệt.",
)


# The template leaves out what only the export writes (computed statuses).
TEMPLATE_MEMBER_COLUMNS = tuple(c for c in MEMBER_COLUMNS if c.kind != "computed")


def template_build(path: str | Path, indicators=None) -> None:
    """The empty import workbook; `indicators`: those of the year's standard (titles)."""
    ho_columns = household_columns(indicators)
    book = Workbook()
    sheet = book.active
    sheet.title = HOUSEHOLD_SHEET
    _header(sheet, ho_columns)
    bits = DataValidation(type="list", formula1='"0,1"', allow_blank=True, showErrorMessage=True)
    bits.error = _("Chỉ nhập 1 hoặc 0.")
    sheet.add_data_validation(bits)
    for index, column in enumerate(ho_columns, start=1):
        if column.kind in ("indicator", "flag", "tri"):
            letter = get_column_letter(index)
            bits.add(f"{letter}2:{letter}50000")
    parts = DataValidation(
        type="whole", operator="between", formula1="0", formula2="3", allow_blank=True
    )
    parts.showErrorMessage = True
    parts.error = _("Chỉ nhập 0, 1, 2 hoặc 3.")
    sheet.add_data_validation(parts)
    col = get_column_letter(_position(ho_columns, "nondurable_parts"))
    parts.add(f"{col}2:{col}50000")
    members = book.create_sheet(MEMBER_SHEET)
    _header(members, TEMPLATE_MEMBER_COLUMNS)
    lists = book.create_sheet("DANH_MUC")
    card = DataValidation(type="list", formula1='"0,1"', allow_blank=True, showErrorMessage=True)
    card.error = bits.error
    members.add_data_validation(card)
    all_lists = [
        (key, choices, members, MEMBER_COLUMNS) for key, choices in MEMBER_CHOICE_LISTS.items()
    ] + [
        (key, choices, sheet, ho_columns)
        for key, choices in HOUSEHOLD_CHOICE_LISTS.items()
        if any(c.key == key for c in ho_columns)  # a fact the year's standard does not read
    ]
    for list_index, (key, choices, target, columns) in enumerate(all_lists, start=1):
        letter = get_column_letter(list_index)
        labels = [label for label in choices if label]
        # The header is the column's own title ("Quan hệ với chủ hộ"), as the officer sees it
        # in the HO / NHAN_KHAU sheet, not its internal key.
        title = columns[_position(columns, key) - 1].title
        lists.cell(row=1, column=list_index, value=title).font = BOLD
        lists.column_dimensions[letter].width = max(14, len(title) + 2)
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=list_index, value=label)
        dv = DataValidation(
            type="list",
            formula1=f"DANH_MUC!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            showErrorMessage=True,
        )
        dv.error = _("Chọn một giá trị trong danh sách.")
        target.add_data_validation(dv)
        col = get_column_letter(_position(columns, key))
        dv.add(f"{col}2:{col}50000")
    for column in MEMBER_COLUMNS:
        if column.kind == "tri":
            col = get_column_letter(_position(MEMBER_COLUMNS, column.key))
            card.add(f"{col}2:{col}50000")
    # Dates: shown dd/mm/yyyy, and Excel refuses text typed into the column.
    dates = DataValidation(
        type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True
    )
    dates.error = _("Nhập dạng ngày, ví dụ 15/03/1985.")
    members.add_data_validation(dates)
    for key in ("date_of_birth", "health_insurance_expiry"):
        letter = get_column_letter(_position(MEMBER_COLUMNS, key))
        members.column_dimensions[letter].number_format = NUMBER_FORMATS["date_of_birth"]
        dates.add(f"{letter}2:{letter}50000")
    guide = book.create_sheet(INSTRUCTIONS_SHEET, 0)
    for row, line in enumerate(INSTRUCTIONS, start=1):
        guide.cell(row=row, column=1, value=line).font = BOLD if row == 1 else Font()
    guide.column_dimensions["A"].width = 110
    book.active = 1
    book.save(path)


def _position(columns, key: str) -> int:
    return next(i for i, c in enumerate(columns, start=1) if c.key == key)


def _header(sheet, columns) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.font = BOLD
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def export_write(
    path: str | Path, rows: Iterable[list], members: Iterable[list] | None, indicators=None
) -> int:
    """Stream rows into a write-only workbook (memory stays flat). Returns the household count."""
    columns = household_columns(indicators)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(HOUSEHOLD_SHEET)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    titles = [c.title for c in columns] + list(EXPORT_EXTRA_TITLES)
    sheet.append([_bold(sheet, t) for t in titles])
    count = 0
    formatted = _formatted_columns(sheet, columns)
    for row in rows:
        sheet.append(formatted([neutralise(value) for value in row]))
        count += 1
    if members is not None:
        member_sheet = book.create_sheet(MEMBER_SHEET)
        member_sheet.append([_bold(member_sheet, c.title) for c in MEMBER_COLUMNS])
        formatted = _formatted_columns(member_sheet, MEMBER_COLUMNS)
        for row in members:
            member_sheet.append(formatted([neutralise(value) for value in row]))
    book.save(path)
    return count


# Shown the Vietnamese way by Excel in a Vietnamese locale: 15/03/1985 and 1.500.000.
NUMBER_FORMATS = {
    "date_of_birth": "DD/MM/YYYY",
    "health_insurance_expiry": "DD/MM/YYYY",
    "income": "#,##0",
}


def _formatted_columns(sheet, columns):
    """A function giving a row's date and amount cells their display format (write-only)."""
    positions = [
        (i, NUMBER_FORMATS[c.key]) for i, c in enumerate(columns) if c.key in NUMBER_FORMATS
    ]

    def formatted(values: list) -> list:
        for i, number_format in positions:
            if i < len(values) and values[i] is not None:
                cell = WriteOnlyCell(sheet, value=values[i])
                cell.number_format = number_format
                values[i] = cell
        return values

    return formatted


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = BOLD
    return cell


CLASSIFICATION_LABELS = {value: str(label) for value, label in Classification.choices}
