"""Domain rules of the multidimensional poverty standard, as pure functions.

No ORM, no request: plain values in, plain values out, so each legal rule is tested without a
database. Sources: Decree 07/2021/NĐ-CP (the 2022-2025 standard and its 12 indicators),
Circular 07/2021/TT-BLĐTBXH (the review method), Decree 135/2020/NĐ-CP (retirement ages), and
Decision 05/QĐ-UBND on citizen ID numbering (Circular 07/2016/TT-BCA, Article 7).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Protocol, TypedDict, TypeVar

from django.utils.translation import get_language, gettext


@lru_cache(maxsize=512)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext, remembered per active language: an import evaluates 20,000 households, and
    each reason's sentence would otherwise go through the translation machinery again."""
    return _translated(get_language(), message)


POOR = "poor"
NEAR_POOR = "near_poor"
AVERAGE = "average"
ABOVE = "above"

INDICATORS = tuple(range(1, 13))

# Status values of the members' facts (mirrors households.models.Member choices).
WAGE_CONTRACT = "wage_contract"
WAGE_NO_CONTRACT = "wage_no_contract"
SELF_EMPLOYED = "self_employed"
UNEMPLOYED = "unemployed"
NOT_IN_LABOUR_FORCE = "not_in_labour_force"

SAFE_WATER = frozenset({"tap", "drilled_well", "protected_well", "rainwater", "bottled"})
HYGIENIC_LATRINES = frozenset(
    {"septic", "semi_septic", "pour_flush", "double_vault", "ventilated_pit"}
)


# --- areas ------------------------------------------------------------------------------------


# The years a review, a population figure or a report can be about: the programme's records
# start in 2000 at the earliest; a year outside is a typing error or a forged address, refused
# before any date is built from it (date(99999, 9, 1) raises).
REVIEW_YEARS = range(2000, 2101)


def review_year_parse(value: object) -> int | None:
    """A year from a form or an address, or None when it is not a plausible one."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if year in REVIEW_YEARS else None


def ancestor_paths(path: str) -> list[str]:
    """'83/836/29173/' -> ['83/', '83/836/', '83/836/29173/'] (any depth, the area last)."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def is_locked_area(path: str, locked_paths: set[str]) -> bool:
    """Whether an area is locked by itself or by an ancestor (paths of locked areas given)."""
    return not locked_paths.isdisjoint(ancestor_paths(path))


# --- text -------------------------------------------------------------------------------------


def normalize_text(value: str) -> str:
    """Lower case, no diacritics, single spaces: "Nguyễn  Văn Á" -> "nguyen van a"."""
    value = (value or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def file_slug(value: str, *, max_length: int = 120) -> str:
    """An ASCII-safe file name part: "Biểu 01 Tổng hợp – Xã Ba Tri" -> "bieu-01-tong-hop-xa-ba-tri".
    The name with its diacritics goes in the download's `filename*` (download_disposition)."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in normalize_text(value))
    return "-".join(words.split())[:max_length].strip("-") or "tep"


def download_disposition(*, filename: str, display_name: str = "") -> str:
    """A Content-Disposition for a download: `filename` ASCII for every client, and (RFC 6266 /
    RFC 5987) `filename*` with the Vietnamese name for the browsers that read it (all of today's)."""
    from urllib.parse import quote

    value = f'attachment; filename="{filename}"'
    if display_name and display_name != filename:
        value += f"; filename*=UTF-8''{quote(display_name, safe='')}"
    return value


_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


def household_code_after(code: str) -> str:
    """The code after `code`: its trailing number plus one, same width ("BT-0099" ->
    "BT-0100", "G2329173000348" -> "G2329173000349"); a code without one gets "-1"."""
    match = _TRAILING_NUMBER.match(code)
    if not match:
        return f"{code}-1"
    prefix, digits = match.groups()
    return f"{prefix}{int(digits) + 1:0{len(digits)}d}"


def household_code_next(existing: Iterable[str], *, fallback_prefix: str) -> str:
    """The code to suggest for a new household of a commune: after the highest code of the
    commune's most used pattern (prefix + number), so a commune numbering "BT-0001", "BT-0002"
    is offered "BT-0003"; a commune without households gets `fallback_prefix` + "0001"."""
    by_prefix: dict[tuple[str, int], list[int]] = {}
    for code in existing:
        match = _TRAILING_NUMBER.match(code)
        if match:
            prefix, digits = match.groups()
            by_prefix.setdefault((prefix, len(digits)), []).append(int(digits))
    if not by_prefix:
        return f"{fallback_prefix}0001"
    (prefix, width), numbers = max(by_prefix.items(), key=lambda item: (len(item[1]), item[0]))
    return f"{prefix}{max(numbers) + 1:0{width}d}"


# --- ethnic groups ----------------------------------------------------------------------------


def ethnic_key(value: str) -> str:
    """A name as matched against the list: "Khơ-me", "khơ me", "KHƠME" -> "kho me" / "khome"
    (no case, diacritics, hyphens or apostrophes; see ethnic_group_index)."""
    return normalize_text((value or "").replace("-", " ").replace("'", " "))


def ethnic_group_index(groups: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """{matching key: group code} for (code, name, other names ";"-separated) rows: every
    name and other name, with and without spaces ("kho me" and "khome")."""
    index: dict[str, str] = {}
    for code, name, other_names in groups:
        for alias in [name, *other_names.split(";")]:
            key = ethnic_key(alias)
            if key:
                index.setdefault(key, code)
                index.setdefault(key.replace(" ", ""), code)
    return index


def ethnic_group_code(value: str, index: Mapping[str, str]) -> str | None:
    """The group of a member's `ethnicity` (a list name or an old free-text value), or None."""
    key = ethnic_key(value)
    return index.get(key) or index.get(key.replace(" ", "")) if key else None


def is_ethnic_minority_household(
    head_ethnicity: str | None, index: Mapping[str, str], minority_codes: Iterable[str]
) -> bool | None:
    """A household is an ethnic-minority household (hộ dân tộc thiểu số, the group of the
    poverty reports) when its head belongs to an ethnic minority, i.e. any of the 54 groups but
    Kinh [verify: the reporting forms' convention, chủ hộ là người dân tộc thiểu số]. None when
    there is no head or the head's group is not in the list (the stored flag then stands)."""
    if not head_ethnicity:
        return None
    code = ethnic_group_code(head_ethnicity, index)
    if code is None:
        return None
    return code in set(minority_codes)


def household_search_text(
    head_name: str, code: str, normalize: Callable[[str], str] = normalize_text
) -> str:
    """What the household list's search box matches: the head's name then the code, normalised
    (the head first, so that a prefix match uses the index). `normalize` lets the import pass
    its cached equivalent of normalize_text."""
    return normalize(f"{head_name} {code}")[:255]


_NUMBER_SEPARATORS = re.compile(r"[\s\u00a0\u202f.,_']")


def parse_vietnamese_integer(value: object) -> int | None:
    """Read an amount typed the Vietnamese way: "1.500.000", "1 500 000", "1500000 đ".

    Returns None when the text is not a whole number. A float from a spreadsheet cell is
    accepted when it is whole.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else None
    text = str(value).strip().lower()
    for suffix in ("đồng", "vnđ", "vnd", "đ"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    if not text:
        return None
    negative = text.startswith("-")
    if negative:
        text = text[1:].strip()
    # "1,5" or "1.500,50" carry decimals; a group of 3 digits after a separator is thousands.
    groups = _NUMBER_SEPARATORS.split(text)
    if len(groups) > 1 and not all(len(g) == 3 and g.isdigit() for g in groups[1:]):
        try:
            number = Decimal(text.replace(".", "").replace(",", "."))
        except InvalidOperation:
            return None
        if number != number.to_integral_value():
            return None
        result = int(number)
    else:
        digits = "".join(groups)
        if not digits.isdigit():
            return None
        result = int(digits)
    return -result if negative else result


# --- citizen ID -------------------------------------------------------------------------------

# Province codes of the 12-digit citizen ID (Circular 07/2016/TT-BCA, annex).
CITIZEN_ID_PROVINCES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
# The 4th digit encodes sex and century of birth: (century start, is_female).
_CENTURY_SEX = {
    0: (1900, False),
    1: (1900, True),
    2: (2000, False),
    3: (2000, True),
    4: (2100, False),
    5: (2100, True),
    6: (2200, False),
    7: (2200, True),
    8: (1800, False),
    9: (1800, True),
}


def citizen_id_error(
    value: str, *, date_of_birth: date | None = None, is_female: bool | None = None
) -> str | None:
    """Why a citizen ID (CCCD) is invalid, or None when it is valid.

    12 digits: province of birth (3), sex and century (1), year of birth (2), serial (6).
    """
    value = (value or "").strip()
    if not re.fullmatch(r"\d{12}", value):
        return _("Số CCCD phải gồm đúng 12 chữ số.")
    if value[:3] not in CITIZEN_ID_PROVINCES:
        return _("Ba số đầu của CCCD (%(code)s) không phải mã tỉnh hợp lệ.") % {"code": value[:3]}
    century, female = _CENTURY_SEX[int(value[3])]
    year = century + int(value[4:6])
    if date_of_birth is not None and year != date_of_birth.year:
        return _("CCCD ghi năm sinh %(year)s, không khớp ngày sinh %(dob)s.") % {
            "year": year,
            "dob": date_of_birth.strftime("%d/%m/%Y"),
        }
    if is_female is not None and female != is_female:
        return _("Số thứ tư của CCCD không khớp giới tính.")
    return None


def mask_identifier(value: str) -> str:
    """Show only the first and last character: "0912345677" -> "0********7"."""
    value = value or ""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


# --- ages -------------------------------------------------------------------------------------


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a date (the review's reference date)."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def age_in_months(date_of_birth: date, on: date) -> int:
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    return months - int(on.day < date_of_birth.day)


def retirement_age_months(*, is_female: bool, on: date) -> int:
    """Retirement age under normal conditions (Labour Code 2019 Art. 169, Decree 135/2020).

    Men: 60 years 3 months in 2021, +3 months a year up to 62. Women: 55 years 4 months in 2021,
    +4 months a year up to 60. Before 2021: 60 and 55.
    """
    steps = max(0, on.year - 2020)
    if is_female:
        return min(55 * 12 + 4 * steps, 60 * 12)
    return min(60 * 12 + 3 * steps, 62 * 12)


def is_working_age(date_of_birth: date, *, is_female: bool, on: date) -> bool:
    """From 15 years old to the retirement age (người trong độ tuổi lao động)."""
    months = age_in_months(date_of_birth, on)
    return 15 * 12 <= months < retirement_age_months(is_female=is_female, on=on)


# Urban (thành thị): phường, thị trấn and their khu phố; rural (nông thôn): xã and its ấp.
# The values of households.models.Area.Kind.
URBAN_KINDS = frozenset({"phuong", "thi_tran", "khu_pho"})


def is_urban_kind(kind: str) -> bool:
    return kind in URBAN_KINDS


def is_urban_on(
    kind: str, *, former_kind: str = "", kind_changed_on: date | None = None, on: date
) -> bool:
    """Whether an area counts as urban on a date: wards and towns are urban, communes rural.

    A commune that became a town (thị trấn) counts as urban only from the change onwards.
    """
    in_force = former_kind if (former_kind and kind_changed_on and on < kind_changed_on) else kind
    return is_urban_kind(in_force)


# --- the standard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardLines:
    rural_poverty_line: int
    urban_poverty_line: int
    rural_average_line: int
    urban_average_line: int
    poor_min_deprivations: int = 3


STANDARD_2022_2025 = StandardLines(
    rural_poverty_line=1_500_000,
    urban_poverty_line=2_000_000,
    rural_average_line=2_250_000,
    urban_average_line=3_000_000,
    poor_min_deprivations=3,
)


def classify(
    *, income_per_capita: int, is_urban: bool, deprivation_count: int, lines: StandardLines
) -> str:
    """Classify a household (Decree 07/2021/NĐ-CP, Art. 3).

    Poor: income at or below the line and at least `poor_min_deprivations` deprivations.
    Near-poor: income at or below the line and fewer deprivations. Average living standard:
    income above the line up to the average line. Above: the rest.
    """
    if income_per_capita < 0:
        raise ValueError("income_per_capita must not be negative")
    poverty_line = lines.urban_poverty_line if is_urban else lines.rural_poverty_line
    average_line = lines.urban_average_line if is_urban else lines.rural_average_line
    if income_per_capita <= poverty_line:
        return POOR if deprivation_count >= lines.poor_min_deprivations else NEAR_POOR
    if income_per_capita <= average_line:
        return AVERAGE
    return ABOVE


# --- the 12 deprivations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """A member's recorded facts. None in a fact = not recorded (unknown), never "absent":
    an indicator that needs an unknown fact is undecided ("chưa đủ thông tin")."""

    full_name: str
    date_of_birth: date
    is_female: bool = False
    work_status: str | None = NOT_IN_LABOUR_FORCE
    has_health_insurance: bool | None = False
    health_insurance_expiry: date | None = None  # None with a card: a card without end date
    school_level: str | None = ""  # "" = not attending, None = not recorded
    education: str | None = "none"
    has_disability: bool | None = False
    receives_social_allowance: bool | None = False
    is_malnourished: bool | None = False
    joined_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    """Phiếu B facts of the dwelling and information access; None = not recorded."""

    nondurable_parts: int | None = None
    floor_area_m2: Decimal | float | None = None
    water_source: str = ""
    latrine: str = ""
    uses_internet: bool | None = None
    has_information_device: bool | None = None
    # Facts of the 2027-2030 standard (Decree 351/2025/NĐ-CP).
    waste_treatment: str = ""
    uses_digital_services: bool | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator's result from the facts: deprived (True/False) or None when facts lack;
    `missing` names the facts not recorded that keep it undecided."""

    deprived: bool | None
    reasons: tuple[str, ...] = field(default=())
    missing: tuple[str, ...] = field(default=())


def _finding(reasons: list[str], missing: list[str]) -> Finding:
    """Deprived when one member is; else undecided while a needed fact is unknown; else not."""
    if reasons:
        return Finding(True, tuple(reasons))
    if missing:
        return Finding(None, (), tuple(missing))
    return Finding(False)


def _not_recorded(who: str, fact: str) -> str:
    return _("%(who)s: chưa ghi nhận %(fact)s") % {"who": who, "fact": fact}


class Stay(Protocol):
    """A member's stay in the household: MemberFacts, or a stored member read the same way."""

    @property
    def joined_on(self) -> date | None: ...
    @property
    def left_on(self) -> date | None: ...


class HealthCard(Protocol):
    @property
    def has_health_insurance(self) -> bool | None: ...
    @property
    def health_insurance_expiry(self) -> date | None: ...


StayT = TypeVar("StayT", bound=Stay)


def lives_there_on(member: Stay, on: date) -> bool:
    """Joined on or before the date (or always there) and not left by it.
    SQL sibling: households.queries.living_on_q."""
    return (member.joined_on is None or member.joined_on <= on) and (
        member.left_on is None or member.left_on > on
    )


def members_on(members: Iterable[StayT], on: date) -> list[StayT]:
    """Members living in the household on the reference date."""
    return [m for m in members if lives_there_on(m, on)]


def _who(member: MemberFacts, on: date) -> str:
    return _("%(name)s, %(age)s tuổi") % {
        "name": member.full_name,
        "age": age_on(member.date_of_birth, on),
    }


def employment(members: Sequence[MemberFacts], on: date) -> Finding:
    """CS01: a working-age member is unemployed or works for a wage without a contract."""
    if not members:
        return Finding(None)
    reasons, missing = [], []
    for m in members:
        if not is_working_age(m.date_of_birth, is_female=m.is_female, on=on):
            continue
        if m.work_status is None:
            missing.append(_not_recorded(_who(m, on), _("tình trạng việc làm")))
        elif m.work_status == UNEMPLOYED:
            reasons.append(_("%(who)s, thất nghiệp") % {"who": _who(m, on)})
        elif m.work_status == WAGE_NO_CONTRACT:
            reasons.append(
                _("%(who)s, làm công ăn lương không có hợp đồng lao động") % {"who": _who(m, on)}
            )
    return _finding(reasons, missing)


def is_dependant(
    member: MemberFacts, on: date, *, child_age: int = 16, elderly_age: int = 60
) -> bool | None:
    """Children under 16, the elderly (60+), people with disabilities or on social allowance;
    None when a member aged 16-59 has neither fact recorded as present and one is unknown."""
    age = age_on(member.date_of_birth, on)
    if (
        age < child_age
        or age >= elderly_age
        or member.has_disability
        or member.receives_social_allowance
    ):
        return True
    if member.has_disability is None or member.receives_social_allowance is None:
        return None
    return False


def dependants(
    members: Sequence[MemberFacts],
    on: date,
    *,
    max_share: float = 0.5,
    child_age: int = 16,
    elderly_age: int = 60,
) -> Finding:
    """CS02: dependants are more than half of the members (strictly over `max_share`). Undecided
    when the members whose disability or allowance is unknown could tip the share either way."""
    if not members:
        return Finding(None)
    status = [is_dependant(m, on, child_age=child_age, elderly_age=elderly_age) for m in members]
    count = status.count(True)
    unknown = [m for m, s in zip(members, status, strict=True) if s is None]
    share = Decimal(str(max_share))
    if Decimal(count) > share * len(members):
        return Finding(
            True,
            (
                _("%(count)s/%(total)s nhân khẩu là người phụ thuộc")
                % {"count": count, "total": len(members)},
            ),
        )
    if Decimal(count + len(unknown)) > share * len(members):
        return Finding(
            None,
            (),
            tuple(
                _not_recorded(_who(m, on), _("khuyết tật, trợ cấp xã hội hằng tháng"))
                for m in unknown
            ),
        )
    return Finding(False)


def nutrition(members: Sequence[MemberFacts], on: date, *, child_age: int = 16) -> Finding:
    """CS03: a child under 16 is malnourished (stunted or underweight)."""
    if not members:
        return Finding(None)
    children = [m for m in members if age_on(m.date_of_birth, on) < child_age]
    reasons = [
        _("%(who)s, suy dinh dưỡng") % {"who": _who(m, on)} for m in children if m.is_malnourished
    ]
    missing = [
        _not_recorded(_who(m, on), _("tình trạng dinh dưỡng"))
        for m in children
        if m.is_malnourished is None
    ]
    return _finding(reasons, missing)


HEALTH_CARD_MIN_AGE = 6  # CS04: members aged 6 or over need a valid card.


def card_valid_on(*, has_card: bool, expiry: date | None, on: date) -> bool:
    """A health-insurance card is valid on a date when held and not expired before it (no
    expiry recorded = valid). SQL sibling: households.queries.valid_health_card_q."""
    return has_card and (expiry is None or expiry >= on)


def has_valid_health_card(member: HealthCard, on: date) -> bool:
    return card_valid_on(
        has_card=bool(member.has_health_insurance), expiry=member.health_insurance_expiry, on=on
    )


def latest_birth_date_for_age(age: int, on: date) -> date:
    """The latest date of birth of a person aged `age` or more on `on` (29 February -> 28)."""
    day = 28 if (on.month, on.day) == (2, 29) else on.day
    return date(on.year - age, on.month, day)


def health_insurance(
    members: Sequence[MemberFacts], on: date, *, min_age: int = HEALTH_CARD_MIN_AGE
) -> Finding:
    """CS04: a member aged 6 or over has no valid health-insurance card on the date."""
    if not members:
        return Finding(None)
    reasons, missing = [], []
    for m in members:
        if age_on(m.date_of_birth, on) < min_age or has_valid_health_card(m, on):
            continue
        if m.has_health_insurance is None:
            missing.append(_not_recorded(_who(m, on), _("thẻ BHYT")))
        elif m.has_health_insurance:
            reasons.append(_("%(who)s, thẻ BHYT hết hạn") % {"who": _who(m, on)})
        else:
            reasons.append(_("%(who)s, không có thẻ BHYT") % {"who": _who(m, on)})
    return _finding(reasons, missing)


_EDUCATION_RANK = {
    "none": 0,
    "primary": 1,
    "lower_secondary": 2,
    "upper_secondary": 3,
    "vocational": 3,
    "higher": 4,
}


def adult_education(
    members: Sequence[MemberFacts], on: date, *, min_age: int = 16, max_age: int = 30
) -> Finding:
    """CS05: a person aged 16-30 not in school lacks the level for their age.

    16 to under 18: lower secondary completed; 18 to 30: upper secondary or a vocational
    certificate.
    """
    if not members:
        return Finding(None)
    reasons, missing = [], []
    for m in members:
        age = age_on(m.date_of_birth, on)
        if not min_age <= age <= max_age or m.school_level:
            continue
        if m.school_level is None or m.education is None:
            missing.append(_not_recorded(_who(m, on), _("đang đi học, trình độ học vấn")))
            continue
        rank = _EDUCATION_RANK.get(m.education, 0)
        if age < 18 and rank < 2:
            reasons.append(
                _("%(who)s, chưa tốt nghiệp THCS và không đi học") % {"who": _who(m, on)}
            )
        elif age >= 18 and rank < 3:
            reasons.append(
                _("%(who)s, chưa tốt nghiệp THPT hoặc học nghề và không đi học")
                % {"who": _who(m, on)}
            )
    return _finding(reasons, missing)


_SCHOOL_RANK = {
    "preschool": 0,
    "primary": 1,
    "lower_secondary": 2,
    "upper_secondary": 3,
    "vocational": 3,
    "higher": 4,
}

# The school level right for a child's age, written once: (from age, level). Source: Education
# Law 2019 (Luật Giáo dục 43/2019/QH14): Art. 26, kindergarten (mẫu giáo) for children from 3 to
# 6 years old; Art. 28(1), grade 1 of primary at 6, grade 6 of lower secondary at 11, grade 10 of
# upper secondary at 15. CS06 covers children aged 3 to under 16 (Decree 07/2021/NĐ-CP), so a
# 15-year-old still in lower secondary is behind. Ages are whole years at the review's reference
# date (domain §1), like every other indicator.
SCHOOL_AGE_TABLE: tuple[tuple[int, str], ...] = (
    (3, "preschool"),
    (6, "primary"),
    (11, "lower_secondary"),
    (15, "upper_secondary"),
)
SCHOOL_AGE_SOURCE = "Luật Giáo dục 2019 (43/2019/QH14), Điều 26 và Điều 28"


def expected_school_level(age: int) -> str | None:
    """The level a child of `age` (whole years at the reference date) should attend, from
    SCHOOL_AGE_TABLE; None below the first entry."""
    level = None
    for from_age, name in SCHOOL_AGE_TABLE:
        if age >= from_age:
            level = name
    return level


def expected_school_rank(age: int) -> int:
    """The rank (in _SCHOOL_RANK) of the level right for `age`; a level of that rank or above
    is not behind (vocational education counts as upper secondary)."""
    level = expected_school_level(age)
    return _SCHOOL_RANK[level] if level else 0


def child_schooling(
    members: Sequence[MemberFacts], on: date, *, min_age: int = 3, max_age: int = 16
) -> Finding:
    """CS06: a child aged 3 to under 16 does not attend the school level right for their age."""
    if not members:
        return Finding(None)
    reasons, missing = [], []
    for m in members:
        age = age_on(m.date_of_birth, on)
        if not min_age <= age < max_age:
            continue
        if m.school_level is None:
            missing.append(_not_recorded(_who(m, on), _("đang đi học cấp nào")))
        elif not m.school_level:
            reasons.append(_("%(who)s, không đi học") % {"who": _who(m, on)})
        elif _SCHOOL_RANK.get(m.school_level, 0) < expected_school_rank(age):
            reasons.append(_("%(who)s, học chậm so với độ tuổi") % {"who": _who(m, on)})
    return _finding(reasons, missing)


def housing_quality(facts: HouseholdFacts, *, min_nondurable_parts: int = 2) -> Finding:
    """CS07: at least 2 of walls, columns and roof are of non-durable materials."""
    if facts.nondurable_parts is None:
        return Finding(None)
    if facts.nondurable_parts >= min_nondurable_parts:
        return Finding(
            True,
            (
                _("%(n)s/3 bộ phận nhà (tường, cột, mái) không bền chắc")
                % {"n": facts.nondurable_parts},
            ),
        )
    return Finding(False)


def housing_area(
    facts: HouseholdFacts, member_count: int, *, min_m2_per_person: float = 8
) -> Finding:
    """CS08: living floor area per person below 8 m²."""
    if facts.floor_area_m2 is None or member_count <= 0:
        return Finding(None)
    per_person = Decimal(str(facts.floor_area_m2)) / member_count
    minimum = Decimal(str(min_m2_per_person))
    if per_person < minimum:
        return Finding(
            True,
            (
                _("Diện tích ở bình quân %(area)s m²/người, dưới %(min)s m²")
                % {
                    "area": f"{per_person:.1f}".replace(".", ","),
                    "min": f"{minimum.normalize():f}".replace(".", ","),
                },
            ),
        )
    return Finding(False)


def water(facts: HouseholdFacts, *, safe_sources: Iterable[str] = SAFE_WATER) -> Finding:
    """CS09: no safe water source."""
    if not facts.water_source:
        return Finding(None)
    if facts.water_source in safe_sources:
        return Finding(False)
    return Finding(True, (_("Không tiếp cận nguồn nước sinh hoạt an toàn"),))


def latrine(facts: HouseholdFacts, *, hygienic: Iterable[str] = HYGIENIC_LATRINES) -> Finding:
    """CS10: no hygienic latrine."""
    if not facts.latrine:
        return Finding(None)
    if facts.latrine in hygienic:
        return Finding(False)
    return Finding(True, (_("Không có nhà tiêu hợp vệ sinh"),))


def telecom(facts: HouseholdFacts) -> Finding:
    """CS11: no member uses internet services."""
    if facts.uses_internet is None:
        return Finding(None)
    if facts.uses_internet:
        return Finding(False)
    return Finding(True, (_("Không thành viên nào sử dụng dịch vụ internet"),))


def information_access(facts: HouseholdFacts) -> Finding:
    """CS12: the household owns no TV, radio, computer, smartphone or tablet."""
    if facts.has_information_device is None:
        return Finding(None)
    if facts.has_information_device:
        return Finding(False)
    return Finding(True, (_("Không có phương tiện tiếp cận thông tin"),))


# Household waste treatment (Decree 351/2025/NĐ-CP, 2027-2030): the ways of treating household
# waste that count as acceptable are data of the indicator [verify, provisional].
WASTE_TREATMENTS = ("collected", "treated_on_site", "untreated")
ACCEPTABLE_WASTE = frozenset({"collected", "treated_on_site"})


def waste_treatment(
    facts: HouseholdFacts, *, acceptable: Iterable[str] = ACCEPTABLE_WASTE
) -> Finding:
    """2027-2030: the household's waste is neither collected nor treated in an acceptable way."""
    if not facts.waste_treatment:
        return Finding(None)
    if facts.waste_treatment in acceptable:
        return Finding(False)
    return Finding(True, (_("Rác thải sinh hoạt của hộ không được thu gom, xử lý"),))


def digital_services(facts: HouseholdFacts) -> Finding:
    """2027-2030 information indicator: no member uses digital services or the internet.

    Where the digital-services fact is not recorded (a review made under the 2022-2025 form),
    the internet fact decides, so a forecast over earlier reviews still reads something."""
    uses = facts.uses_digital_services
    if uses is None:
        uses = facts.uses_internet
    if uses is None:
        return Finding(None)
    if uses:
        return Finding(False)
    return Finding(True, (_("Không thành viên nào sử dụng dịch vụ số, internet"),))


# The household facts only some rules read: a form or template of a standard asks for one only
# when one of its indicators' rules reads it.
FACT_RULES: dict[str, frozenset[str]] = {
    "uses_internet": frozenset({"telecom"}),
    "has_information_device": frozenset({"information_access"}),
    "uses_digital_services": frozenset({"digital_services"}),
    "waste_treatment": frozenset({"waste_treatment"}),
}


# --- indicator sets as data -------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of a standard: the column it is stored in (1..13 -> d01..d13), its code,
    the rule (a key of RULES) and the rule's parameters."""

    column: int
    code: str
    rule: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def kwargs(self) -> dict:
        return dict(self.params)


RuleFn = Callable[[Sequence[MemberFacts], "HouseholdFacts", date, int, dict], Finding]


def _members_rule(fn: Callable[..., Finding]) -> RuleFn:
    return lambda present, facts, on, size, params: fn(present, on, **params)


def _facts_rule(fn: Callable[..., Finding]) -> RuleFn:
    return lambda present, facts, on, size, params: fn(facts, **params)


# name -> (function(present, facts, on, member_count, params), {param: (kind, min, max)}).
# kind: "int", "number" or "choices" (a list of allowed codes).
RULES: dict[str, tuple] = {
    "employment": (_members_rule(employment), {}),
    "dependants": (
        _members_rule(dependants),
        {
            "max_share": ("number", 0, 1),
            "child_age": ("int", 1, 25),
            "elderly_age": ("int", 40, 100),
        },
    ),
    "nutrition": (_members_rule(nutrition), {"child_age": ("int", 1, 25)}),
    "health_insurance": (_members_rule(health_insurance), {"min_age": ("int", 0, 100)}),
    "adult_education": (
        _members_rule(adult_education),
        {"min_age": ("int", 10, 60), "max_age": ("int", 10, 60)},
    ),
    "child_schooling": (
        _members_rule(child_schooling),
        {"min_age": ("int", 0, 18), "max_age": ("int", 1, 25)},
    ),
    "housing_quality": (_facts_rule(housing_quality), {"min_nondurable_parts": ("int", 1, 3)}),
    "housing_area": (
        lambda present, facts, on, size, params: housing_area(facts, size, **params),
        {"min_m2_per_person": ("number", 1, 100)},
    ),
    "water": (_facts_rule(water), {"safe_sources": ("choices", SAFE_WATER | {"unprotected"})}),
    "latrine": (
        _facts_rule(latrine),
        {"hygienic": ("choices", HYGIENIC_LATRINES | {"unhygienic"})},
    ),
    "telecom": (_facts_rule(telecom), {}),
    "information_access": (_facts_rule(information_access), {}),
    "digital_services": (_facts_rule(digital_services), {}),
    "waste_treatment": (
        _facts_rule(waste_treatment),
        {"acceptable": ("choices", frozenset(WASTE_TREATMENTS))},
    ),
}


def apply_rule(
    spec: IndicatorSpec,
    present: Sequence[MemberFacts],
    facts: HouseholdFacts,
    on: date,
    size: int,
) -> Finding:
    fn, _schema = RULES[spec.rule]
    params = {k: (frozenset(v) if isinstance(v, list | tuple) else v) for k, v in spec.params}
    return fn(present, facts, on, size, params)


def rule_params_errors(rule: str, params: dict) -> dict[str, str]:
    """Why a rule's parameters are refused ({} when they are valid): an unknown rule, an
    unknown parameter, a value of the wrong kind or out of range."""
    if rule not in RULES:
        return {"rule": _("Không có quy tắc “%(rule)s”.") % {"rule": rule}}
    if not isinstance(params, dict):
        return {"params": _("Tham số phải là một đối tượng JSON.")}
    schema = RULES[rule][1]
    errors = {}
    for name, value in params.items():
        if name not in schema:
            errors[name] = _("Quy tắc này không có tham số “%(name)s”.") % {"name": name}
            continue
        kind, *bounds = schema[name]
        if kind == "choices":
            allowed = bounds[0]
            if not isinstance(value, list) or not value or not set(value) <= set(allowed):
                errors[name] = _("Phải là danh sách khác rỗng gồm các mã: %(codes)s.") % {
                    "codes": ", ".join(sorted(allowed))
                }
            continue
        low, high = bounds
        number_ok = isinstance(value, int | float) and not isinstance(value, bool)
        if kind == "int" and not (number_ok and float(value).is_integer()):
            errors[name] = _("Phải là số nguyên.")
        elif not number_ok:
            errors[name] = _("Phải là một số.")
        elif not low <= value <= high:
            errors[name] = _("Phải từ %(low)s đến %(high)s.") % {"low": low, "high": high}
    ages = {"min_age", "max_age"} <= params.keys()
    if not errors and ages and params["min_age"] >= params["max_age"]:
        errors["max_age"] = _("Tuổi tối đa phải lớn hơn tuổi tối thiểu.")
    return errors


def columns_of(specs: Sequence[IndicatorSpec]) -> tuple[int, ...]:
    return tuple(spec.column for spec in specs)


# The 12 indicators of Decree 07/2021/NĐ-CP in columns 1..12 (the seeded data says the same).
DEFAULT_INDICATORS = tuple(
    IndicatorSpec(column=n, code=f"CS{n:02d}", rule=rule)
    for n, rule in enumerate(
        (
            "employment",
            "dependants",
            "nutrition",
            "health_insurance",
            "adult_education",
            "child_schooling",
            "housing_quality",
            "housing_area",
            "water",
            "latrine",
            "telecom",
            "information_access",
        ),
        start=1,
    )
)


# --- low-income workers (Decree 30/2025/NĐ-CP amending Decree 07/2021) ------------------------


LOW_INCOME_WORK_STATUSES = frozenset({WAGE_CONTRACT, WAGE_NO_CONTRACT, SELF_EMPLOYED, UNEMPLOYED})


@dataclass(frozen=True)
class LowIncomeRule:
    """The conditions of a low-income worker (người lao động có thu nhập thấp), as data."""

    rural_line: int
    urban_line: int
    min_age: int = 15
    # Up to the retirement age (Labour Code 2019 Art. 169) when True [verify, provisional].
    up_to_retirement: bool = True
    # Work statuses that count (those in the labour force) [verify, provisional].
    work_statuses: frozenset[str] = LOW_INCOME_WORK_STATUSES


# Age groups of the low-income worker counts (dashboard, official table): (code, from, to incl.).
LOW_INCOME_AGE_GROUPS = (("15_34", 15, 34), ("35_54", 35, 54), ("55_plus", 55, None))


def age_group(age: int) -> str:
    for code, low, high in LOW_INCOME_AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return code
    return ""


def is_low_income_worker(
    member: MemberFacts,
    *,
    on: date,
    income_per_capita: int,
    is_urban: bool,
    classification: str,
    rule: LowIncomeRule,
) -> bool:
    """A member of a household that is neither poor nor near-poor, whose income per person is
    at or below the low-income line (≤ is inclusive), of working age and in the labour force."""
    if classification in (POOR, NEAR_POOR):
        return False
    line = rule.urban_line if is_urban else rule.rural_line
    if income_per_capita > line:
        return False
    months = age_in_months(member.date_of_birth, on)
    if months < rule.min_age * 12:
        return False
    if rule.up_to_retirement and months >= retirement_age_months(is_female=member.is_female, on=on):
        return False
    return member.work_status in rule.work_statuses


def deprivations(
    members: Iterable[MemberFacts],
    facts: HouseholdFacts,
    on: date,
    indicators: Sequence[IndicatorSpec] | None = None,
) -> dict[int, Finding]:
    """The indicators of a standard derived from the recorded facts, keyed by their column
    (1..13, HouseholdReview.d01..d13). Without `indicators`: the 12 of Decree 07/2021."""
    present = members_on(members, on)
    return {
        spec.column: apply_rule(spec, present, facts, on, len(present))
        for spec in (indicators or DEFAULT_INDICATORS)
    }


DERIVED = "derived"
REVIEWER = "reviewer"
OVERRIDDEN = "overridden"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolved:
    deprived: dict[int, bool]
    sources: dict[int, str]
    conflicts: tuple[int, ...]  # indicators where the reviewer's tick contradicts the facts
    unknown: tuple[int, ...] = ()  # indicators nobody decided: facts unknown and no tick


def resolve_deprivations(
    findings: dict[int, Finding],
    ticks: dict[int, bool | None],
    columns: Sequence[int] = INDICATORS,
) -> Resolved:
    """Combine what the facts say with what a person set explicitly (one rule for the form,
    drafts, the import and every bulk path), over the columns of the standard's indicators.

    No tick (None): the facts decide ("derived"); when they cannot, the indicator is
    "unknown" (stored as not deprived, and the review cannot be submitted). A tick where the
    facts cannot decide is the reviewer's decision ("reviewer"). A tick that agrees with the
    facts is no decision at all ("derived"). A tick that contradicts them is an override
    ("overridden", listed in `conflicts`): the caller requires and records its reason.
    """
    deprived: dict[int, bool] = {}
    sources: dict[int, str] = {}
    conflicts, unknown = [], []
    for n in columns:
        finding = findings.get(n, Finding(None))
        tick = ticks.get(n)
        if tick is None:
            deprived[n] = bool(finding.deprived)
            if finding.deprived is None:
                sources[n] = UNKNOWN
                unknown.append(n)
            else:
                sources[n] = DERIVED
        elif finding.deprived is None:
            deprived[n] = tick
            sources[n] = REVIEWER
        elif finding.deprived == tick:
            deprived[n] = tick
            sources[n] = DERIVED
        else:
            deprived[n] = tick
            sources[n] = OVERRIDDEN
            conflicts.append(n)
    return Resolved(
        deprived=deprived, sources=sources, conflicts=tuple(conflicts), unknown=tuple(unknown)
    )


def unexplained_overrides(conflicts: Iterable[int], reasons: dict[int, str]) -> tuple[int, ...]:
    """The overrides without a written reason: every override must say why."""
    return tuple(n for n in conflicts if not (reasons.get(n) or "").strip())


def override_entries(
    *,
    conflicts: Iterable[int],
    deprived: dict[int, bool],
    reasons: dict[int, str],
    previous: dict,
    by: str,
    by_name: str,
    at: str,
) -> dict[str, dict]:
    """The overrides as stored: {"4": {"deprived", "reason", "by", "by_name", "at"}}. One left
    unchanged (same result, same reason) keeps its author and time."""
    stored = {}
    for n in conflicts:
        reason = (reasons.get(n) or "").strip()
        before = previous.get(str(n))
        if before and before.get("reason") == reason and before.get("deprived") == deprived[n]:
            stored[str(n)] = before
        else:
            stored[str(n)] = {
                "deprived": deprived[n],
                "reason": reason,
                "by": by,
                "by_name": by_name,
                "at": at,
            }
    return stored


def tick_from_source(source: str, deprived: bool) -> bool | None:
    """The explicit choice a stored indicator stands for (None: from the facts / undecided).
    Re-opening a draft shows only what a person chose, never a derived or default value."""
    return deprived if source in (REVIEWER, OVERRIDDEN) else None


# --- plausibility (shared by the form and the import) -----------------------------------------

INCOME_JUMP_FACTOR = 10
MAX_AGE_YEARS = 120


def income_needs_confirmation(income: int, *, bound: int, previous: int | None = None) -> bool:
    """An income per person above the configured bound, or more than 10 times last year's,
    is accepted only with an explicit confirmation (a typing slip is the usual cause)."""
    if income > bound:
        return True
    return previous is not None and previous > 0 and income > INCOME_JUMP_FACTOR * previous


def birth_date_error(date_of_birth: date, on: date) -> str | None:
    """A birth date after `on` (the review's reference date, or today) or more than 120 years
    before it is refused."""
    if date_of_birth > on:
        return _("Ngày sinh %(dob)s sau thời điểm %(on)s.") % {
            "dob": date_of_birth.strftime("%d/%m/%Y"),
            "on": on.strftime("%d/%m/%Y"),
        }
    if age_on(date_of_birth, on) > MAX_AGE_YEARS:
        return _("Ngày sinh %(dob)s: hơn 120 tuổi, hãy kiểm tra lại.") % {
            "dob": date_of_birth.strftime("%d/%m/%Y")
        }
    return None


_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def normalize_phone(value: str) -> str:
    """Spaces, dots, dashes and brackets removed: "0912 345 678" -> "0912345678"."""
    return _PHONE_SEPARATORS.sub("", value or "")


def phone_error(value: str) -> str | None:
    """A Vietnamese phone number: 10 digits starting with 0, or +84 and the 9 digits after
    the 0 (the national numbering plan since 2018, fixed and mobile alike)."""
    phone = normalize_phone(value)
    if not phone:
        return None
    if re.fullmatch(r"0\d{9}", phone) or re.fullmatch(r"\+84\d{9}", phone):
        return None
    return _("Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0 (hoặc +84 và 9 chữ số).")


# --- movements between years ------------------------------------------------------------------

# Movement kinds (mirrors households.models.Movement).
JOINED = "joined"  # tăng khác: on this year's list, on no list of this area last year
LEFT = "left"  # giảm khác: on last year's list, no approved review in this area this year
LISTED = (POOR, NEAR_POOR)


def movement(
    previous: str | None, current: str | None, *, ever_poor: bool, ever_near_poor: bool
) -> str:
    """Diễn biến of a household in an area between last year's official classification and this
    year's (Circular 07/2021, Phụ lục VII); None = no approved review of that year in the area.

    A household with no classification last year (moved in, split off, or not reviewed) that is
    poor or near-poor now is an "other increase" (tăng khác), not newly poor; one that was poor
    or near-poor and has no approved review now (moved away, merged, dissolved, or not yet
    reviewed) an "other decrease" (giảm khác). `ever_poor` / `ever_near_poor`: poor / near-poor in
    a year before the previous one, which makes a return "tái nghèo" rather than "phát sinh mới".
    """
    if current is None:
        return LEFT if previous in LISTED else "unchanged"
    if previous is None:
        return JOINED if current in LISTED else "unchanged"
    if previous == POOR:
        if current == POOR:
            return "stayed_poor"
        if current == NEAR_POOR:
            return "poor_to_near_poor"
        return "escaped"
    if current == POOR:
        return "reimpoverished" if ever_poor else "newly_poor"
    if previous == NEAR_POOR:
        return "stayed_near_poor" if current == NEAR_POOR else "escaped_near_poor"
    if current == NEAR_POOR:
        return "near_poor_returned" if ever_near_poor else "newly_near_poor"
    return "unchanged"


# The identity of each list, for every area and year (Circular 07/2021, Phụ lục VII, biểu 2-3):
#   start - outflows + inflows = end, and start = the previous year's official end.
# Each term is a count indicator of the reports (reports.indicators.households).
# One list's identity: start - out + in = end (the names of the counts that make it up).
IdentityTerms = TypedDict(
    "IdentityTerms", {"start": str, "out": tuple[str, ...], "in": tuple[str, ...], "end": str}
)
MOVEMENT_IDENTITY: dict[str, IdentityTerms] = {
    POOR: {
        "start": "poor_start",
        "out": ("poor_escaped", "poor_to_near_poor", "poor_other_out"),
        "in": ("poor_newly", "poor_reimpoverished", "poor_other_in"),
        "end": "poor_households",
    },
    NEAR_POOR: {
        "start": "near_start",
        "out": ("near_escaped", "near_to_poor", "near_other_out"),
        "in": ("near_from_poor", "near_newly", "near_returned", "near_other_in"),
        "end": "near_poor_households",
    },
}


MOVEMENT_ENDS = tuple(terms["end"] for terms in MOVEMENT_IDENTITY.values())


def movement_counts(previous: str | None, current: str | None, *, ever_poor: bool,
                    ever_near_poor: bool) -> tuple[str, ...]:  # fmt: skip
    """The count indicators one household adds to in its area: the starts and ends of the
    lists it was and is on, and the flow between them. Summed over households this gives the
    figures the set-based SQL of the rebuild computes (a test compares the two)."""
    codes = []
    if previous == POOR:
        codes.append("poor_start")
    elif previous == NEAR_POOR:
        codes.append("near_start")
    if current == POOR:
        codes.append("poor_households")
    elif current == NEAR_POOR:
        codes.append("near_poor_households")
    kind = movement(previous, current, ever_poor=ever_poor, ever_near_poor=ever_near_poor)
    codes += {
        "escaped": ("poor_escaped",),
        "poor_to_near_poor": ("poor_to_near_poor", "near_from_poor"),
        "newly_poor": ("poor_newly", "near_to_poor") if previous == NEAR_POOR else ("poor_newly",),
        "reimpoverished": ("poor_reimpoverished", "near_to_poor")
        if previous == NEAR_POOR
        else ("poor_reimpoverished",),
        "escaped_near_poor": ("near_escaped",),
        "newly_near_poor": ("near_newly",),
        "near_poor_returned": ("near_returned",),
        JOINED: ("poor_other_in",) if current == POOR else ("near_other_in",),
        LEFT: ("poor_other_out",) if previous == POOR else ("near_other_out",),
    }.get(kind, ())
    return tuple(codes)


def movement_identity_failures(
    counts: dict[str, int], previous_end: dict[str, int] | None = None
) -> list[str]:
    """Which identities fail for one area: "poor" / "near_poor" when start - out + in != end,
    "poor_start" / "near_poor_start" when the start differs from the previous year's official
    end (given as {"poor_households": n, "near_poor_households": n}, None to skip)."""
    failures = []
    for klass, terms in MOVEMENT_IDENTITY.items():
        start = counts.get(terms["start"], 0)
        outflow = sum(counts.get(code, 0) for code in terms["out"])
        inflow = sum(counts.get(code, 0) for code in terms["in"])
        if start - outflow + inflow != counts.get(terms["end"], 0):
            failures.append(klass)
        if previous_end is not None and start != previous_end.get(terms["end"], 0):
            failures.append(f"{klass}_start")
    return failures


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with two decimals, or None when the denominator is zero."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 2)


@dataclass(frozen=True)
class Evaluation:
    """A review's outcome: the 12 results, where each came from, the reasons, the class."""

    deprived: dict[int, bool]
    sources: dict[int, str]
    reasons: dict[int, tuple[str, ...]]
    conflicts: tuple[int, ...]
    count: int
    classification: str
    member_count: int
    unknown: tuple[int, ...] = ()


def evaluate(
    *,
    members: Iterable[MemberFacts],
    facts: HouseholdFacts,
    ticks: dict[int, bool | None],
    income_per_capita: int,
    is_urban: bool,
    lines: StandardLines,
    on: date,
    declared_size: int | None = None,
    indicators: Sequence[IndicatorSpec] | None = None,
) -> Evaluation:
    """The whole household form in one call: facts + ticks -> deprivations -> classification.

    The web form, the Excel import and the generator all classify through this function.
    """
    members = list(members)
    present = members_on(members, on)
    specs = tuple(indicators or DEFAULT_INDICATORS)
    reasons: dict[int, tuple[str, ...]]
    if not present and (facts is NO_FACTS or facts == NO_FACTS):
        resolved, reasons = ticks_only(ticks, columns_of(specs)), {}
    else:
        resolved, reasons = from_facts(present, facts, ticks, on, declared_size, specs)
    count = sum(resolved.deprived.values())
    return Evaluation(
        deprived=resolved.deprived,
        sources=resolved.sources,
        reasons=reasons,
        conflicts=resolved.conflicts,
        count=count,
        classification=classify(
            income_per_capita=income_per_capita,
            is_urban=is_urban,
            deprivation_count=count,
            lines=lines,
        ),
        member_count=len(present) or (declared_size or 0),
        unknown=resolved.unknown,
    )


NO_FACTS = HouseholdFacts()


def ticks_only(ticks: dict[int, bool | None], columns: Sequence[int] = INDICATORS) -> Resolved:
    """Nothing recorded but the ticks (an imported row without members): every indicator's
    finding is unknown, so each tick stands as the reviewer's, a blank one stays unknown, and
    no conflict can arise. The same result as `from_facts` with no facts (tests compare the
    two), ten times cheaper."""
    return Resolved(
        deprived={n: bool(ticks.get(n)) for n in columns},
        sources={n: UNKNOWN if ticks.get(n) is None else REVIEWER for n in columns},
        conflicts=(),
        unknown=tuple(n for n in columns if ticks.get(n) is None),
    )


def from_facts(
    present: list[MemberFacts],
    facts: HouseholdFacts,
    ticks: dict[int, bool | None],
    on: date,
    declared_size: int | None,
    indicators: Sequence[IndicatorSpec] | None = None,
) -> tuple[Resolved, dict[int, tuple[str, ...]]]:
    """The findings of the recorded facts, resolved with the ticks; and their reasons."""
    specs = tuple(indicators or DEFAULT_INDICATORS)
    findings = deprivations(present, facts, on, specs)
    if not present and declared_size:
        for spec in specs:
            if spec.rule == "housing_area":
                findings[spec.column] = apply_rule(spec, present, facts, on, declared_size)
    columns = columns_of(specs)
    # An undecided indicator keeps what is missing as its reasons ("chưa ghi nhận thẻ BHYT").
    reasons = {
        n: findings[n].reasons or findings[n].missing
        for n in columns
        if findings[n].reasons or findings[n].missing
    }
    return resolve_deprivations(findings, ticks, columns), reasons


# --- forecast under another standard ---------------------------------------------------------


def carried_ticks(
    sources: dict[str, str], flags: dict[int, bool], columns: Iterable[int]
) -> dict[int, bool | None]:
    """The reviewer's own determinations (source "reviewer" or "overridden") carried to the
    same columns of another standard (one concept keeps its column); what was derived from the
    facts (or left unknown) is derived again by the other standard's rules."""
    return {
        n: flags.get(n, False) if sources.get(str(n)) in (REVIEWER, OVERRIDDEN) else None
        for n in columns
    }


def class_change(before: str, after: str) -> str:
    """A key of the change between two classifications: "poor>near_poor" ("" when the same)."""
    return "" if before == after else f"{before}>{after}"


# Rules that read the members (the others read only the household's facts).
MEMBER_RULES = frozenset(
    {
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
        "housing_area",
    }
)


def reusable_columns(source: Sequence[IndicatorSpec], target: Sequence[IndicatorSpec]) -> set:
    """Columns where the target standard applies the same rule with the same parameters as the
    standard a review was classified under: the stored result stands as it is (same facts, same
    rule, same reviewer tick), so only the other columns need deriving again."""
    by_column = {s.column: (s.rule, s.params) for s in source}
    return {t.column for t in target if by_column.get(t.column) == (t.rule, t.params)}


def reclassified(
    *,
    flags: dict[int, bool],
    sources: dict[str, str],
    reuse: set,
    derive: Sequence[IndicatorSpec],
    present: Sequence[MemberFacts],
    facts: HouseholdFacts,
    on: date,
    size: int,
    income_per_capita: int,
    is_urban: bool,
    lines: StandardLines,
) -> tuple[dict[int, bool], str]:
    """A stored review under another standard: the reused columns as stored, the others derived
    by their rule and resolved with the reviewer's own tick; the class by the other lines."""
    deprived = {n: flags[n] for n in reuse}
    for spec in derive:
        n = spec.column
        finding = apply_rule(spec, present, facts, on, size)
        tick = flags.get(n, False) if sources.get(str(n)) in (REVIEWER, OVERRIDDEN) else None
        if tick is None:
            deprived[n] = bool(finding.deprived)
        else:
            deprived[n] = tick
    count = sum(deprived.values())
    klass = classify(
        income_per_capita=income_per_capita,
        is_urban=is_urban,
        deprivation_count=count,
        lines=lines,
    )
    return deprived, klass


# --- the year a page opens on ------------------------------------------------------------------


def default_year_pick(
    *, approved: Iterable[int], opened: Iterable[int], for_entry: bool = False
) -> int | None:
    """The one rule for the year a page opens on when none is asked for (issue 17).

    Figures (dashboard, official tables, trend, household list): the latest year with
    approved data, never an empty year; when nothing is approved yet, the open round's year.
    Entry (the import form): the open round's year when it is later (the round being entered).
    None when there is neither.
    """
    latest = max(approved, default=None)
    open_year = max(opened, default=None)
    if latest is None:
        return open_year
    if for_entry and open_year is not None and open_year > latest:
        return open_year
    return latest
