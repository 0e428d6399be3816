"""Validation of a workbook's rows and the plan of what an import would change.

Pure: plain rows and a plain context in, a plan (rows to create / update / leave, the errors
with sheet, row and column, the warnings) out. The database is read by the service, which
builds the context; the rules are those of the web form (households.rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from django.utils.translation import gettext as _

from households import rules
from households.models.reviews import INDICATOR_FIELDS
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
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    REQUIRED_HOUSEHOLD_KEYS,
    REQUIRED_MEMBER_KEYS,
    choice_lookup,
)

INDICATOR_KEYS = INDICATOR_FIELDS  # the sheet's keys are the model's field names
FLAG_KEYS = ("is_meritorious", "is_ethnic_minority", "no_labour_capacity", "wants_loan")
HOUSEHOLD_FIELDS = (
    "commune_id",
    "hamlet_id",
    "head_name",
    "head_citizen_id",
    "declared_size",
    *FLAG_KEYS,
)
REVIEW_FIELDS = (
    "standard_id",
    "is_urban",
    "income_per_capita",
    *INDICATOR_KEYS,
    "sources",
    "reasons",
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
    ticks: tuple[bool, ...] | None  # CS01..CS12 in order
    members: list[MemberRow] = field(default_factory=list)


@dataclass
class Parsed:
    households: list[HouseholdRow]
    errors: list[Issue]
    warnings: list[Issue]
    rows_total: int


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


def parse_workbook(book: Workbook, progress: Callable[[int], None] | None = None) -> Parsed:
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
    pick = _picker(columns, HOUSEHOLD_KEYS)
    for i, (number, values) in enumerate(sheet.rows, start=1):
        parsed = _household_row(number, pick(values), columns, errors, seen)
        if parsed is not None:
            households.append(parsed)
        if progress and i % 1000 == 0:
            progress(i)
    if members_sheet is not None:
        _attach_members(members_sheet, households, errors, warnings)
    return Parsed(households, errors, warnings, rows_total)


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
    *INDICATOR_KEYS,
    *FLAG_KEYS,
)


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
    raw_flags = cells[19:]

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
    income: int | None = None
    ticks: tuple[bool, ...] | None = None
    if not (_blank(raw_income) and all(_blank(v) for v in raw_ticks)):
        income = rules.parse_vietnamese_integer(raw_income)
        if income is None or income < 0:
            error(
                "income",
                _("Thu nhập phải là số đồng không âm (ví dụ 1.500.000), không phải “%(v)s”.")
                % {"v": cell_text(raw_income)},
            )
        bits = list(map(_fast_bit, raw_ticks))
        if None in bits:
            for key, raw, bit in zip(INDICATOR_KEYS, raw_ticks, bits, strict=True):
                if bit is None:
                    error(
                        key,
                        _(
                            "Chỉ số phải là 1 (thiếu hụt) hoặc 0 (không thiếu hụt), "
                            "không phải “%(v)s”."
                        )
                        % {"v": cell_text(raw)},
                    )
        ticks = tuple(map(bool, bits))
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
    )


MEMBER_KEYS = tuple(c.key for c in MEMBER_COLUMNS)


def _attach_members(sheet: Sheet, households: list[HouseholdRow], errors, warnings) -> None:
    columns = ColumnMap(sheet, MEMBER_COLUMNS, REQUIRED_MEMBER_KEYS, errors, warnings)
    if columns.missing:
        return
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
        chosen = {}
        for key, lookup in lookups.items():
            raw = cell_text(cells[key])
            if not raw:
                if key in REQUIRED_MEMBER_KEYS:
                    error(key, _("Thiếu giá trị; hãy chọn trong danh sách."))
                chosen[key] = {"education": "none", "work_status": "not_in_labour_force"}.get(
                    key, ""
                )
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
        raw_card = cells["has_health_insurance"]
        card = False if _blank(raw_card) else _bit(raw_card)
        if card is None:
            error("has_health_insurance", _("Giá trị phải là 1 (có) hoặc 0 (không)."))
        household = by_code.get(code)
        if code and household is None:
            error(
                "code",
                _("Mã hộ %(code)s không có trong trang HO (hoặc dòng đó có lỗi).") % {"code": code},
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
                    bool(card),
                    chosen["school_level"],
                    chosen["education"],
                    chosen["work_status"],
                ),
            )
        )


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
    for row in parsed.households:
        issue_count = len(errors)

        def error(title: str, message: str, row=row) -> None:
            errors.append(Issue(HOUSEHOLD_SHEET, row.row, title, None, message))

        commune = context.communes.get(row.commune_code)
        if commune is None:
            error(
                "Mã xã",
                _("Mã xã %(code)s không có trong danh mục xã, phường, thị trấn.")
                % {"code": row.commune_code},
            )
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
                            "Năm %(year)s đã được phê duyệt và khoá số liệu cho %(name)s; tệp không được nhập."
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
        }
        household_changed = (
            existing is None
            or new_hamlet is not None
            or any(existing.values[f] != household_values[f] for f in HOUSEHOLD_FIELDS)
        )
        members_new, members_changed, facts = _plan_members(row, existing, context, error)
        review = context.reviews.get(existing.id) if existing else None
        review_values = None
        review_changed = False
        if row.ticks is not None:
            evaluation = rules.evaluate(
                members=facts,
                facts=rules.HouseholdFacts(),
                ticks=dict(zip(rules.INDICATORS, row.ticks, strict=True)),
                income_per_capita=row.income,
                is_urban=commune.is_urban,
                lines=context.lines,
                on=context.on,
                declared_size=row.declared_size,
            )
            deprived = evaluation.deprived
            review_values = {
                "standard_id": context.standard_id,
                "is_urban": commune.is_urban,
                "income_per_capita": row.income,
                **dict(
                    zip(INDICATOR_KEYS, map(deprived.__getitem__, rules.INDICATORS), strict=True)
                ),
                "sources": _stored_sources(evaluation.sources),
                "reasons": {str(n): list(r) for n, r in evaluation.reasons.items()},
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


def _plan_members(row: HouseholdRow, existing: ExistingHousehold | None, context: Context, error):
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
            if found.values != member.values:
                members_changed.append((found, member))
        facts.append(
            rules.MemberFacts(
                full_name=member.full_name,
                date_of_birth=member.date_of_birth,
                is_female=member.get("sex") == "F",
                work_status=member.get("work_status"),
                has_health_insurance=member.get("has_health_insurance"),
                school_level=member.get("school_level"),
                education=member.get("education"),
            )
        )
    # Members already recorded and not in the sheet stay, and still count (as on the web form).
    facts.extend(m.facts for m in current if m.id not in matched)
    return members_new, members_changed, facts
