"""Excel upload of support records (sheet HO_TRO), read with python-calamine.

A compact stand-in for the review import machinery being written in households/excel/: read,
validate every row (sheet, row, column, message), and hand back plain rows to confirm.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from households.models import Household, Member
from households.rules import parse_vietnamese_integer

from .models import Programme
from .services import ImportRow, SupportInput, support_errors

SHEET = "HO_TRO"
COLUMNS = (
    "Mã hộ",
    "CCCD",
    "Mã chương trình",
    "Ngày",
    "Hiệu lực đến",
    "Số tiền",
    "Số lượng",
    "Ghi chú",
)
REQUIRED = ("Mã hộ", "Mã chương trình", "Ngày")
MAX_ROWS = 5000


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[CellError]

    def rows_as_dicts(self) -> list[dict]:
        return [asdict(r) for r in self.rows]


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(file) -> tuple[list[tuple[int, dict]], list[CellError]]:
    """The sheet's data rows as (row number, {column: value}), or the structural errors."""
    try:
        workbook = CalamineWorkbook.from_filelike(file)
    except Exception:  # calamine raises several types for a non-Excel file
        return [], [CellError("", 0, "", _("Tệp không phải là tệp Excel hợp lệ (.xlsx)."))]
    if SHEET not in workbook.sheet_names:
        return [], [CellError(SHEET, 0, "", _("Không tìm thấy trang tính “%s”.") % SHEET)]
    data = workbook.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    if not data:
        return [], [CellError(SHEET, 1, "", _("Trang tính trống."))]
    header = [_text(c) for c in data[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [CellError(SHEET, 1, c, _("Thiếu cột “%s”.") % c) for c in missing]
    if len(data) - 1 > MAX_ROWS:
        return [], [CellError(SHEET, 0, "", _("Tệp có quá %s dòng.") % MAX_ROWS)]
    rows = []
    for index, raw in enumerate(data[1:], start=2):
        values = dict(zip(header, raw, strict=False))
        if all(_text(values.get(c)) == "" for c in COLUMNS):
            continue
        rows.append((index, values))
    return rows, []


def import_preview(file, *, households: QuerySet[Household]) -> ImportPreview:
    """Validate every row against the user's households and the catalogue; write nothing."""
    raw_rows, errors = read_rows(file)
    if errors:
        return ImportPreview([], errors)
    codes = {_text(v.get("Mã hộ")) for _r, v in raw_rows}
    by_code = {h.code: h for h in households.filter(code__in=codes)}
    programmes = {p.code: p for p in Programme.objects.filter(active=True)}
    ids = {_text(v.get("CCCD")) for _r, v in raw_rows} - {""}
    members = {(m.household_id, m.citizen_id): m for m in Member.objects.filter(citizen_id__in=ids)}
    rows: list[ImportRow] = []
    seen: set[tuple] = set()
    for number, values in raw_rows:
        row_errors: list[CellError] = []

        def err(column: str, message: str, number: int = number, bucket=row_errors) -> None:
            bucket.append(CellError(SHEET, number, column, message))

        for column in REQUIRED:
            if _text(values.get(column)) == "":
                err(column, _("Bắt buộc nhập."))
        household = by_code.get(_text(values.get("Mã hộ")))
        if _text(values.get("Mã hộ")) and household is None:
            err("Mã hộ", _("Không tìm thấy hộ này trong địa bàn của bạn."))
        programme = programmes.get(_text(values.get("Mã chương trình")))
        if _text(values.get("Mã chương trình")) and programme is None:
            err("Mã chương trình", _("Không có chương trình mã này."))
        member = None
        citizen_id = _text(values.get("CCCD"))
        if citizen_id and household is not None:
            member = members.get((household.pk, citizen_id))
            if member is None:
                err("CCCD", _("Không có nhân khẩu mang số CCCD này trong hộ."))
        parsed: dict = {}
        for column, key in (("Ngày", "date"), ("Hiệu lực đến", "valid_until")):
            try:
                parsed[key] = _date(values.get(column))
            except ValueError:
                err(column, _("Ngày không hợp lệ (dd/mm/yyyy)."))
        amount = None
        if _text(values.get("Số tiền")):
            amount = parse_vietnamese_integer(values.get("Số tiền"))
            if amount is None:
                err("Số tiền", _("Số tiền không hợp lệ."))
        quantity = None
        if _text(values.get("Số lượng")):
            try:
                quantity = Decimal(_text(values.get("Số lượng")).replace(",", "."))
            except InvalidOperation:
                err("Số lượng", _("Số lượng không hợp lệ."))
        if not row_errors and household and programme and parsed.get("date"):
            data = SupportInput(
                programme=programme,
                member=member,
                date=parsed["date"],
                valid_until=parsed.get("valid_until"),
                amount=amount,
                quantity=quantity,
                note=_text(values.get("Ghi chú")),
            )
            column_of = {
                "amount": "Số tiền",
                "quantity": "Số lượng",
                "date": "Ngày",
                "valid_until": "Hiệu lực đến",
                "member": "CCCD",
                "programme": "Mã chương trình",
                "override_note": "Mã chương trình",
            }
            for name, messages in support_errors(household=household, data=data).items():
                for message in messages:
                    err(column_of.get(name, ""), message)
            key = (programme.pk, household.pk, member.pk if member else None, data.date)
            if key in seen:
                err("Mã hộ", _("Dòng trùng với một dòng trước trong tệp."))
            seen.add(key)
            if not row_errors:
                rows.append(
                    ImportRow(
                        row=number,
                        household_id=household.pk,
                        member_id=member.pk if member else None,
                        programme_id=programme.pk,
                        date=data.date.isoformat(),
                        valid_until=data.valid_until.isoformat() if data.valid_until else None,
                        amount=amount,
                        quantity=str(quantity) if quantity is not None else None,
                        note=data.note,
                    )
                )
        errors.extend(row_errors)
    return ImportPreview(rows, errors)
