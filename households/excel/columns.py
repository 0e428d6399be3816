"""The published workbook format: sheets, column titles, coded values.

Headers are matched by title with case, spacing and diacritics ignored (rules.normalize_text),
in any order. The same definitions drive the template, the reader, the export and the
annotated error workbook, so export -> edit -> re-import is a round trip.
"""

from __future__ import annotations

from households import rules
from households.models import HouseholdReview, Member
from households.models.reviews import HOUSING_FACT_FIELDS, INDICATOR_FIELDS
from households.rules import normalize_text
from households.workbook import Column

HOUSEHOLD_SHEET = "HO"
MEMBER_SHEET = "NHAN_KHAU"
INSTRUCTIONS_SHEET = "HUONG_DAN"

INDICATOR_TITLES = (
    "CS01 Việc làm",
    "CS02 Người phụ thuộc",
    "CS03 Dinh dưỡng",
    "CS04 Bảo hiểm y tế",
    "CS05 Trình độ giáo dục người lớn",
    "CS06 Tình trạng đi học trẻ em",
    "CS07 Chất lượng nhà ở",
    "CS08 Diện tích nhà ở",
    "CS09 Nguồn nước sinh hoạt",
    "CS10 Nhà tiêu hợp vệ sinh",
    "CS11 Dịch vụ viễn thông",
    "CS12 Phương tiện tiếp cận thông tin",
)


HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", "code", width=16),
    Column("commune", "Mã xã", "code", width=9),
    Column("hamlet", "Thôn/ấp", "text", required=False, width=18),
    Column("head_name", "Họ tên chủ hộ", "text", width=24),
    Column("head_citizen_id", "CCCD chủ hộ", "code", required=False, width=15),
    Column("declared_size", "Số nhân khẩu", "integer", width=10),
    Column("income", "Thu nhập bình quân (đồng/người/tháng)", "integer", required=False, width=16),
    *(
        Column(field, title, "indicator", required=False, width=10)
        for field, title in zip(INDICATOR_FIELDS, INDICATOR_TITLES, strict=True)
    ),
    Column("is_meritorious", "Người có công", "flag", required=False, width=10),
    Column("is_ethnic_minority", "Dân tộc thiểu số", "flag", required=False, width=10),
    Column("no_labour_capacity", "Không có khả năng lao động", "flag", required=False, width=12),
    Column("wants_loan", "Nhu cầu vay vốn", "flag", required=False, width=10),
    # Since issue 13 the sheet carries every household fact the indicators read (blank =
    # not recorded), the overrides' reasons and the income confirmation. A standard's template
    # carries the facts its indicators read (household_columns).
    Column("phone", "Điện thoại", "text", required=False, width=13),
    Column(
        "nondurable_parts", "Số bộ phận nhà không bền chắc", "integer", required=False, width=12
    ),
    Column("floor_area_m2", "Diện tích ở (m²)", "decimal", required=False, width=10),
    Column("water_source", "Nguồn nước sinh hoạt", "choice", required=False, width=24),
    Column("latrine", "Nhà tiêu", "choice", required=False, width=22),
    Column("uses_internet", "Có thành viên sử dụng internet", "tri", required=False, width=12),
    Column(
        "has_information_device",
        "Có TV, radio, máy tính, điện thoại thông minh",
        "tri",
        required=False,
        width=14,
    ),
    # Facts of the 2027-2030 standard (Decree 351/2025/NĐ-CP).
    Column("waste_treatment", "Xử lý rác thải sinh hoạt", "choice", required=False, width=22),
    Column("uses_digital_services", "Sử dụng dịch vụ số", "tri", required=False, width=10),
    Column("income_confirmed", "Xác nhận thu nhập cao", "flag", required=False, width=10),
    *(
        Column(f"r{n:02d}", f"Lý do điều chỉnh CS{n:02d}", "text", required=False, width=18)
        for n in range(1, 13)
    ),
)
REASON_KEYS = tuple(f"r{n:02d}" for n in range(1, 13))
# The review's housing and household facts (one list: households.models.reviews).
FACT_KEYS = HOUSING_FACT_FIELDS
WASTE_CHOICES = {
    "Được thu gom": "collected",
    "Tự xử lý hợp vệ sinh": "treated_on_site",
    "Không thu gom, không xử lý": "untreated",
}


DEFAULT_SET = [(n, f"CS{n:02d}") for n in range(1, 13)]  # 2022-2026: the published titles
# The facts only some standards read (the others are read by every standard's members or
# dwelling rules): a template carries them when one of its indicators' rules reads them.
OPTIONAL_FACTS = rules.FACT_RULES


def household_columns(indicators=None) -> tuple[Column, ...]:
    """The HO sheet's columns for a standard's indicators (rows of PovertyIndicator, in order):
    tick column N and reason column N are the standard's N-th indicator, titled by its code;
    a fact no indicator of the standard reads is left out. None: the 2022-2025 set."""
    if indicators is None:
        used = {spec.rule for spec in rules.DEFAULT_INDICATORS}
        codes = DEFAULT_SET
    else:
        used = {i.rule for i in indicators}
        codes = [(i.column, i.code) for i in indicators]
    unused = {fact for fact, needed_by in OPTIONAL_FACTS.items() if not used & needed_by}
    if codes == DEFAULT_SET:
        return tuple(c for c in HOUSEHOLD_COLUMNS if c.key not in unused)
    ticks = dict(zip(INDICATOR_FIELDS, (f"{i.code} {i.name}" for i in indicators), strict=False))
    reasons = dict(
        zip(REASON_KEYS, (f"Lý do điều chỉnh {i.code}" for i in indicators), strict=False)
    )
    titles = {**ticks, **reasons}
    return tuple(
        Column(c.key, titles.get(c.key, c.title), c.kind, c.required, c.width)
        if c.key in titles
        else c
        for c in HOUSEHOLD_COLUMNS
        if c.key not in unused
    )


# The indicator columns are required as columns (not as cells: a row with no income and no
# indicator is a household without a review of the year, as the export writes it).
REQUIRED_HOUSEHOLD_KEYS = frozenset(
    {"code", "commune", "head_name", "declared_size", "income"} | set(INDICATOR_FIELDS)
)

# Computed on export, ignored on import: the count, the class, and who overrode what, when.
EXPORT_EXTRA_TITLES = ("Điều chỉnh: người, thời điểm", "Số chỉ số thiếu hụt", "Phân loại")

SEX_CHOICES = {"Nam": Member.Sex.MALE, "Nữ": Member.Sex.FEMALE}
RELATIONSHIP_CHOICES = {str(label): value for value, label in Member.Relationship.choices}
SCHOOL_CHOICES = {str(label): value for value, label in Member.SchoolLevel.choices}
EDUCATION_CHOICES = {str(label): value for value, label in Member.Education.choices}
WORK_CHOICES = {str(label): value for value, label in Member.WorkStatus.choices}
WATER_CHOICES = {str(label): value for value, label in HouseholdReview.WaterSource.choices}
LATRINE_CHOICES = {str(label): value for value, label in HouseholdReview.Latrine.choices}

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", "code", width=16),
    Column("full_name", "Họ tên", "text", width=24),
    Column("date_of_birth", "Ngày sinh", "date", width=12),
    Column("sex", "Giới tính", "choice", width=8),
    Column("relationship", "Quan hệ với chủ hộ", "choice", width=16),
    Column("citizen_id", "CCCD", "code", required=False, width=15),
    Column("has_health_insurance", "Có thẻ BHYT", "tri", required=False, width=9),
    Column("school_level", "Đang đi học", "choice", required=False, width=20),
    Column("education", "Trình độ học vấn", "choice", required=False, width=24),
    Column("work_status", "Tình trạng việc làm", "choice", required=False, width=30),
    Column("health_insurance_expiry", "Hạn thẻ BHYT", "date", required=False, width=12),
    Column("has_disability", "Khuyết tật", "tri", required=False, width=9),
    Column("receives_social_allowance", "Trợ cấp xã hội hằng tháng", "tri", required=False),
    Column("is_malnourished", "Trẻ suy dinh dưỡng", "tri", required=False, width=10),
    # Computed (Decree 30/2025/NĐ-CP, 2025-2026): written by the export, ignored on import.
    Column(
        "low_income_worker",
        "Người lao động có thu nhập thấp",
        "computed",
        required=False,
        width=12,
    ),
)
REQUIRED_MEMBER_KEYS = frozenset({"code", "full_name", "date_of_birth", "sex", "relationship"})

MEMBER_CHOICE_LISTS = {
    "sex": SEX_CHOICES,
    "relationship": RELATIONSHIP_CHOICES,
    "school_level": SCHOOL_CHOICES,
    "education": EDUCATION_CHOICES,
    "work_status": WORK_CHOICES,
}
HOUSEHOLD_CHOICE_LISTS = {
    "water_source": WATER_CHOICES,
    "latrine": LATRINE_CHOICES,
    "waste_treatment": WASTE_CHOICES,
}
ALL_CHOICE_LISTS = {**MEMBER_CHOICE_LISTS, **HOUSEHOLD_CHOICE_LISTS}


def choice_lookup(key: str) -> dict[str, str]:
    """Normalised label -> stored value, for tolerant matching of typed choices."""
    return {normalize_text(label): value for label, value in ALL_CHOICE_LISTS[key].items()}


def label_for(key: str, value: str | None) -> str:
    if value is None:
        return ""
    for label, stored in ALL_CHOICE_LISTS[key].items():
        if stored == value:
            return label
    return ""
