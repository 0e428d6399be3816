"""Validation of a workbook's rows and the plan of what an import would change.

Pure: plain rows and a plain context in, a plan (rows to create / update / leave, the errors
with sheet, row and column, the warnings) out. The database is read by the service, which
builds the context; the rules are those of the web form (households.rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.models.reviews import COLUMN_FIELDS, INDICATOR_FIELDS
from households.workbook import (
    ColumnMap,
    Issue,
    Sheet,
    Workbook,
    book_issues,
    cell_text,
    normalize,
    parse_citizen_id,
)

from .columns import (
    FACT_KEYS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    REASON_KEYS,
    REQUIRED_HOUSEHOLD_KEYS,
    REQUIRED_MEMBER_KEYS,
    choice_lookup,
)

FLAG_KEYS = ("is_meritorious", "is_ethnic_minority", "no_labour_capacity", "wants_loan")
HOUSEHOLD_FIELDS = (
    "commune_id",
    "hamlet_id",
    "head_name",
    "head_citizen_id",
    "declared_size",
    *FLAG_KEYS,
    "phone",
)
REVIEW_FIELDS = (
    "standard_id",
    "standard_revision",
    "poverty_line",
    "is_urban",
    "income_per_capita",
    *FACT_KEYS,
    *COLUMN_FIELDS,
    "sources",
    "reasons",
    "overrides",
    "income_confirmed",
    "deprivation_count",
    "classification",
    "member_count",
)
MEMBER_FIELDS = (
    "sex",
    "relationship",
    "citizen_id",
    "has_health_insurance",
    "school_level",
    "education",
    "work_status",
    "health_insurance_expiry",
    "has_disability",
    "receives_social_allowance",
    "is_malnourished",
)
MEMBER_INDEX = {name: i for i, name in enumerate(MEMBER_FIELDS)}
LOCKED_STATUSES = frozenset({"submitted", "approved"})


# --- parsed rows ------------------------------------------------------------------------------


@dataclass(slots=True)
class MemberRow:
    row: int
    code: str
    full_name: str
    date_of_birth: date
    # MEMBER_FIELDS in order: a tuple, not a dict (a quarter of the memory over 80,000 rows).
    values: tuple

    def get(self, name: str):
        return self.values[MEMBER_INDEX[name]]

    def as_dict(self) -> dict:
        return dict(zip(MEMBER_FIELDS, self.values, strict=True))


@dataclass(slots=True)
class HouseholdRow:
    row: int
    code: str
    commune_code: str
    hamlet_name: str
    head_name: str
    head_citizen_id: str
    declared_size: int
    flags: dict[str, bool]
    income: int | None  # None with ticks None: no review of the year in this row
    # The standard's indicators 1..12 in order: True/False as ticked, None = blank (from the
    # facts). Tick N is the standard's N-th indicator (Context.indicators).
    ticks: tuple[bool | None, ...] | None
    members: list[MemberRow] = field(default_factory=list)
    phone: str = ""
    facts: dict = field(default_factory=dict)  # FACT_KEYS -> value (None = not recorded)
    income_confirmed: bool = False
    reasons: dict[int, str] = field(default_factory=dict)  # override reasons by indicator


@dataclass
class Parsed:
    households: list[HouseholdRow]
    errors: list[Issue]
    warnings: list[Issue]
    rows_total: int
    # (row, commune code) of rows with other errors: the commune is checked too (one pass).
    commune_checks: list[tuple[int, str]] = field(default_factory=list)
    # Optional columns the sheets lack: their values are kept as stored, not blanked.
    absent: frozenset[str] = frozenset()
    member_absent: frozenset[str] = frozenset()
    positions: dict[str, int] = field(default_factory=dict)  # HO column key -> 1-based


def _code(value) -> str:
    return cell_text(value).upper() if not isinstance(value, str) else value.strip()


def _bit(value) -> bool | None:
    """1/0 cell (number or text) -> True/False; None when it is anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_workbook(
    book: Workbook, progress: Callable[[int], None] | None = None, *, on: date | None = None
) -> Parsed:
    """Parse both sheets; `on` (the review's reference date) bounds the birth dates."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    sheet = book.sheets.get(HOUSEHOLD_SHEET)
    if sheet is None:
        errors.append(
            Issue(HOUSEHOLD_SHEET, None, "", None, _("Không tìm thấy trang “HO” trong tệp."))
        )
        return Parsed([], errors, warnings, 0)
    errors.extend(book_issues(book))
    columns = ColumnMap(sheet, HOUSEHOLD_COLUMNS, REQUIRED_HOUSEHOLD_KEYS, errors, warnings)
    members_sheet = book.sheets.get(MEMBER_SHEET)
    rows_total = len(sheet.rows) + (len(members_sheet.rows) if members_sheet else 0)
    if errors:
        return Parsed([], errors, warnings, rows_total)
    households: list[HouseholdRow] = []
    seen: dict[str, int] = {}
    checks: list[tuple[int, str]] = []
    pick = _picker(columns, HOUSEHOLD_KEYS)
    for i, (number, values) in enumerate(sheet.rows, start=1):
        cells = pick(values)
        parsed = _household_row(number, cells, columns, errors, seen)
        if parsed is not None:
            households.append(parsed)
        elif commune := _code(cells[1]):
            checks.append((number, commune))
        if progress and i % 1000 == 0:
            progress(i)
    member_absent: frozenset[str] = frozenset()
    if members_sheet is not None:
        member_absent = _attach_members(
            members_sheet, households, errors, warnings, on or timezone.localdate()
        )
    return Parsed(
        households,
        errors,
        warnings,
        rows_total,
        commune_checks=checks,
        absent=frozenset(k for k in HOUSEHOLD_KEYS if k not in columns.index),
        member_absent=member_absent,
        positions={k: p + 1 for k, p in columns.index.items()},
    )


_BITS = {0: False, 1: True, "0": False, "1": True}


def _fast_bit(value) -> bool | None:
    """_bit with the common cells (0, 1, 0.0, 1.0, "0", "1", booleans) answered by one lookup."""
    bit = _BITS.get(value)
    return _bit(value) if bit is None else bit


HOUSEHOLD_KEYS = (
    "code",
    "commune",
    "hamlet",
    "head_name",
    "head_citizen_id",
    "declared_size",
    "income",
    *INDICATOR_FIELDS,
    *FLAG_KEYS,
    "phone",
    *FACT_KEYS,
    "income_confirmed",
    *REASON_KEYS,
)
_TAIL = len(FLAG_KEYS) + 19  # where the columns added by issue 13 start in HOUSEHOLD_KEYS


def _picker(columns: ColumnMap, keys: tuple[str, ...]) -> Callable[[list], tuple]:
    """A function: a row's values -> the cells of `keys` in that order (None where the sheet
    has no such column); one C-level itemgetter when every column is present."""
    positions = [columns.index.get(key) for key in keys]
    if None not in positions:
        return itemgetter(*positions)

    def pick(values: list) -> tuple:
        return tuple(None if p is None else values[p] for p in positions)

    return pick


def _household_row(number, cells: tuple, columns: ColumnMap, errors, seen) -> HouseholdRow | None:
    sheet = HOUSEHOLD_SHEET
    before = len(errors)
    raw_code, raw_commune, raw_hamlet, raw_name, raw_cid, raw_size, raw_income = cells[:7]
    raw_ticks = cells[7:19]
    raw_flags = cells[19:_TAIL]
    raw_phone, *raw_facts = cells[_TAIL : _TAIL + 1 + len(FACT_KEYS)]
    raw_confirmed = cells[_TAIL + 1 + len(FACT_KEYS)]
    raw_reasons = cells[_TAIL + 2 + len(FACT_KEYS) :]

    def error(key: str, message: str) -> None:
        errors.append(columns.issue(sheet, number, key, message))

    code = _code(raw_code)
    if not code:
        error("code", _("Thiếu mã hộ."))
    elif len(code) > 32:
        error("code", _("Mã hộ dài quá 32 ký tự."))
    elif code in seen:
        error(
            "code", _("Mã hộ %(code)s trùng với dòng %(row)s.") % {"code": code, "row": seen[code]}
        )
    else:
        seen[code] = number
    commune = _code(raw_commune)
    if not commune:
        error("commune", _("Thiếu mã xã."))
    head_name = cell_text(raw_name)
    if not head_name:
        error("head_name", _("Thiếu họ tên chủ hộ."))
    elif len(head_name) > 120:
        error("head_name", _("Họ tên dài quá 120 ký tự."))
    citizen_id = "" if raw_cid is None or raw_cid == "" else parse_citizen_id(raw_cid)
    if citizen_id and (problem := rules.citizen_id_error(citizen_id)):
        error("head_citizen_id", problem)
    size = rules.parse_vietnamese_integer(raw_size)
    if size is None or not 1 <= size <= 99:
        error("declared_size", _("Số nhân khẩu phải là số nguyên từ 1 đến 99."))
    flags = {}
    for key, raw in zip(FLAG_KEYS, raw_flags, strict=True):
        bit = False if raw is None or raw == "" else _fast_bit(raw)
        if bit is None:
            if _blank(raw):
                bit = False
            else:
                error(
                    key,
                    _("Giá trị phải là 1 (có) hoặc 0 (không), không phải “%(v)s”.")
                    % {"v": cell_text(raw)},
                )
        flags[key] = bool(bit)
    phone = rules.normalize_phone(cell_text(raw_phone))
    if phone and (problem := rules.phone_error(phone)):
        error("phone", problem)
    facts = _household_facts(raw_facts, error)
    confirmed = _fast_bit(raw_confirmed) if not _blank(raw_confirmed) else False
    if confirmed is None:
        error("income_confirmed", _("Giá trị phải là 1 (có) hoặc 0 (không)."))
    reasons = {
        n: cell_text(raw)[:500]
        for n, raw in enumerate(raw_reasons, start=1)
        if not _blank(raw) and cell_text(raw)
    }
    income: int | None = None
    ticks: tuple[bool | None, ...] | None = None
    if not (_blank(raw_income) and all(_blank(v) for v in raw_ticks)):
        income = rules.parse_vietnamese_integer(raw_income)
        if income is None or income < 0:
            error(
                "income",
                _("Thu nhập phải là số đồng không âm (ví dụ 1.500.000), không phải “%(v)s”.")
                % {"v": cell_text(raw_income)},
            )
        # A blank tick is "from the facts"; only 1 or 0 is a person's choice.
        bits = [None if _blank(raw) else _fast_bit(raw) for raw in raw_ticks]
        if None in bits:
            for key, raw, bit in zip(INDICATOR_FIELDS, raw_ticks, bits, strict=True):
                if bit is None and not _blank(raw):
                    error(
                        key,
                        _(
                            "Chỉ số phải là 1 (thiếu hụt) hoặc 0 (không thiếu hụt), "
                            "không phải “%(v)s”."
                        )
                        % {"v": cell_text(raw)},
                    )
        ticks = tuple(bits)
    if len(errors) > before:
        return None
    return HouseholdRow(
        row=number,
        code=code,
        commune_code=commune,
        hamlet_name=cell_text(raw_hamlet)[:200],
        head_name=head_name,
        head_citizen_id=citizen_id,
        declared_size=size,
        flags=flags,
        income=income,
        ticks=ticks,
        phone=phone,
        facts=facts,
        income_confirmed=bool(confirmed),
        reasons=reasons,
    )


def _household_facts(raw_facts: list, error) -> dict:
    """The dwelling and information facts of a row (None where blank: not recorded)."""
    (
        raw_parts,
        raw_area,
        raw_water,
        raw_latrine,
        raw_internet,
        raw_device,
        raw_waste,
        raw_digital,
    ) = raw_facts
    facts: dict = dict.fromkeys(FACT_KEYS)
    if not _blank(raw_parts):
        parts = rules.parse_vietnamese_integer(raw_parts)
        if parts is None or not 0 <= parts <= 3:
            error("nondurable_parts", _("Số bộ phận nhà không bền chắc phải là 0, 1, 2 hoặc 3."))
        facts["nondurable_parts"] = parts
    if not _blank(raw_area):
        try:
            area = Decimal(str(raw_area).replace(",", ".")).quantize(Decimal("0.1"))
        except InvalidOperation:
            area = None
        if area is None or not 0 <= area < 100000:
            error("floor_area_m2", _("Diện tích ở phải là số m², ví dụ 35,5."))
        facts["floor_area_m2"] = area
    for key, raw in (
        ("water_source", raw_water),
        ("latrine", raw_latrine),
        ("waste_treatment", raw_waste),
    ):
        text = cell_text(raw)
        if text:
            value = _household_lookup(key).get(normalize(text))
            if value is None:
                error(key, _("“%(v)s” không có trong danh sách cho phép.") % {"v": text})
            facts[key] = value or ""
        else:
            facts[key] = ""
    for key, raw in (
        ("uses_internet", raw_internet),
        ("has_information_device", raw_device),
        ("uses_digital_services", raw_digital),
    ):
        if not _blank(raw):
            bit = _fast_bit(raw)
            if bit is None:
                error(key, _("Giá trị phải là 1 (có) hoặc 0 (không)."))
            facts[key] = bit
    return facts


@lru_cache(maxsize=4)
def _household_lookup(key: str) -> dict[str, str]:
    """Normalised label -> stored value; the stored codes themselves are accepted too."""
    lookup = choice_lookup(key)
    return {**{value: value for value in lookup.values()}, **lookup}


MEMBER_KEYS = tuple(c.key for c in MEMBER_COLUMNS)


TRI_MEMBER_KEYS = (
    "has_health_insurance",
    "has_disability",
    "receives_social_allowance",
    "is_malnourished",
)


def _date_cell(raw) -> tuple[date | None, bool]:
    """(date, ok): a date cell; blank gives (None, True), text (None, False)."""
    if isinstance(raw, datetime):
        return raw.date(), True
    if isinstance(raw, date):
        return raw, True
    return None, _blank(raw)


def _attach_members(
    sheet: Sheet, households: list[HouseholdRow], errors, warnings, on: date
) -> frozenset[str]:
    columns = ColumnMap(sheet, MEMBER_COLUMNS, REQUIRED_MEMBER_KEYS, errors, warnings)
    absent = frozenset(c.key for c in MEMBER_COLUMNS if c.key not in columns.index)
    if columns.missing:
        return absent
    by_code = {h.code: h for h in households}
    lookups = {
        key: choice_lookup(key)
        for key in ("sex", "relationship", "school_level", "education", "work_status")
    }
    # Typed choice -> stored value ("" when not in the list), per column: 80,000 rows repeat
    # a handful of labels, each normalised once.
    typed: dict[str, dict[str, str]] = {key: {} for key in lookups}
    pick = _picker(columns, MEMBER_KEYS)
    seen_ids: dict[str, int] = {}
    for number, values in sheet.rows:
        before = len(errors)
        cells = dict(zip(MEMBER_KEYS, pick(values), strict=True))

        def error(key: str, message: str, number=number) -> None:
            errors.append(columns.issue(MEMBER_SHEET, number, key, message))

        code = _code(cells["code"])
        if not code:
            error("code", _("Thiếu mã hộ."))
        name = cell_text(cells["full_name"])
        if not name:
            error("full_name", _("Thiếu họ tên."))
        raw_dob = cells["date_of_birth"]
        dob = None
        if isinstance(raw_dob, datetime):
            dob = raw_dob.date()
        elif isinstance(raw_dob, date):
            dob = raw_dob
        elif _blank(raw_dob):
            error("date_of_birth", _("Thiếu ngày sinh."))
        else:
            error(
                "date_of_birth",
                _(
                    "Ngày sinh “%(v)s” được gõ dạng văn bản; hãy định dạng ô là ngày (Date) "
                    "và nhập lại, ví dụ 15/03/1985."
                )
                % {"v": cell_text(raw_dob)},
            )
        if dob is not None and (problem := rules.birth_date_error(dob, on)):
            error("date_of_birth", problem)
        chosen = {}
        for key, lookup in lookups.items():
            raw = cell_text(cells[key])
            if not raw:
                if key in REQUIRED_MEMBER_KEYS:
                    error(key, _("Thiếu giá trị; hãy chọn trong danh sách."))
                # Blank = not recorded (unknown), never "none" or "not in the labour force".
                chosen[key] = None
                continue
            known = typed[key]
            value = known.get(raw)
            if value is None and raw not in known:
                value = known[raw] = lookup.get(normalize(raw))
            if value is None:
                error(key, _("“%(v)s” không có trong danh sách cho phép.") % {"v": raw})
            chosen[key] = value or ""
        citizen_id = parse_citizen_id(cells["citizen_id"])
        if citizen_id:
            problem = rules.citizen_id_error(
                citizen_id,
                date_of_birth=dob,
                is_female=chosen.get("sex") == "F" if chosen.get("sex") else None,
            )
            if problem:
                error("citizen_id", problem)
            elif citizen_id in seen_ids:
                error(
                    "citizen_id",
                    _("Số CCCD trùng với dòng %(row)s.") % {"row": seen_ids[citizen_id]},
                )
            else:
                seen_ids[citizen_id] = number
        tri = {}
        for key in TRI_MEMBER_KEYS:
            raw = cells[key]
            tri[key] = None if _blank(raw) else _bit(raw)
            if tri[key] is None and not _blank(raw):
                error(key, _("Giá trị phải là 1 (có) hoặc 0 (không), để trống nếu chưa ghi nhận."))
        expiry, ok = _date_cell(cells["health_insurance_expiry"])
        if not ok:
            error(
                "health_insurance_expiry",
                _("Hạn thẻ “%(v)s” được gõ dạng văn bản; hãy nhập ô kiểu ngày, ví dụ 31/12/2026.")
                % {"v": cell_text(cells["health_insurance_expiry"])},
            )
        household = by_code.get(code)
        if code and household is None:
            error(
                "code",
                _("Mã hộ %(code)s không có trong trang HO (hoặc dòng đó có lỗi).") % {"code": code},
            )
        elif (
            household is not None
            and chosen.get("relationship") == "head"
            and citizen_id
            and household.head_citizen_id
            and citizen_id != household.head_citizen_id
        ):
            error(
                "citizen_id",
                _(
                    "CCCD của chủ hộ (%(member)s) khác CCCD chủ hộ ở trang HO dòng %(row)s "
                    "(%(head)s)."
                )
                % {"member": citizen_id, "row": household.row, "head": household.head_citizen_id},
            )
        if len(errors) > before:
            continue
        household.members.append(
            MemberRow(
                row=number,
                code=code,
                full_name=name[:120],
                date_of_birth=dob,
                values=(
                    chosen["sex"],
                    chosen["relationship"],
                    citizen_id,
                    tri["has_health_insurance"],
                    chosen["school_level"],
                    chosen["education"],
                    chosen["work_status"],
                    expiry,
                    tri["has_disability"],
                    tri["receives_social_allowance"],
                    tri["is_malnourished"],
                ),
            )
        )
    return absent


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommuneRef:
    id: int
    code: str
    name: str
    path: str
    in_scope: bool
    is_urban: bool
    locked: bool


@dataclass(slots=True)
class ExistingMember:
    id: int
    key: tuple[str, date]
    facts: rules.MemberFacts
    values: tuple  # MEMBER_FIELDS in order, as MemberRow.values


@dataclass(slots=True)
class ExistingHousehold:
    id: int
    commune_code: str
    values: dict  # HOUSEHOLD_FIELDS
    members: list[ExistingMember] = field(default_factory=list)


@dataclass(slots=True)
class ExistingReview:
    id: int
    status: str
    version: int
    values: dict  # REVIEW_FIELDS


@dataclass
class Context:
    year: int
    on: date
    lines: rules.StandardLines
    standard_id: int
    communes: dict[str, CommuneRef]
    hamlets: dict[tuple[int, str], int]  # (commune id, normalised name) -> hamlet id
    households: dict[str, ExistingHousehold]
    reviews: dict[int, ExistingReview]  # household id -> review of the year's periodic round
    citizen_ids: dict[str, tuple[int, int]]  # active member CCCD -> (household id, member id)
    previous_incomes: dict[int, int] = field(default_factory=dict)  # household id -> last year
    income_bound: int = 50_000_000  # settings.INCOME_CONFIRM_ABOVE
    # Who imports, and when: recorded on each override the file makes.
    by: str = ""
    by_name: str = ""
    at: str = ""
    # The year's standard: its indicators in order (tick N of a row is the N-th) and revision.
    indicators: tuple = rules.DEFAULT_INDICATORS
    standard_revision: int = 1


@dataclass(slots=True)
class RowPlan:
    row: HouseholdRow
    commune: CommuneRef
    hamlet_id: int | None
    new_hamlet: tuple[int, str] | None  # (commune id, name) when the hamlet is to be created
    household: ExistingHousehold | None
    household_values: dict
    household_changed: bool
    review: ExistingReview | None
    review_values: dict | None
    review_changed: bool
    members_new: list[MemberRow]
    members_changed: list[tuple[ExistingMember, MemberRow]]

    @property
    def action(self) -> str:
        if self.household is None:
            return "create"
        if (
            self.household_changed
            or self.review_changed
            or self.members_new
            or self.members_changed
        ):
            return "update"
        return "unchanged"


@dataclass
class Plan:
    rows: list[RowPlan]
    errors: list[Issue]
    warnings: list[Issue]
    rows_total: int
    new_hamlets: list[tuple[str, str]]  # (commune name, hamlet name)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["error_rows"] = len({(e.sheet, e.row) for e in self.errors if e.row})
        return counts

    def summary(self) -> dict:
        return {
            **self.counts,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "new_hamlets": [f"{hamlet} ({commune})" for commune, hamlet in self.new_hamlets],
            "rows_total": self.rows_total,
        }


def plan_import(parsed: Parsed, context: Context) -> Plan:
    errors = list(parsed.errors)
    warnings = list(parsed.warnings)
    plans: list[RowPlan] = []
    new_hamlets: dict[tuple[int, str], str] = {}
    locked_reported: set[str] = set()
    for number, code in parsed.commune_checks:
        if code not in context.communes:
            errors.append(_unknown_commune(number, code, parsed))
    for row in parsed.households:
        issue_count = len(errors)

        def error(title: str, message: str, row=row) -> None:
            errors.append(Issue(HOUSEHOLD_SHEET, row.row, title, None, message))

        commune = context.communes.get(row.commune_code)
        if commune is None:
            errors.append(_unknown_commune(row.row, row.commune_code, parsed))
            continue
        if not commune.in_scope:
            error(
                "Mã xã",
                _("Xã %(name)s (%(code)s) ngoài địa bàn bạn phụ trách.")
                % {"name": commune.name, "code": commune.code},
            )
            continue
        if commune.locked:
            if commune.code not in locked_reported:
                locked_reported.add(commune.code)
                errors.append(
                    Issue(
                        HOUSEHOLD_SHEET,
                        None,
                        "Mã xã",
                        None,
                        _(
                            "Năm %(year)s đã được phê duyệt và khóa số liệu cho %(name)s; tệp không được nhập."
                        )
                        % {"year": context.year, "name": commune.name},
                    )
                )
            continue
        existing = context.households.get(row.code)
        if existing is not None and existing.commune_code != commune.code:
            error(
                "Mã xã",
                _("Hộ %(code)s đã có ở xã mã %(other)s, không phải xã %(name)s.")
                % {"code": row.code, "other": existing.commune_code, "name": commune.name},
            )
            continue
        hamlet_id = None
        new_hamlet = None
        if row.hamlet_name:
            key = (commune.id, normalize(row.hamlet_name))
            hamlet_id = context.hamlets.get(key)
            if hamlet_id is None:
                new_hamlet = (commune.id, row.hamlet_name)
                new_hamlets.setdefault(key, (commune.name, row.hamlet_name))
        household_values = {
            "commune_id": commune.id,
            "hamlet_id": hamlet_id,
            "head_name": row.head_name,
            "head_citizen_id": row.head_citizen_id,
            "declared_size": row.declared_size,
            **row.flags,
            "phone": (
                existing.values["phone"] if existing and "phone" in parsed.absent else row.phone
            ),
        }
        household_changed = (
            existing is None
            or new_hamlet is not None
            or any(existing.values[f] != household_values[f] for f in HOUSEHOLD_FIELDS)
        )
        members_new, members_changed, facts = _plan_members(
            row, existing, context, error, parsed.member_absent
        )
        review = context.reviews.get(existing.id) if existing else None
        review_values = None
        review_changed = False
        if row.ticks is not None:
            indicators = context.indicators
            dwelling = {
                key: (review.values[key] if review is not None and key in parsed.absent else value)
                for key, value in row.facts.items()
            }
            # Tick and reason N are the standard's N-th indicator, stored in its column.
            ticks = {spec.column: tick for spec, tick in zip(indicators, row.ticks, strict=False)}
            reasons = {
                indicators[n - 1].column: text
                for n, text in row.reasons.items()
                if n <= len(indicators)
            }
            evaluation = rules.evaluate(
                members=facts,
                facts=rules.HouseholdFacts(**dwelling),
                ticks=ticks,
                income_per_capita=row.income,
                is_urban=commune.is_urban,
                lines=context.lines,
                on=context.on,
                declared_size=row.declared_size,
                indicators=indicators,
            )
            errors.extend(
                _contradiction(row, n, ticks[n], evaluation, parsed, indicators)
                for n in rules.unexplained_overrides(evaluation.conflicts, reasons)
            )
            previous = context.previous_incomes.get(existing.id) if existing else None
            if not row.income_confirmed and rules.income_needs_confirmation(
                row.income, bound=context.income_bound, previous=previous
            ):
                errors.append(_implausible_income(row, previous, context, parsed))
            deprived = evaluation.deprived
            lines = context.lines
            review_values = {
                "standard_id": context.standard_id,
                "standard_revision": context.standard_revision,
                "poverty_line": (
                    lines.urban_poverty_line if commune.is_urban else lines.rural_poverty_line
                ),
                "is_urban": commune.is_urban,
                "income_per_capita": row.income,
                **dwelling,
                **{f"d{n:02d}": deprived.get(n, False) for n in range(1, 14)},
                "sources": _stored_sources(evaluation.sources),
                "reasons": {str(n): list(r) for n, r in evaluation.reasons.items()},
                "overrides": rules.override_entries(
                    conflicts=evaluation.conflicts,
                    deprived=deprived,
                    reasons=reasons,
                    previous=review.values["overrides"] if review is not None else {},
                    by=context.by,
                    by_name=context.by_name,
                    at=context.at,
                ),
                "income_confirmed": row.income_confirmed
                and rules.income_needs_confirmation(
                    row.income, bound=context.income_bound, previous=previous
                ),
                "deprivation_count": evaluation.count,
                "classification": evaluation.classification,
                "member_count": evaluation.member_count,
            }
            review_changed = review is None or any(
                review.values[f] != review_values[f] for f in REVIEW_FIELDS
            )
            if review_changed and review is not None and review.status in LOCKED_STATUSES:
                error(
                    "Mã hộ",
                    _(
                        "Phiếu năm %(year)s của hộ %(code)s đã gửi hoặc đã duyệt; cần mở lại phiếu trước khi nhập thay đổi."
                    )
                    % {"year": context.year, "code": row.code},
                )
        if len(errors) > issue_count:
            continue
        plans.append(
            RowPlan(
                row=row,
                commune=commune,
                hamlet_id=hamlet_id,
                new_hamlet=new_hamlet,
                household=existing,
                # What does not change is not written: its values are not kept (memory).
                household_values=household_values if household_changed else None,
                household_changed=household_changed,
                review=review,
                review_values=review_values if review_changed else None,
                review_changed=review_changed,
                members_new=members_new,
                members_changed=members_changed,
            )
        )
    return Plan(plans, errors, warnings, parsed.rows_total, list(new_hamlets.values()))


def _at(parsed: Parsed, row: int, key: str, title: str, message: str) -> Issue:
    return Issue(HOUSEHOLD_SHEET, row, title, parsed.positions.get(key), message)


def _unknown_commune(row: int, code: str, parsed: Parsed) -> Issue:
    return _at(
        parsed,
        row,
        "commune",
        "Mã xã",
        _("Mã xã %(code)s không có trong danh mục xã, phường, thị trấn.") % {"code": code},
    )


def _contradiction(
    row: HouseholdRow,
    n: int,
    tick: bool | None,
    evaluation: rules.Evaluation,
    parsed: Parsed,
    indicators: tuple = rules.DEFAULT_INDICATORS,
) -> Issue:
    """A tick that contradicts the recorded facts, naming the facts, unless a reason is given.
    `n`: the result column; the message names the standard's code, the cell its tick column."""
    position = next((i for i, spec in enumerate(indicators, 1) if spec.column == n), n)
    spec = indicators[position - 1] if position <= len(indicators) else None
    code = spec.code if spec is not None else f"CS{n:02d}"
    rule = spec.rule if spec is not None else ""
    facts = "; ".join(evaluation.reasons.get(n, ())) or _(
        "không nhân khẩu nào và không thông tin nào của hộ cho thấy thiếu hụt"
    )
    where = (
        _("thông tin nhân khẩu (trang NHAN_KHAU)")
        if rule in rules.MEMBER_RULES - {"housing_area"}
        else _("thông tin nhà ở của hộ")
    )
    message = _(
        "%(code)s ghi %(tick)s nhưng %(where)s cho kết quả %(result)s: %(facts)s. Để trống ô "
        "(tính theo thông tin), sửa thông tin, hoặc ghi lý do ở cột “Lý do điều chỉnh "
        "%(code)s”."
    ) % {
        "code": code,
        "tick": 1 if tick else 0,
        "where": where,
        "result": _("không thiếu hụt") if tick else _("thiếu hụt"),
        "facts": facts,
    }
    key = INDICATOR_FIELDS[position - 1]
    return _at(parsed, row.row, key, code, message)


def _implausible_income(row: HouseholdRow, previous, context: Context, parsed: Parsed) -> Issue:
    def vnd(amount: int) -> str:
        return f"{amount:,}".replace(",", ".")

    if row.income > context.income_bound:
        message = _(
            "Thu nhập %(income)s đồng/người/tháng cao hơn mức %(bound)s; nếu đúng, ghi 1 ở cột "
            "“Xác nhận thu nhập cao”."
        ) % {"income": vnd(row.income), "bound": vnd(context.income_bound)}
    else:
        message = _(
            "Thu nhập %(income)s đồng/người/tháng gấp hơn 10 lần năm trước (%(previous)s); nếu "
            "đúng, ghi 1 ở cột “Xác nhận thu nhập cao”."
        ) % {"income": vnd(row.income), "previous": vnd(previous)}
    return _at(parsed, row.row, "income", "Thu nhập bình quân (đồng/người/tháng)", message)


_SOURCES: dict[tuple, dict[str, str]] = {}


def _stored_sources(sources: dict[int, str]) -> dict[str, str]:
    """The sources as stored ({"1": "reviewer", ...}); rows share few combinations, so one
    dict per combination is built and shared (read only, like every plan value)."""
    key = tuple(sources.items())
    stored = _SOURCES.get(key)
    if stored is None:
        if len(_SOURCES) > 4096:
            _SOURCES.clear()
        stored = _SOURCES[key] = {str(n): s for n, s in key}
    return stored


def _plan_members(
    row: HouseholdRow,
    existing: ExistingHousehold | None,
    context: Context,
    error,
    absent: frozenset[str] = frozenset(),
):
    current = existing.members if existing else []
    by_key = {m.key: m for m in current}
    matched: set[int] = set()
    members_new, members_changed = [], []
    facts = []
    for member in row.members:
        key = (normalize(member.full_name), member.date_of_birth)
        found = by_key.get(key)
        cid = member.get("citizen_id")
        owner = context.citizen_ids.get(cid) if cid else None
        if owner is not None and (found is None or owner[1] != found.id):
            errors_message = _("Số CCCD %(cid)s đã thuộc một nhân khẩu khác.") % {"cid": cid}
            error("Mã hộ", errors_message)
        if found is None:
            members_new.append(member)
        else:
            matched.add(found.id)
            if kept := [MEMBER_INDEX[k] for k in absent if k in MEMBER_INDEX]:
                # A column the sheet lacks keeps the stored value (an older template).
                values = list(member.values)
                for i in kept:
                    values[i] = found.values[i]
                member.values = tuple(values)
            if found.values != member.values:
                members_changed.append((found, member))
        facts.append(
            rules.MemberFacts(
                full_name=member.full_name,
                date_of_birth=member.date_of_birth,
                is_female=member.get("sex") == "F",
                work_status=member.get("work_status"),
                has_health_insurance=member.get("has_health_insurance"),
                health_insurance_expiry=member.get("health_insurance_expiry"),
                school_level=member.get("school_level"),
                education=member.get("education"),
                has_disability=member.get("has_disability"),
                receives_social_allowance=member.get("receives_social_allowance"),
                is_malnourished=member.get("is_malnourished"),
            )
        )
    # Members already recorded and not in the sheet stay, and still count (as on the web form).
    facts.extend(m.facts for m in current if m.id not in matched)
    return members_new, members_changed, facts
