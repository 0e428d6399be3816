"""Workbook builders shared by the Excel tests (no tests here)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from households.excel.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

TITLES = [c.title for c in HOUSEHOLD_COLUMNS]
MEMBER_TITLES = [c.title for c in MEMBER_COLUMNS if c.kind != "computed"]


def household_row(code="HB-0001", commune="29173", **overrides) -> list:
    values = {
        "Mã hộ": code,
        "Mã xã": commune,
        "Thôn/ấp": "Ấp An Thạnh",
        "Họ tên chủ hộ": "Nguyễn Văn An",
        "CCCD chủ hộ": "",
        "Số nhân khẩu": 4,
        "Thu nhập bình quân (đồng/người/tháng)": 1_200_000,
        **{t: 0 for t in TITLES if t.startswith("CS")},
        "CS01 Việc làm": 1,
        "CS04 Bảo hiểm y tế": 1,
        "CS09 Nguồn nước sinh hoạt": 1,
        "Người có công": 0,
        "Dân tộc thiểu số": 0,
        "Không có khả năng lao động": 0,
        "Nhu cầu vay vốn": 1,
        "Xử lý rác thải sinh hoạt": None,
        "Sử dụng dịch vụ số": None,
    }
    values.update(overrides)
    return [values.get(t) for t in TITLES]


def build_workbook(rows, *, titles=None, members=None, path=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "HO"
    sheet.append(titles or TITLES)
    for row in rows:
        sheet.append(row)
    if members is not None:
        member_sheet = book.create_sheet("NHAN_KHAU")
        member_sheet.append(MEMBER_TITLES)
        for row in members:
            member_sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data
