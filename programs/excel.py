"""Excel upload of support records (sheet HO_TRO), through the households import layer.

households.workbook reads the file: refused by content (not xlsx, password-protected, corrupt, too
large), values read with calamine, blank rows dropped, formula cells and a merged header found;
its header matching takes the columns in any order, ignoring case, spacing and diacritics, and
its cell helpers read codes, CCCD numbers and Vietnamese numbers. Here: the rows' meaning
(programme, household in the user's area, member, dates, amounts, eligibility, duplicates).
Nothing is written; services.support_import writes all the rows or none.

Header matching (`ColumnMap`) and cell parsing (`cell_text`, `parse_citizen_id`) are those of
every import, from the workbook layer (households.workbook).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household, Member
from households.rules import parse_vietnamese_integer
from households.workbook import (
    Column,
    ColumnMap,
    Issue,
    WorkbookError,
    annotate_workbook,
    book_issues,
    cell_text,
    parse_citizen_id,
    private_path,
    read_workbook,
    store_private_file,
)

from . import selectors
from .models import Programme
from .services import ImportRow, SupportInput, support_errors

SHEET = "HO_TRO"
COLUMNS = (
    Column("household", "Mã hộ", "code"),
    Column("citizen_id", "CCCD", "code", required=False),
    Column("programme", "Mã chương trình", "code"),
    Column("date", "Ngày", "date"),
    Column("valid_until", "Hiệu lực đến", "date", required=False),
    Column("amount", "Số tiền", "integer", required=False),
    Column("quantity", "Số lượng", "text", required=False),
    Column("note", "Ghi chú", "text", required=False),
)
# Every column must be in the header (a misspelt "Số tiền" must not drop the amounts);
# the cells of the `required` ones must be filled.
HEADER_KEYS = frozenset(c.key for c in COLUMNS)
MAX_ROWS = 5000
UPLOAD_DIR = "programs-imports"
KEEP_UPLOAD = timedelta(days=1)
# Form field of services.support_errors -> the column its message belongs to.
COLUMN_OF_FIELD = {
    "amount": "amount",
    "quantity": "quantity",
    "date": "date",
    "valid_until": "valid_until",
    "member": "citizen_id",
    "programme": "programme",
    "override_note": "programme",
}


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[Issue]
    warnings: list[Issue] = field(default_factory=list)

    def rows_as_dicts(self) -> list[dict]:
        return [asdict(r) for r in self.rows]

    @property
    def cell_errors(self) -> bool:
        """Errors an annotated copy of the workbook can show (the file itself was readable)."""
        return any(e.row for e in self.errors)


def _date(value) -> date | None:
    """A date cell, or a date typed as text dd/mm/yyyy (also yyyy-mm-dd, dd-mm-yyyy)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError


def _general(message: str) -> Issue:
    return Issue(SHEET, None, "", None, message)


def import_preview(path: str | Path, *, households: QuerySet[Household]) -> ImportPreview:
    """Validate every row against the user's households and the catalogue; write nothing."""
    try:
        book = read_workbook(path, (SHEET,), max_rows=MAX_ROWS)
    except WorkbookError as exc:
        return ImportPreview([], [_general(str(exc))])
    sheet = book.sheets.get(SHEET)
    if sheet is None:
        return ImportPreview([], [_general(_("Không tìm thấy trang tính “%s”.") % SHEET)])
    errors: list[Issue] = book_issues(book)
    warnings: list[Issue] = []
    columns = ColumnMap(sheet, COLUMNS, HEADER_KEYS, errors, warnings)
    if not errors and len(sheet.rows) > MAX_ROWS:
        errors.append(_general(_("Tệp có quá %s dòng.") % MAX_ROWS))
    if errors:
        return ImportPreview([], errors, warnings)
    raw = [(n, {c.key: columns.get(v, c.key) for c in COLUMNS}) for n, v in sheet.rows]
    rows = _validate(raw, columns, errors, households=households)
    return ImportPreview(rows, errors, warnings)


def _validate(raw, columns: ColumnMap, errors: list[Issue], *, households) -> list[ImportRow]:
    codes = {cell_text(v["household"]) for _n, v in raw}
    by_code = {h.code: h for h in households.filter(code__in=codes)}
    programmes = {p.code: p for p in Programme.objects.filter(active=True)}
    ids = {parse_citizen_id(v["citizen_id"]) for _n, v in raw} - {""}
    members = {(m.household_id, m.citizen_id): m for m in Member.objects.filter(citizen_id__in=ids)}
    # Read once for the whole file, not twice per row.
    household_ids = [h.pk for h in by_code.values()]
    classifications = selectors.approved_classifications(household_ids)
    periods = selectors.support_periods(household_ids)
    rows: list[ImportRow] = []
    seen: set[tuple] = set()
    for number, values in raw:
        before = len(errors)

        def err(key: str, message: str, number: int = number) -> None:
            errors.append(columns.issue(SHEET, number, key, message))

        for column in COLUMNS:
            if column.required and cell_text(values[column.key]) == "":
                err(column.key, _("Bắt buộc nhập."))
        household = by_code.get(cell_text(values["household"]))
        if cell_text(values["household"]) and household is None:
            err("household", _("Không tìm thấy hộ này trong địa bàn của bạn."))
        programme = programmes.get(cell_text(values["programme"]))
        if cell_text(values["programme"]) and programme is None:
            err("programme", _("Không có chương trình mã này."))
        member = None
        citizen_id = parse_citizen_id(values["citizen_id"])
        if citizen_id and household is not None:
            member = members.get((household.pk, citizen_id))
            if member is None:
                err("citizen_id", _("Không có nhân khẩu mang số CCCD này trong hộ."))
        parsed: dict = {}
        for key in ("date", "valid_until"):
            try:
                parsed[key] = _date(values[key])
            except ValueError:
                err(key, _("Ngày không hợp lệ (dd/mm/yyyy)."))
        amount = None
        if cell_text(values["amount"]):
            amount = parse_vietnamese_integer(values["amount"])
            if amount is None:
                err("amount", _("Số tiền không hợp lệ."))
        quantity = None
        if cell_text(values["quantity"]):
            try:
                quantity = Decimal(cell_text(values["quantity"]).replace(",", "."))
            except InvalidOperation:
                err("quantity", _("Số lượng không hợp lệ."))
        if len(errors) > before or not (household and programme and parsed.get("date")):
            continue
        data = SupportInput(
            programme=programme,
            member=member,
            date=parsed["date"],
            valid_until=parsed.get("valid_until"),
            amount=amount,
            quantity=quantity,
            note=cell_text(values["note"]),
        )
        found = support_errors(
            household=household,
            data=data,
            classifications=classifications[household.pk],
            periods=periods,
        )
        for name, messages in found.items():
            for message in messages:
                err(COLUMN_OF_FIELD.get(name, "household"), message)
        key = (programme.pk, household.pk, member.pk if member else None, data.date)
        if key in seen:
            err("household", _("Dòng trùng với một dòng trước trong tệp."))
        seen.add(key)
        if len(errors) == before:
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
    return rows


# --- the uploaded file, kept for the annotated error workbook ---------------------------------


def upload_preview(upload, *, households: QuerySet[Household]) -> tuple[ImportPreview, str | None]:
    """Store the upload privately, validate it; the stored path is kept only when it has cell
    errors to annotate (for `annotated_errors`), else it is deleted at once."""
    _sweep()
    stored = store_private_file(upload, UPLOAD_DIR)
    path = private_path(stored)
    preview = import_preview(path, households=households)
    if preview.cell_errors:
        return preview, stored
    path.unlink(missing_ok=True)
    return preview, None


def _sweep() -> None:
    """Forget the workbooks kept for a download nobody asked for within KEEP_UPLOAD."""
    folder = private_path(UPLOAD_DIR)
    limit = (timezone.now() - KEEP_UPLOAD).timestamp()
    for old in folder.glob("*") if folder.is_dir() else ():
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def upload_discard(stored: str | None) -> None:
    if stored:
        private_path(stored).unlink(missing_ok=True)


def annotated_errors(stored: str, errors: list[dict]) -> BytesIO:
    """The uploaded workbook with the offending cells in red and a "Lỗi" column (households')."""
    path = private_path(stored)
    target = path.with_suffix(".loi.xlsx")
    try:
        annotate_workbook(path, target, errors)
        out = BytesIO(target.read_bytes())
    finally:
        target.unlink(missing_ok=True)
    return out
